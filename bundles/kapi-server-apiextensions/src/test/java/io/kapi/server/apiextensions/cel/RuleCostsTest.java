package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cardinality and total cost bookkeeping of kube's CRD validation: apiextensions' {@code TestCostInfo}
 * and {@code TestPerCRDEstimatedCost} (pkg/apis/apiextensions/validation/validation_test.go, v0.32.0).
 */
class RuleCostsTest {
    private static final JsonNode OBJECT = CostEstimationTest.json("{\"type\":\"object\"}");
    private static final JsonNode ARRAY = CostEstimationTest.json("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    private static final JsonNode MAP = CostEstimationTest.json("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}");

    private static JsonNode with(JsonNode s, String keyword, long max) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) s.deepCopy()).put(keyword, max);
    }

    /** The cardinality of a string leaf under the given chain of schemas, the first the root. */
    private static Long cardinality(JsonNode... chain) {
        Long c = 1L;
        for (JsonNode s : chain) {
            c = RuleCosts.childCardinality(c, s);
        }
        return c;
    }

    @Test
    void kubesTestCostInfo() {
        assertEquals(1L, cardinality(OBJECT));
        assertEquals(5L, cardinality(with(ARRAY, "maxItems", 5)));
        assertEquals(null, cardinality(ARRAY));
        assertEquals(10L, cardinality(with(MAP, "maxProperties", 10)));
        assertEquals(null, cardinality(MAP));
        assertEquals(25L, cardinality(with(MAP, "maxProperties", 5), with(ARRAY, "maxItems", 5)));
        assertEquals(null, cardinality(with(MAP, "maxProperties", 5), ARRAY));
        assertEquals(3L, cardinality(with(ARRAY, "maxItems", 3), OBJECT));
        assertEquals(8L, cardinality(with(ARRAY, "maxItems", 2), OBJECT, with(MAP, "maxProperties", 4)));
        assertEquals(CostEstimator.MAX, cardinality(with(ARRAY, "maxItems", Long.MAX_VALUE), with(ARRAY, "maxItems", 100)));
    }

    private static void total(List<Long> costs, List<Long> expensive, long total) {
        RuleCosts.Total t = new RuleCosts.Total();
        for (long c : costs) {
            t.observe("x", c);
        }
        assertEquals(expensive, t.mostExpensive());
        assertEquals(Long.toUnsignedString(total), Long.toUnsignedString(t.total()));
    }

    @Test
    void kubesTestPerCRDEstimatedCost() {
        total(List.of(), List.of(), 0);
        total(List.of(1000000L), List.of(1000000L), 1000000);
        total(List.of(900000L), List.of(), 900000);
        total(List.of(5000000L, 25000000L), List.of(25000000L, 5000000L), 30000000);
        total(List.of(5000000L, 25000000L, 900000L), List.of(25000000L, 5000000L), 30900000);
        total(List.of(16000000L, 50000000L, 34000000L, 50000000L), List.of(50000000L, 50000000L, 34000000L, 16000000L), 150000000);
        total(List.of(16000000L, 50000000L, 900000L, 34000000L, 50000000L, 50000001L),
                List.of(50000001L, 50000000L, 50000000L, 34000000L), 200900001);
        long half = Long.divideUnsigned(CostEstimator.MAX, 2);
        total(List.of(half, half, 1L, 10L, 100L, 1000L), List.of(half, half), CostEstimator.MAX);
    }
}
