package io.kapi.server.apiextensions.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * cel-go's (v0.22) static cost estimate ({@code checker.Cost}) over a checked CEL-Java AST, as kube runs
 * it for CRD rules: sizes of schema values from the rule's {@link SchemaSizes} node, kube's library call
 * costs ({@link KubeCostEstimates}), the sets extension's estimators, a presence test ({@code has()}) free.
 * Costs and sizes are unsigned 64 bit, saturating at 2^64-1 like cel-go's. One per estimate.
 */
final class CostEstimator {
    static final long MAX = -1L; // 2^64-1 as an unsigned long
    static final double STRING_TRAVERSAL_COST_FACTOR = 0.1;
    static final double REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
    private static final long LIST_CREATE_BASE_COST = 10;
    private static final long MAP_CREATE_BASE_COST = 30;
    private static final long STRUCT_CREATE_BASE_COST = 40;
    private static final Range SELECT_AND_IDENT = new Range(1, 1);
    private static final Range ZERO = new Range(0, 0);

    /** A min/max range of a cost or size (cel-go's {@code CostEstimate}, {@code SizeEstimate}), unsigned. */
    record Range(long min, long max) {
        static Range of(long v) {
            return new Range(v, v);
        }

        Range add(Range o) {
            return new Range(addSat(min, o.min), addSat(max, o.max));
        }

        Range multiply(Range o) {
            return new Range(mulSat(min, o.min), mulSat(max, o.max));
        }

        Range multiplyByCostFactor(double f) {
            return new Range(byFactor(min, f), byFactor(max, f));
        }

        Range union(Range o) {
            return new Range(Long.compareUnsigned(o.min, min) < 0 ? o.min : min,
                    Long.compareUnsigned(o.max, max) > 0 ? o.max : max);
        }
    }

    /** A call's cost and, for strings, bytes, lists and maps, its result size (null when unknown). */
    record CallEstimate(Range cost, Range resultSize) {
    }

    /** cel-go's {@code AstNode}: a path into the schema (or null), the checked type, the expression, a derived size. */
    record Node(List<String> path, CelType type, CelExpr expr, Range derivedSize) {
        /** cel-go's {@code ComputedSize}: the derived size, else the size of a literal, list or map literal. */
        Range computedSize() {
            if (derivedSize != null) {
                return derivedSize;
            }
            if (expr == null) {
                return null;
            }
            switch (expr.getKind()) {
                case CONSTANT: {
                    CelConstant c = expr.constant();
                    switch (c.getKind()) {
                        case STRING_VALUE:
                            return Range.of(c.stringValue().codePointCount(0, c.stringValue().length()));
                        case BYTES_VALUE:
                            return Range.of(c.bytesValue().size());
                        case BOOLEAN_VALUE:
                        case DOUBLE_VALUE:
                        case DURATION_VALUE:
                        case INT64_VALUE:
                        case TIMESTAMP_VALUE:
                        case UINT64_VALUE:
                        case NULL_VALUE:
                            return Range.of(1);
                        default:
                            return null;
                    }
                }
                case LIST:
                    return Range.of(expr.list().elements().size());
                case MAP:
                    return Range.of(expr.map().entries().size());
                default:
                    return null;
            }
        }
    }

    private final CelAbstractSyntaxTree ast;
    private final Function<Node, Range> sizes;
    private final Map<Long, List<String>> exprPath = new HashMap<>();
    private final Map<String, Deque<Long>> iterRanges = new HashMap<>();
    private final Map<Long, Range> computedSizes = new HashMap<>();
    private final Map<String, CelExpr> targetAliases = new HashMap<>();

    private CostEstimator(CelAbstractSyntaxTree ast, Function<Node, Range> sizes) {
        this.ast = ast;
        this.sizes = sizes;
    }

    /** The estimated cost range of a checked expression whose {@code self} has the sizes of {@code root}. */
    static Range estimate(CelAbstractSyntaxTree ast, SchemaSizes.Node root) {
        return estimate(ast, n -> SchemaSizes.sizeAt(root, n.path()));
    }

    /** The estimated cost range of a checked expression, {@code sizes} giving the sizes of values the AST does not (or null). */
    static Range estimate(CelAbstractSyntaxTree ast, Function<Node, Range> sizes) {
        return new CostEstimator(ast, sizes).cost(ast.getExpr());
    }

    /** The size estimator's (kube's {@code sizeEstimator.EstimateSize}: the schema size at the node's path), null when none. */
    Range estimateSize(Node n) {
        return sizes.apply(n);
    }

