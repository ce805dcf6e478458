package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's estimated costs of rules on the schema root: {@code cost-stability-cases.json}, the table of
 * apiextensions' {@code TestCelEstimatedCostStability} (pkg/apiserver/schema/cel/celcoststability_test.go,
 * v0.32.0), including the strings extension, optionals and quantity library cases.
 */
class CostStabilityTest {

    @TestFactory
    Stream<DynamicTest> kubesTestCelEstimatedCostStability() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = c.get("costs").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String rule = e.getKey();
                long want = e.getValue().asLong();
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + ": " + rule, () -> {
                    ObjectNode schema = c.get("schema").deepCopy();
                    schema.putArray("x-kubernetes-validations").addObject().put("rule", rule);
                    CompiledRule r = RuleCompiler.compile(schema).get(schema).get(0);
                    assertNull(r.error());
                    assertEquals(Long.toUnsignedString(want), Long.toUnsignedString(r.maxCost()));
                }));
            }
        }
        return tests.stream();
    }

    private static JsonNode cases() throws Exception {
        try (InputStream in = CostStabilityTest.class.getResourceAsStream("cost-stability-cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
