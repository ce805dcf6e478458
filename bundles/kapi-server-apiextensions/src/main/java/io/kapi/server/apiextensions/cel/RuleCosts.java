package io.kapi.server.apiextensions.cel;

import io.kapi.api.rest.FieldCause;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost limits apiextensions' CRD validation (v0.32.0) puts on {@code x-kubernetes-validations}: a rule's
 * estimated cost times the number of times it can run ({@code StaticEstimatedCostLimit}), a
 * messageExpression's estimated cost, and the total of a schema's rules ({@code StaticEstimatedCRDCostLimit}),
 * with kube's messages. Costs are unsigned. One {@link Total} per schema.
 */
final class RuleCosts {
    static final long STATIC_ESTIMATED_COST_LIMIT = 10_000_000L;
    static final long STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000L;

    private RuleCosts() {
    }

    /**
     * kube's {@code getExpressionCost}: the rule's max cost times the cardinality of its schema node,
     * or, when that is unbounded (null), times the rule's own max cardinality; saturating.
     */
    static long expressionCost(CompiledRule cr, Long cardinality) {
        long times = cardinality != null ? cardinality : cr.maxCardinality();
        if (cr.maxCost() == 0) {
            return 0;
        }
        if (Long.compareUnsigned(Long.divideUnsigned(CostEstimator.MAX, cr.maxCost()), times) < 0) {
            return CostEstimator.MAX;
        }
        return cr.maxCost() * times;
    }

    /** The cardinality of a child of {@code parent} (null: unbounded), as kube's {@code CELSchemaContext} has it. */
    static Long childCardinality(Long parentCardinality, com.fasterxml.jackson.databind.JsonNode parent) {
        if (parentCardinality == null) {
            return null;
        }
        Long max = SchemaSizes.maxElementsOfChildren(parent);
        if (max == null) {
            return null;
        }
        return CostEstimator.mulSat(parentCardinality, max);
    }

    static boolean exceeds(long cost, long limit) {
        return Long.compareUnsigned(cost, limit) > 0;
    }

    /** kube's {@code getCostErrorMessage}. */
    static String errorMessage(String costName, long cost, long limit) {
        double factor = CostEstimator.toDouble(cost) / (double) limit;
        String f;
        if (factor > 100.0) {
            f = "more than 100x";
        } else if (factor < 1.5) {
            f = new BigDecimal(factor).setScale(6, RoundingMode.HALF_EVEN).toPlainString() + "x";
        } else {
            f = new BigDecimal(factor).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "x";
        }
        return String.format(Locale.ROOT, "%s exceeds budget by factor of %s (try simplifying the rule, or adding "
                + "maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)", costName, f);
    }

    /** kube's {@code TotalCost}: the sum of a schema's expression costs and its (at most 4) largest contributors. */
    static final class Total {
        private final boolean suppressPerExpression;
        private long total;
        private final List<String> paths = new ArrayList<>();
        private final List<Long> costs = new ArrayList<>();

        Total() {
            this(false);
        }

        /** With {@code suppressPerExpression}, the schema is unchanged by an update: no per-expression limits. */
        Total(boolean suppressPerExpression) {
            this.suppressPerExpression = suppressPerExpression;
        }

        boolean suppressPerExpression() {
            return suppressPerExpression;
        }

        void observe(String path, long cost) {
            total = CostEstimator.addSat(total, cost);
            if (Long.compareUnsigned(cost, STATIC_ESTIMATED_CRD_COST_LIMIT / 100) < 0) {
                return; // less than 1% of the limit
            }
            int i = 0;
            while (i < costs.size() && Long.compareUnsigned(costs.get(i), cost) >= 0) {
                i++;
            }
            paths.add(i, path);
            costs.add(i, cost);
            if (costs.size() > 4) {
                paths.remove(4);
                costs.remove(4);
            }
        }

        long total() {
            return total;
        }

        /** The costs of the largest contributors, largest first. */
        List<Long> mostExpensive() {
            return List.copyOf(costs);
        }

        /** The errors when the total exceeds the CRD limit: each large contributor, then the total at {@code schemaPath}. */
        void report(String schemaPath, List<FieldCause> out) {
            if (!exceeds(total, STATIC_ESTIMATED_CRD_COST_LIMIT)) {
                return;
            }
            for (String p : paths) {
                out.add(FieldCause.forbidden(p, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"));
            }
            out.add(FieldCause.forbidden(schemaPath, errorMessage("x-kubernetes-validations estimated rule cost total for entire "
                    + "OpenAPIv3 schema", total, STATIC_ESTIMATED_CRD_COST_LIMIT)));
        }
    }
}
