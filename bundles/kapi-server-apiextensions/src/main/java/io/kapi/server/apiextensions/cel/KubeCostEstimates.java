package io.kapi.server.apiextensions.cel;

import static io.kapi.server.apiextensions.cel.CostEstimator.MAX;
import static io.kapi.server.apiextensions.cel.CostEstimator.REGEX_STRING_LENGTH_COST_FACTOR;
import static io.kapi.server.apiextensions.cel.CostEstimator.STRING_TRAVERSAL_COST_FACTOR;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import io.kapi.server.apiextensions.cel.CostEstimator.CallEstimate;
import io.kapi.server.apiextensions.cel.CostEstimator.Node;
import io.kapi.server.apiextensions.cel.CostEstimator.Range;
import java.util.ArrayList;
import java.util.List;

/**
 * apiserver's library {@code CostEstimator.EstimateCallCost} (v0.32.0): the static cost of kube's CEL
 * functions (lists, regex, urls, quantity, ip, cidr, format, authz, selectors) and of some strings
 * extension functions, chosen by function name; null for a function kube leaves to cel-go.
 */
final class KubeCostEstimates {
    private static final Range ONE = Range.of(1);
    private static final long MAX_FORMAT_SIZE = 64;
    private static final long MAX_NAME_FORMAT_REGEX_SIZE = 128;
    private static final long LIST_CREATE_BASE_COST = 10;
    private static final long STRUCT_CREATE_BASE_COST = 40;

    private KubeCostEstimates() {
    }

