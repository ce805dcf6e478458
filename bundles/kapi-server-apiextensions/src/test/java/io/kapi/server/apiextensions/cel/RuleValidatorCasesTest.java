package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's {@code TestValidationExpressions} cases (apiextensions-apiserver
 * {@code pkg/apiserver/schema/cel/validation_test.go}, v0.32.0), translated as data into
 * {@code validation-cases.json}: each {@code valid} rule, put on the case's root schema, passes for
 * the case's object (and old object), each {@code errors} rule fails with a message containing the
 * given text. See the README beside the data.
 */
class RuleValidatorCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode cases(String name) throws Exception {
        try (InputStream in = RuleValidatorCasesTest.class.getResourceAsStream(name)) {
            return JSON.readTree(in);
        }
    }

    /** The case's schema and object; {@code vals} is kube's {@code schemas(...)}/{@code objs(...)}: val1..valN. */
    static JsonNode[] schemaAndObject(JsonNode c) {
        if (!c.has("vals")) {
            return new JsonNode[] {c.get("schema"), c.get("obj"), c.get("oldObj")};
        }
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode obj = JSON.createObjectNode();
        int i = 1;
        for (JsonNode v : c.get("vals")) {
            schema.with("properties").set("val" + i, v.get(0));
            obj.set("val" + i, v.get(1));
            i++;
        }
        return new JsonNode[] {schema, obj, null};
    }

    static List<String> run(JsonNode schema, JsonNode obj, JsonNode old, String rule) {
        ObjectNode s = schema.deepCopy();
        ArrayNode rules = s.putArray("x-kubernetes-validations");
        rules.addObject().put("rule", rule);
        RuleValidator v = RuleValidator.of(s);
        List<String> out = new ArrayList<>();
        for (FieldCause c : v.validate(obj, old)) {
            out.add(c.describe());
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> kubesValidationExpressions() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases("validation-cases.json")) {
            JsonNode[] so = schemaAndObject(c);
            String name = c.get("name").asText();
            c.path("valid").forEach(r -> tests.add(DynamicTest.dynamicTest(name + ": " + r.asText(),
                    () -> assertEquals(List.of(), run(so[0], so[1], so[2], r.asText())))));
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("errors").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tests.add(DynamicTest.dynamicTest(name + ": " + e.getKey(), () -> {
                    List<String> got = run(so[0], so[1], so[2], e.getKey());
                    assertEquals(1, got.size(), got.toString());
                    assertTrue(got.get(0).contains(e.getValue().asText()), got + " should contain " + e.getValue().asText());
                }));
            }
        }
        return tests.stream();
    }
}
