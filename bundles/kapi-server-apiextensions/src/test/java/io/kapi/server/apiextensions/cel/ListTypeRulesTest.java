package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's {@code TestValidationExpressions} cases (apiextensions-apiserver
 * {@code pkg/apiserver/schema/cel/validation_test.go}, v0.32.0) on the strings {@code format} function,
 * the format library and {@code set} and {@code map} lists ({@code listSets}, {@code listMaps},
 * {@code listMaps with unsupported identity characters in property names}, {@code format}), as data in
 * {@code list-type-and-format-cases.json} (the form of {@code validation-cases.json}), with Kapi's own
 * case of transition rules on reordered lists.
 */
class ListTypeRulesTest {
    @TestFactory
    Stream<DynamicTest> kubesValidationExpressions() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases("list-type-and-format-cases.json")) {
            JsonNode[] so = RuleValidatorCasesTest.schemaAndObject(c);
            String name = c.get("name").asText();
            c.path("valid").forEach(r -> tests.add(DynamicTest.dynamicTest(name + ": " + r.asText(),
                    () -> assertEquals(List.of(), RuleValidatorCasesTest.run(so[0], so[1], so[2], r.asText())))));
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("errors").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tests.add(DynamicTest.dynamicTest(name + ": " + e.getKey(), () -> {
                    List<String> got = RuleValidatorCasesTest.run(so[0], so[1], so[2], e.getKey());
                    assertEquals(1, got.size(), got.toString());
                    assertTrue(got.get(0).contains(e.getValue().asText()), got + " should contain " + e.getValue().asText());
                }));
            }
        }
        return tests.stream();
    }
}