    private Range cost(CelExpr e) {
        if (e == null) {
            return ZERO;
        }
        switch (e.getKind()) {
            case CONSTANT:
                return ZERO;
            case IDENT:
                return costIdent(e);
            case SELECT:
                return costSelect(e);
            case CALL:
                return costCall(e);
            case LIST: {
                Range sum = ZERO;
                for (CelExpr el : e.list().elements()) {
                    sum = sum.add(cost(el));
                }
                return sum.add(Range.of(LIST_CREATE_BASE_COST));
            }
            case MAP: {
                Range sum = ZERO;
                for (CelExpr.CelMap.Entry en : e.map().entries()) {
                    sum = sum.add(cost(en.key())).add(cost(en.value()));
                }
                return sum.add(Range.of(MAP_CREATE_BASE_COST));
            }
            case STRUCT: {
                Range sum = ZERO;
                for (CelExpr.CelStruct.Entry en : e.struct().entries()) {
                    sum = sum.add(cost(en.value()));
                }
                return sum.add(Range.of(STRUCT_CREATE_BASE_COST));
            }
            case COMPREHENSION:
                return costComprehension(e);
            default:
                return ZERO;
        }
    }

    private Range costIdent(CelExpr e) {
        String name = e.ident().name();
        CelExpr alias = targetAliases.get(name);
        if (alias != null) {
            // cel-go's optMap/optFlatMap evaluate their target where CEL-Java binds it once
            Range c = cost(alias);
            if (exprPath.containsKey(alias.id())) {
                exprPath.put(e.id(), exprPath.get(alias.id()));
            }
            if (computedSizes.containsKey(alias.id())) {
                computedSizes.put(e.id(), computedSizes.get(alias.id()));
            }
            return c;
        }
        Deque<Long> ranges = iterRanges.get(name);
        if (ranges != null && !ranges.isEmpty()) {
            long range = ranges.peek();
            CelKind k = typeOf(range).kind();
            if (k == CelKind.LIST) {
                exprPath.put(e.id(), append(exprPath.get(range), "@items"));
            } else if (k == CelKind.MAP) {
                exprPath.put(e.id(), append(exprPath.get(range), "@keys"));
            }
        } else {
            exprPath.put(e.id(), List.of(name));
        }
        return SELECT_AND_IDENT;
    }

    private Range costSelect(CelExpr e) {
        CelExpr.CelSelect sel = e.select();
        if (sel.testOnly()) {
            // kube's environment: a presence test costs nothing itself
            return cost(sel.operand());
        }
        Range sum = cost(sel.operand());
        CelKind k = typeOf(sel.operand().id()).kind();
        if (k == CelKind.MAP || k == CelKind.STRUCT || k == CelKind.TYPE_PARAM) {
            sum = sum.add(SELECT_AND_IDENT);
        }
        exprPath.put(e.id(), append(exprPath.get(sel.operand().id()), sel.field()));
        return sum;
    }

    private Range costCall(CelExpr e) {
        CelExpr.CelCall call = e.call();
        List<CelExpr> args = call.args();
        List<Node> argNodes = new ArrayList<>(args.size());
        List<Range> argCosts = new ArrayList<>(args.size());
        for (CelExpr arg : args) {
            argCosts.add(cost(arg));
            argNodes.add(node(arg));
        }
        List<String> overloads = ast.getReference(e.id()).map(r -> (List<String>) r.overloadIds()).orElse(List.of());
        if (overloads.isEmpty()) {
            return ZERO;
        }
        Range sum = ZERO;
        Node target = null;
        if (call.target().isPresent()) {
            sum = sum.add(cost(call.target().get()));
            target = node(call.target().get());
        }
        Range fnCost = new Range(MAX, 0);
        Range resultSize = null;
        for (String overload : overloads) {
            CallEstimate est = functionCost(call.function(), overload, target, argNodes, argCosts);
            fnCost = fnCost.union(est.cost());
            if (est.resultSize() != null) {
                resultSize = resultSize == null ? est.resultSize() : resultSize.union(est.resultSize());
            }
            if (overload.equals("index_list") && !args.isEmpty()) {
                exprPath.put(e.id(), append(exprPath.get(args.get(0).id()), "@items"));
            } else if (overload.equals("index_map") && !args.isEmpty()) {
                exprPath.put(e.id(), append(exprPath.get(args.get(0).id()), "@values"));
            }
        }
        if (resultSize != null) {
            computedSizes.put(e.id(), resultSize);
        }
        return sum.add(fnCost);
    }