    static CallEstimate estimateCallCost(CostEstimator c, String function, String overload, Node target, List<Node> args) {
        switch (function) {
            case "check":
                return cost(Range.of(350000));
            case "serviceAccount": case "path": case "group": case "resource": case "subresource": case "namespace":
            case "name": case "allowed": case "reason": case "error": case "errored":
                return cost(ONE);
            case "fieldSelector": case "labelSelector":
                if (args.size() == 1) {
                    return cost(selectorCost(c.kubeSizeEstimate(args.get(0))));
                }
                return null;
            case "isSorted": case "sum": case "max": case "min": case "indexOf": case "lastIndexOf":
                if (target == null) {
                    return null;
                }
                Node el = listElementNode(target);
                if (el != null) {
                    Range elCost = ONE;
                    CelKind k = el.type().kind();
                    if (k == CelKind.STRING || k == CelKind.BYTES) {
                        elCost = elCost.add(c.kubeSizeEstimate(el).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
                    }
                    return cost(c.kubeSizeEstimate(target).multiply(elCost));
                }
                return cost(c.kubeSizeEstimate(target).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
            case "url": case "jsonpatch.escapeKey":
                if (args.size() == 1) {
                    Range sz = c.kubeSizeEstimate(args.get(0));
                    return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR), sz);
                }
                return null;
            case "lowerAscii": case "upperAscii": case "substring": case "trim":
                if (target == null) {
                    return null;
                }
                Range sz = c.kubeSizeEstimate(target);
                return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR), sz);
            case "replace":
                return target != null && args.size() >= 2 ? replace(c, target, args) : null;
            case "split":
                return target != null ? split(c, target, args) : null;
            case "join":
                return target != null ? join(c, target, args) : null;
            case "find": case "findAll":
                if (target != null && !args.isEmpty()) {
                    Range s = c.kubeSizeEstimate(target);
                    Range strCost = s.add(ONE).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
                    Range regexCost = c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(REGEX_STRING_LENGTH_COST_FACTOR);
                    return new CallEstimate(strCost.multiply(regexCost), new Range(0, s.max()));
                }
                return null;
            case "cidr": case "isIP": case "isCIDR": case "quantity": case "isQuantity":
                return args.isEmpty() ? null : cost(c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
            case "ip":
                if (!args.isEmpty()) {
                    if (overload.equals("cidr_ip")) {
                        return cost(ONE);
                    }
                    return cost(c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
                }
                return cost(ONE);
            case "ip.isCanonical":
                return args.isEmpty() ? null : cost(c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(2 * STRING_TRAVERSAL_COST_FACTOR));
            case "masked": case "prefixLength": case "family": case "isUnspecified": case "isLoopback":
            case "isLinkLocalMulticast": case "isLinkLocalUnicast": case "isGlobalUnicast":
                return cost(ONE);
            case "containsIP":
            case "containsCIDR":
                return target != null && !args.isEmpty() ? contains(c, function, overload, args) : null;
            case "validate":
                if (target != null && !args.isEmpty()) {
                    return cost(c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR)
                            .multiplyByCostFactor(MAX_NAME_FORMAT_REGEX_SIZE * REGEX_STRING_LENGTH_COST_FACTOR));
                }
                return null;
            case "format.named":
            case "sign": case "asInteger": case "isInteger": case "asApproximateFloat": case "isGreaterThan":
            case "isLessThan": case "compareTo": case "add": case "sub":
            case "getScheme": case "getHostname": case "getHost": case "getPort": case "getEscapedPath": case "getQuery":
                return cost(ONE);
            case "_==_":
                return args.size() == 2 ? equality(args.get(0), args.get(1)) : null;
            default:
                return null;
        }
    }

    private static CallEstimate cost(Range r) {
        return new CallEstimate(r, null);
    }

    /** Equality of kube's types: O(1), but for formats and URLs (their string length). */
    private static CallEstimate equality(Node lhs, Node rhs) {
        CelType t = lhs.type();
        if (t == null || !t.equals(rhs.type()) || (t.kind() != CelKind.OPAQUE && t.kind() != CelKind.STRUCT)) {
            return null;
        }
        switch (t.name()) {
            case "net.IP":
            case "net.CIDR":
            case "kubernetes.Quantity":
            case "kubernetes.authorization.Authorizer":
            case "kubernetes.authorization.PathCheck":
            case "kubernetes.authorization.GroupCheck":
            case "kubernetes.authorization.ResourceCheck":
            case "kubernetes.authorization.Decision":
            case "kubernetes.Semver":
                return cost(ONE);
            case "kubernetes.NamedFormat":
                return cost(new Range(1, MAX_FORMAT_SIZE).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
            case "kubernetes.URL": {
                // kube sizes both sides from the right-hand side
                Range size = rhs.computedSize() != null ? rhs.computedSize() : ONE;
                return cost(new Range(1, size.max()).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
            }
            default:
                return null;
        }
    }

    private static Range selectorCost(Range selectorLength) {
        Range parse = selectorLength.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
        Range requirements = selectorLength.multiplyByCostFactor(0.5);
        Range requirementCost = requirements.multiplyByCostFactor(LIST_CREATE_BASE_COST + STRUCT_CREATE_BASE_COST);
        return Range.of(LIST_CREATE_BASE_COST).add(parse).add(requirementCost);
    }

    private static CallEstimate replace(CostEstimator c, Node target, List<Node> args) {
        Range sz = c.kubeSizeEstimate(target);
        Range toReplace = c.kubeSizeEstimate(args.get(0));
        Range replaceWith = c.kubeSizeEstimate(args.get(1));
        long countMax;
        long retainedMax = 0;
        if (toReplace.min() == 0) {
            countMax = sz.max() != MAX ? sz.max() + 1 : sz.max();
            retainedMax = sz.max();
        } else if (Long.compareUnsigned(replaceWith.max(), toReplace.min()) <= 0) {
            countMax = 0;
            retainedMax = sz.max();
        } else {
            countMax = ceilDiv(sz.max(), toReplace.min());
        }
        long countMin;
        long retainedMin = 0;
        if (toReplace.max() == 0) {
            countMin = sz.min() != MAX ? sz.min() + 1 : sz.min();
            retainedMin = sz.min();
        } else if (Long.compareUnsigned(toReplace.max(), replaceWith.min()) <= 0) {
            countMin = 0;
            retainedMin = sz.min();
        } else {
            countMin = ceilDiv(sz.min(), toReplace.max());
        }
        Range size = new Range(countMin, countMax).multiply(replaceWith).add(new Range(retainedMin, retainedMax));
        return new CallEstimate(sz.multiplyByCostFactor(2 * STRING_TRAVERSAL_COST_FACTOR), size);
    }

    /** Go's {@code uint64(math.Ceil(float64(a) / float64(b)))}. */
    private static long ceilDiv(long a, long b) {
        double q = Math.ceil(CostEstimator.toDouble(a) / CostEstimator.toDouble(b));
        return CostEstimator.byFactor(1, q);
    }

    private static CallEstimate split(CostEstimator c, Node target, List<Node> args) {
        Range sz = c.kubeSizeEstimate(target);
        long max = sz.max();
        if (args.size() > 1) {
            CelExpr limit = args.get(1).expr();
            if (limit != null && limit.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                    && limit.constant().getKind() == CelConstant.Kind.INT64_VALUE) {
                max = limit.constant().int64Value();
            }
        }
        return new CallEstimate(sz.multiplyByCostFactor(2 * STRING_TRAVERSAL_COST_FACTOR), new Range(0, max));
    }

    private static CallEstimate join(CostEstimator c, Node target, List<Node> args) {
        Range sz = Range.of(0);
        Range listSize = c.kubeSizeEstimate(target);
        Node el = listElementNode(target);
        if (el != null) {
            sz = listSize.multiply(c.kubeSizeEstimate(el));
        }
        if (!args.isEmpty()) {
            Range sep = c.kubeSizeEstimate(args.get(0));
            long minSeparators = listSize.min() != 0 ? listSize.min() - 1 : 0;
            long maxSeparators = listSize.max() != 0 ? listSize.max() - 1 : 0;
            sz = sz.add(sep.multiply(new Range(minSeparators, maxSeparators)));
        }
        return new CallEstimate(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR), sz);
    }

    private static CallEstimate contains(CostEstimator c, String function, String overload, List<Node> args) {
        Range sz = new Range(4, 16);
        Range cost = sz.add(sz).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR);
        if (function.equals("containsCIDR")) {
            cost = cost.add(sz.multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR)).add(ONE);
        }
        if (overload.equals("cidr_contains_ip_string") || overload.equals("cidr_contains_cidr_string")) {
            cost = cost.add(c.kubeSizeEstimate(args.get(0)).multiplyByCostFactor(STRING_TRAVERSAL_COST_FACTOR));
        }
        return cost(cost);
    }

    /** kube's {@code listElementNode}: the element of a list-typed node, with the path to it when known. */
    private static Node listElementNode(Node list) {
        List<CelType> params = list.type() == null ? List.of() : list.type().parameters();
        if (params.isEmpty()) {
            return null;
        }
        List<String> path = null;
        if (list.path() != null) {
            path = new ArrayList<>(list.path());
            path.add("@items");
        }
        return new Node(path, params.get(0), null, null);
    }
}
