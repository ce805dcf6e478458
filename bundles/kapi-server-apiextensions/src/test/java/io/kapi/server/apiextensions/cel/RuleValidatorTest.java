package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Errors of rules on custom resources as kube reports them: paths, default and custom messages,
 * {@code messageExpression}, {@code reason}, {@code fieldPath} (cases of kube's
 * {@code TestReasonAndFldPath} and {@code TestMessageExpression}), transition rules and their
 * correlation, and the runtime cost limit.
 */
class RuleValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static List<String> errors(String schema, String obj, String old) throws Exception {
        RuleValidator v = RuleValidator.of(json(schema));
        List<String> out = new ArrayList<>();
        for (FieldCause c : v.validate(json(obj), old == null ? null : json(old))) {
            out.add(c.type() + " " + c.describe());
        }
        return out;
    }

    @Test
    void aSchemaWithoutRulesHasNoValidator() throws Exception {
        assertNull(RuleValidator.of(json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}")));
    }

    @Test
    void defaultMessageAndCustomMessageAtTheRuleLocation() throws Exception {
        String schema = """
                {"type":"object","x-kubernetes-validations":[{"rule":"has(self.spec)"}],"properties":{"spec":{"type":"object",
                 "x-kubernetes-validations":[{"rule":"self.replicas <= self.maxReplicas"},
                   {"rule":"self.replicas >= 0","message":" replicas must not be negative "}],
                 "properties":{"replicas":{"type":"integer"},"maxReplicas":{"type":"integer"}}}}}""";
        assertEquals(List.of("FieldValueInvalid spec: Invalid value: \"object\": failed rule: self.replicas <= self.maxReplicas",
                        "FieldValueInvalid spec: Invalid value: \"object\": replicas must not be negative"),
                errors(schema, "{\"spec\":{\"replicas\":-5,\"maxReplicas\":-6}}", null));
        assertEquals(List.of("FieldValueInvalid <nil>: Invalid value: \"object\": failed rule: has(self.spec)"),
                errors(schema, "{}", null));
    }

    @Test
    void reasonsAndFieldPaths() throws Exception {
        // kube's "multiple rules with custom reason and field path"
        String schema = """
                {"type":"object","properties":{"field1":{"type":"string"},"field2":{"type":"string"},"field3":{"type":"string"}},
                 "x-kubernetes-validations":[
                  {"rule":"self.field2 != \\"value2\\"","reason":"FieldValueDuplicate","fieldPath":".field2"},
                  {"rule":"self.field3 != \\"value3\\"","reason":"FieldValueRequired","fieldPath":".field3"},
                  {"rule":"self.field1 != \\"value1\\"","reason":"FieldValueForbidden","fieldPath":".field1"}]}""";
        assertEquals(List.of("FieldValueDuplicate field2: Duplicate value: \"object\"",
                        "FieldValueRequired field3: Required value: failed rule: self.field3 != \"value3\"",
                        "FieldValueForbidden field1: Forbidden: failed rule: self.field1 != \"value1\""),
                errors(schema, "{\"field1\":\"value1\",\"field2\":\"value2\",\"field3\":\"value3\"}", null));
        // kube's "Return error based on input fieldPath", nested, with a map key path
        String nested = """
                {"type":"object","properties":{"f":{"type":"object","properties":{"m":{"type":"integer"},
                  "labels":{"type":"object","additionalProperties":{"type":"string"}}},
                 "x-kubernetes-validations":[{"rule":"self.m == 2","fieldPath":".m","reason":"FieldValueForbidden"},
                   {"rule":"self.labels.all(k, k != 'x')","fieldPath":".labels['x']"}]}}}""";
        assertEquals(List.of("FieldValueForbidden f.m: Forbidden: failed rule: self.m == 2",
                        "FieldValueInvalid f.labels[x]: Invalid value: \"object\": failed rule: self.labels.all(k, k != 'x')"),
                errors(nested, "{\"f\":{\"m\":1,\"labels\":{\"x\":\"y\"}}}", null));
    }

    @Test
    void messageExpressions() throws Exception {
        String schema = """
                {"type":"object","properties":{"str":{"type":"string"}},"x-kubernetes-validations":[
                 {"rule":"false","message":"invisible","messageExpression":"\\"str1 \\" + self.str"},
                 {"rule":"false","messageExpression":"true"},
                 {"rule":"false","message":"message not messageExpression","messageExpression":"\\"str1 \\" + [\\"a\\"][4]"},
                 {"rule":"false","messageExpression":"\\"a\\\\nb\\""}]}""";
        assertEquals(List.of("FieldValueInvalid <nil>: Invalid value: \"object\": str1 a string",
                        "FieldValueInvalid <nil>: Invalid value: \"object\": failed rule: false",
                        "FieldValueInvalid <nil>: Invalid value: \"object\": message not messageExpression",
                        "FieldValueInvalid <nil>: Invalid value: \"object\": failed rule: false"),
                errors(schema, "{\"str\":\"a string\"}", null));
    }

    @Test
    void evaluationErrorsInKubesWords() throws Exception {
        String schema = """
                {"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}},
                 "x-kubernetes-validations":[{"rule":"self.a == 'x'"}]}}}""";
        assertEquals(List.of("FieldValueInvalid spec: Invalid value: \"object\": no such key: a evaluating rule: self.a == 'x'"),
                errors(schema, "{\"spec\":{}}", null));
    }

    @Test
    void transitionRulesRunOnlyWhereAnOldValueCorrelates() throws Exception {
        String schema = """
                {"type":"object","properties":{
                 "v":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf","message":"Value is immutable"}]},
                 "byKey":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                  "items":{"type":"object","properties":{"name":{"type":"string"},"n":{"type":"integer"}},
                   "x-kubernetes-validations":[{"rule":"self.n >= oldSelf.n","message":"n may only grow"}]}},
                 "m":{"type":"object","additionalProperties":{"type":"integer",
                   "x-kubernetes-validations":[{"rule":"self >= oldSelf"}]}}}}""";
        String old = "{\"v\":\"a\",\"byKey\":[{\"name\":\"x\",\"n\":5},{\"name\":\"y\",\"n\":1}],\"m\":{\"k\":3}}";
        assertEquals(List.of(), errors(schema, "{\"v\":\"b\",\"byKey\":[{\"name\":\"z\",\"n\":0}],\"m\":{\"j\":1}}", null),
                "on create no transition rule runs");
        assertEquals(List.of(), errors(schema, old, old));
        assertEquals(List.of("FieldValueInvalid v: Invalid value: \"string\": Value is immutable",
                        "FieldValueInvalid byKey[0]: Invalid value: \"object\": n may only grow",
                        "FieldValueInvalid m[k]: Invalid value: \"integer\": failed rule: self >= oldSelf"),
                errors(schema, "{\"v\":\"b\",\"byKey\":[{\"name\":\"y\",\"n\":0},{\"name\":\"x\",\"n\":6},{\"name\":\"new\",\"n\":0}],"
                        + "\"m\":{\"k\":2,\"j\":0}}", old));
    }

    @Test
    void optionalOldSelfSeesNoneOnCreate() throws Exception {
        String schema = """
                {"type":"object","properties":{"v":{"type":"string","x-kubernetes-validations":[
                 {"rule":"!oldSelf.hasValue() || self == oldSelf.value()","optionalOldSelf":true,"message":"immutable once set"},
                 {"rule":"oldSelf.hasValue() || self != 'bad'","optionalOldSelf":true,"message":"bad on create"}]}}}""";
        assertEquals(List.of("FieldValueInvalid v: Invalid value: \"string\": bad on create"), errors(schema, "{\"v\":\"bad\"}", null));
        assertEquals(List.of("FieldValueInvalid v: Invalid value: \"string\": immutable once set"),
                errors(schema, "{\"v\":\"b\"}", "{\"v\":\"a\"}"));
    }

    @Test
    void aRuleOverThePerCallCostLimitStopsValidation() throws Exception {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            list.append(i == 0 ? "" : ",").append(i);
        }
        String schema = """
                {"type":"object","properties":{"l":{"type":"array","items":{"type":"integer"}}},"x-kubernetes-validations":[
                 {"rule":"self.l.all(a, self.l.all(b, self.l.all(c, a + b + c >= 0)))"},{"rule":"false"}]}""";
        List<String> got = errors(schema, "{\"l\":" + list + "]}", null);
        assertEquals(1, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("FieldValueInvalid <nil>: Invalid value: \"object\": 'operation cancelled: actual cost "
                + "limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: "
                + "self.l.all(a, self.l.all(b"), got.get(0));
    }
}
