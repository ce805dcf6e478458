package io.kapi.server.apiextensions.cel;

import static io.kapi.server.apiextensions.cel.CostEstimator.REGEX_STRING_LENGTH_COST_FACTOR;
import static io.kapi.server.apiextensions.cel.CostEstimator.STRING_TRAVERSAL_COST_FACTOR;

import io.kapi.server.apiextensions.cel.CostEstimator.CallEstimate;
import io.kapi.server.apiextensions.cel.CostEstimator.Node;
import io.kapi.server.apiextensions.cel.CostEstimator.Range;
import java.util.List;

/**
 * cel-go's (v0.22) own call costs ({@code coster.functionCost}): the string, bytes and list functions whose
 * cost grows with their operands' sizes, short-circuiting logic, the conditional, and one unit for any other
 * call; and the sets extension's estimators. By overload id, which CEL-Java shares with cel-go.
 */
final class StandardCallCosts {
    private static final Range ONE = Range.of(1);

    private StandardCallCosts() {
    }

    /** The cost of a call kube's library does not estimate, its arguments' costs included. */
    static CallEstimate callCost(CostEstimator c, String function, String overload, Node target, List<Node> args,
            List<Range> argCosts, Range argSum) {
        switch (overload) {
            case "string_format":
                if (target != null) {
                    return new CallEstimate(c.sizeEstimate(target).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum), null);
                }
                break;
            case "string_to_bytes":
                if (args.size() == 1) {
                    Range sz = c.sizeEstimate(args.get(0));
                    return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum),
                            new Range(sz.min(), CostEstimator.mulSat(sz.max(), 4)));
                }
                break;
            case "bytes_to_string":
                if (args.size() == 1) {
                    Range sz = c.sizeEstimate(args.get(0));
                    return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum),
                            new Range(Long.divideUnsigned(sz.min(), 4), sz.max()));
                }
                break;
            case "strings_quote":
                if (args.size() == 1) {
                    Range sz = c.sizeEstimate(args.get(0));
                    return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum),
                            new Range(sz.min() + 2, sz.max() * 2 + 2));
                }
                break;
            case "starts_with_string":
            case "ends_with_string":
                if (args.size() == 1) {
                    return new CallEstimate(c.sizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum), null);
                }
                break;
            case "in_list":
                if (args.size() == 2) {
                    return new CallEstimate(c.sizeEstimate(args.get(1)).multiplyByCostFactor(1).add(argSum), null);
                }
                break;
            case "matches_string":
                if (target != null && args.size() == 1) {
                    Range strCost = c.sizeEstimate(target).add(ONE).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
                    Range regexCost = c.sizeEstimate(args.get(0)).multiplyByCostFactor(REGEX_STRING_LENGTH_COST_FACTOR);
                    return new CallEstimate(strCost.multiply(regexCost).add(argSum), null);
                }
                break;
            case "contains_string":
                if (target != null && args.size() == 1) {
                    Range strCost = c.sizeEstimate(target).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
                    Range subCost = c.sizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
                    return new CallEstimate(strCost.multiply(subCost).add(argSum), null);
                }
                break;
            case "logical_or":
            case "logical_and": {
                Range lhs = argCosts.get(0);
                Range rhs = argCosts.get(1);
                return new CallEstimate(new Range(lhs.min(), lhs.add(rhs).max()), null);
            }
            case "conditional": {
                Range size = c.sizeEstimate(args.get(1)).union(c.sizeEstimate(args.get(2)));
                return new CallEstimate(argCosts.get(0).add(argCosts.get(1).union(argCosts.get(2))), size);
            }
            case "add_string":
            case "add_bytes":
            case "add_list":
                if (args.size() == 2) {
                    Range resultSize = c.sizeEstimate(args.get(0)).add(c.sizeEstimate(args.get(1)));
                    if (overload.equals("add_list")) {
                        return new CallEstimate(ONE.add(argSum), resultSize);
                    }
                    return new CallEstimate(resultSize.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum), resultSize);
                }
                break;
            case "less_string":
            case "greater_string":
            case "less_equals_string":
            case "greater_equals_string":
            case "less_bytes":
            case "greater_bytes":
            case "less_equals_bytes":
            case "greater_equals_bytes":
            case "equals":
            case "not_equals": {
                Range lhs = c.sizeEstimate(args.get(0));
                Range rhs = c.sizeEstimate(args.get(1));
                long smallestMax = Long.compareUnsigned(rhs.max(), lhs.max()) < 0 ? rhs.max() : lhs.max();
                long min = smallestMax != 0 ? 1 : 0;
                return new CallEstimate(new Range(min, smallestMax).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR).add(argSum), null);
            }
            default:
                break;
        }
        return new CallEstimate(ONE.add(argSum), null);
    }

    /** cel-go's sets extension estimators: the product of the list sizes (twice for equivalence), plus one. */
    static CallEstimate setsCost(CostEstimator c, String overload, List<Node> args) {
        double factor;
        switch (overload) {
            case "list_sets_contains_list":
            case "list_sets_intersects_list":
                factor = 1;
                break;
            case "list_sets_equivalent_list":
                factor = 2;
                break;
            default:
                return null;
        }
        if (args.size() != 2) {
            return null;
        }
        Range product = c.kubeSizeEstimate(args.get(0)).multiply(c.kubeSizeEstimate(args.get(1)));
        return new CallEstimate(product.multiplyByCostFactor(factor).add(ONE), null);
    }
}
