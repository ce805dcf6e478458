package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rule checks of a CRD: kube's messages and paths for rules that do not compile, bad
 * {@code message}/{@code messageExpression}/{@code reason}/{@code fieldPath}, and {@code oldSelf} where
 * kube forbids it. Cases from {@code compilation-cases.json} (see its README) plus a few here.
 */
class CrdRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A CRD spec with one version whose spec property has the given rules (or other versions' schemas). */
    static JsonNode spec(String specProperty, String otherVersionSchema) throws Exception {
        String v1 = "{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
                + "\"properties\":{\"spec\":" + specProperty + "}}}}";
        String v2 = otherVersionSchema == null ? "" : ",{\"name\":\"v2\",\"served\":true,\"storage\":false,\"schema\":{\"openAPIV3Schema\":"
                + otherVersionSchema + "}}";
        return JSON.readTree("{\"versions\":[" + v1 + v2 + "]}");
    }

    static List<String> errors(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (FieldCause c : CrdRules.validate(spec)) {
            out.add(c.type() + " " + c.describe());
        }
        return out;
    }

    @Test
    void aRuleThatDoesNotCompileHasKubesFullMessage() throws Exception {
        JsonNode spec = spec("{\"type\":\"object\",\"properties\":{\"replicas\":{\"type\":\"integer\"}},"
                + "\"x-kubernetes-validations\":[{\"rule\":\"self.replicas <= self.maxReplicas\"}]}", null);
        assertEquals(List.of("FieldValueInvalid spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: "
                + "Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas <= self.maxReplicas\", Message:\"\", "
                + "MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
                + "OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:22: undefined field 'maxReplicas'\n"
                + " | self.replicas <= self.maxReplicas\n"
                + " | .....................^"), errors(spec));
    }

    @Test
    void withDifferentSchemasPerVersionThePathNamesTheVersion() throws Exception {
        JsonNode spec = spec("{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"1\"}]}", "{\"type\":\"object\"}");
        assertEquals(List.of("FieldValueInvalid spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: "
                + "Invalid value: apiextensions.ValidationRule{Rule:\"1\", Message:\"\", MessageExpression:\"\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: "
                + "cel expression must evaluate to a bool"), errors(spec));
    }

    @TestFactory
    Stream<DynamicTest> kubesCompilationCases() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases("compilation-cases.json")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                JsonNode spec = spec(c.get("spec").toString(), null);
                List<String> got = errors(spec);
                List<String> want = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.path("errors").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    want.add(e.getKey() + " => " + e.getValue().asText());
                }
                assertEquals(want.size(), got.size(), got.toString());
                for (int i = 0; i < want.size(); i++) {
                    String[] w = want.get(i).split(" => ", 2);
                    String g = got.get(i);
                    org.junit.jupiter.api.Assertions.assertTrue(g.contains(w[0]) && g.contains(w[1]), g + " should contain " + want.get(i));
                }
            }));
        }
        return tests.stream();
    }
}