    private Range costComprehension(CelExpr e) {
        CelExpr.CelComprehension comp = e.comprehension();
        if (isTargetBinding(comp)) {
            CelExpr previous = targetAliases.put(comp.accuVar(), comp.accuInit());
            Range c = cost(comp.result());
            if (previous == null) {
                targetAliases.remove(comp.accuVar());
            } else {
                targetAliases.put(comp.accuVar(), previous);
            }
            if (computedSizes.containsKey(comp.result().id())) {
                computedSizes.put(e.id(), computedSizes.get(comp.result().id()));
            }
            return c;
        }
        Range sum = cost(comp.iterRange()).add(cost(comp.accuInit()));
        // cel-go 0.22 tracks the range of the first iteration variable only
        iterRanges.computeIfAbsent(comp.iterVar(), k -> new ArrayDeque<>()).push(comp.iterRange().id());
        Range loopCost = cost(comp.loopCondition());
        Range stepCost = cost(comp.loopStep());
        iterRanges.get(comp.iterVar()).pop();
        sum = sum.add(cost(comp.result()));
        Range rangeCnt = sizeEstimate(node(comp.iterRange()));
        computedSizes.put(e.id(), rangeCnt);
        return sum.add(rangeCnt.multiply(stepCost.add(loopCost)));
    }

    /**
     * CEL-Java's binding of an optMap/optFlatMap target ({@code @target}, over an empty range), which
     * cel-go's expansion has not: costed as cel-go does, the target where it is used.
     */
    private static boolean isTargetBinding(CelExpr.CelComprehension comp) {
        return comp.accuVar().equals("@target") && comp.iterRange().getKind() == CelExpr.ExprKind.Kind.LIST
                && comp.iterRange().list().elements().isEmpty();
    }

    /** cel-go's coster size estimate: computed, else from the schema, else 1 for scalars, else unbounded. */
    Range sizeEstimate(Node n) {
        Range r = n.computedSize();
        if (r == null) {
            r = estimateSize(n);
        }
        if (r != null) {
            return r;
        }
        return isScalar(n.type()) ? Range.of(1) : new Range(0, MAX);
    }

    private CallEstimate functionCost(String function, String overload, Node target, List<Node> args, List<Range> argCosts) {
        Range argSum = ZERO;
        for (Range a : argCosts) {
            argSum = argSum.add(a);
        }
        CallEstimate est = StandardCallCosts.setsCost(this, overload, args);
        if (est == null) {
            est = KubeCostEstimates.estimateCallCost(this, function, overload, target, args);
        }
        if (est != null) {
            return new CallEstimate(est.cost().add(argSum), est.resultSize());
        }
        return StandardCallCosts.callCost(this, function, overload, target, args, argCosts, argSum);
    }

    /** A size estimate without the scalar fallback (kube's library and the extensions): computed, schema, else unbounded. */
    Range kubeSizeEstimate(Node n) {
        Range r = n.computedSize();
        if (r == null) {
            r = estimateSize(n);
        }
        return r != null ? r : new Range(0, MAX);
    }

    private Node node(CelExpr e) {
        List<String> path = exprPath.get(e.id());
        if (path != null && !path.isEmpty() && (path.get(0).equals("@result") || path.get(0).equals("__result__"))) {
            path = null; // only paths from root variables, not from accumulators
        }
        return new Node(path, typeOf(e.id()), e, computedSizes.get(e.id()));
    }

    private CelType typeOf(long id) {
        return ast.getType(id).orElse(SimpleType.DYN);
    }

    private static boolean isScalar(CelType t) {
        switch (t.kind()) {
            case BOOL:
            case DOUBLE:
            case DURATION:
            case INT:
            case TIMESTAMP:
            case UINT:
                return true;
            default:
                return false;
        }
    }

    private static List<String> append(List<String> path, String element) {
        List<String> out = new ArrayList<>(path == null ? List.of() : path);
        out.add(element);
        return out;
    }

    static long addSat(long x, long y) {
        long r = x + y;
        return Long.compareUnsigned(r, x) < 0 ? MAX : r;
    }

    static long mulSat(long x, long y) {
        if (y != 0 && Long.compareUnsigned(x, Long.divideUnsigned(MAX, y)) > 0) {
            return MAX;
        }
        return x * y;
    }

    private static final double TWO_TO_64 = Math.scalb(1.0, 64);

    /** cel-go's {@code multiplyByCostFactor}: x times f rounded up, saturating. */
    static long byFactor(long x, double f) {
        double xf = toDouble(x);
        if (xf > 0 && f > 0 && xf > TWO_TO_64 / f) {
            return MAX;
        }
        double ceil = Math.ceil(xf * f);
        if (ceil >= TWO_TO_64) {
            return MAX;
        }
        return fromDouble(ceil);
    }

    /** An unsigned long as a double, rounded to nearest like Go's {@code float64(uint64)}. */
    static double toDouble(long x) {
        if (x >= 0) {
            return x;
        }
        return ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }

    private static long fromDouble(double d) {
        if (d < Math.scalb(1.0, 63)) {
            return (long) d;
        }
        return (long) (d - Math.scalb(1.0, 63)) + Long.MIN_VALUE;
    }
}
