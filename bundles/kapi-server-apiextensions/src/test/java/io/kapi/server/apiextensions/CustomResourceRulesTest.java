package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code x-kubernetes-validations} end to end through the served group: the CRD's rules checked when
 * the CRD is validated, custom resources validated on create, update (transition rules) and status
 * writes, and no rule run after a blocking schema error.
 */
class CustomResourceRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode crd(String rule) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.example.com"},
                 "spec":{"group":"example.com","scope":"Namespaced",
                  "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                  "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                    "schema":{"openAPIV3Schema":{"type":"object","properties":{
                      "spec":{"type":"object","x-kubernetes-validations":[RULE,
                          {"rule":"self.mode == oldSelf.mode","message":"mode is immutable"}],
                        "properties":{"replicas":{"type":"integer"},"maxReplicas":{"type":"integer"},"mode":{"type":"string"}}},
                      "status":{"type":"object","properties":{"ready":{"type":"integer"}},
                        "x-kubernetes-validations":[{"rule":"self.ready >= 0","reason":"FieldValueForbidden"}]}}}}}]}}
                """.replace("RULE", rule));
    }

    static List<String> describe(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.describe()));
        return out;
    }

    @Test
    void theDefinitionsRulesMustCompile() throws Exception {
        CrdStrategy s = new CrdStrategy();
        ObjectNode good = crd("{\"rule\":\"self.replicas <= self.maxReplicas\"}");
        s.applyDefaults(good);
        assertEquals(List.of(), describe(s.validate(good)).stream().filter(m -> m.contains("x-kubernetes-validations")).toList());
        ObjectNode bad = crd("{\"rule\":\"self.replicas <= self.max\"}");
        s.applyDefaults(bad);
        List<String> got = describe(s.validate(bad)).stream().filter(m -> m.contains("x-kubernetes-validations")).toList();
        assertEquals(1, got.size(), got.toString());
        assertEquals("spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "
                + "apiextensions.ValidationRule{Rule:\"self.replicas <= self.max\", Message:\"\", MessageExpression:\"\", "
                + "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: "
                + "compilation failed: ERROR: <input>:1:22: undefined field 'max'\n | self.replicas <= self.max\n"
                + " | .....................^", got.get(0));
    }

    @Test
    void customResourcesAreValidatedOnCreateUpdateAndStatus() throws Exception {
        CrdGroup g = new CrdGroup("example.com", List.of(crd("{\"rule\":\"self.replicas <= self.maxReplicas\"}")));
        ResourceDefinition v1 = g.resources().get(0);
        ObjectNode ok = (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
                 "spec":{"replicas":1,"maxReplicas":2,"mode":"a"},"status":{"ready":1}}""");
        assertEquals(List.of(), describe(v1.strategy().validate(ok)));
        ObjectNode bad = ok.deepCopy();
        ((ObjectNode) bad.get("spec")).put("replicas", 3).put("mode", "b");
        assertEquals(List.of("spec: Invalid value: \"object\": failed rule: self.replicas <= self.maxReplicas"),
                describe(v1.strategy().validate(bad)), "the transition rule does not run on create");
        assertEquals(List.of("spec: Invalid value: \"object\": failed rule: self.replicas <= self.maxReplicas",
                "spec: Invalid value: \"object\": mode is immutable"), describe(v1.strategy().validateUpdate(bad, ok)));
        ObjectNode badStatus = ok.deepCopy();
        ((ObjectNode) badStatus.get("status")).put("ready", -1);
        assertEquals(List.of("status: Forbidden: failed rule: self.ready >= 0"), describe(v1.status().validateUpdate(badStatus, ok)));
        ObjectNode wrongType = ok.deepCopy();
        ((ObjectNode) wrongType.get("spec")).put("replicas", "many");
        List<String> got = describe(v1.strategy().validate(wrongType));
        assertEquals("<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
                + "correct the existing errors to complete validation", got.get(got.size() - 1));
    }
}
