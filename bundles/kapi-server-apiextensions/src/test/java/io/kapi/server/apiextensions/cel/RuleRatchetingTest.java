package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.Correlation;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of an update with kube's ratcheting: the cases of kube's apiextensions-apiserver v0.32.0
 * pkg/apiserver/schema/cel/validation_test.go TestRatcheting (15 of its 16; "cost budget errors are not
 * ratcheted" sets a budget of 1 that this validator does not take), each with the errors kube expects and
 * the ones it ratchets into warnings. kube's test validates from a {@code root} path; here the case's
 * schema and values are the property {@code root} of the object (the same paths, the same correlation),
 * except for the root's own apiVersion and kind.
 */
class RuleRatchetingTest {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static JsonNode j(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> describe(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.describe()));
        return out;
    }

    /** Validates the update of the object {@code {root: newObj}} from {@code {root: oldObj}}. */
    private static void ratchets(String schema, String oldObj, String newObj, List<String> errors, List<String> warnings) {
        at("{type: 'object', properties: {root: " + schema + "}}", "{root: " + oldObj + "}", "{root: " + newObj + "}", errors, warnings);
    }

    private static void at(String schema, String oldObj, String newObj, List<String> errors, List<String> warnings) {
        JsonNode s = j(schema);
        JsonNode neu = j(newObj);
        JsonNode old = j(oldObj);
        List<FieldCause> ratcheted = new ArrayList<>();
        List<FieldCause> errs = RuleValidator.of(s).validate(neu, old, Correlation.of(neu, old, StructuralSchema.parse(s)), ratcheted);
        assertEquals(errors, describe(errs), "errors");
        assertEquals(warnings, describe(ratcheted), "ratcheted");
        List<String> all = new ArrayList<>(errors);
        all.addAll(warnings);
        all.sort(null);
        List<String> unratcheted = describe(RuleValidator.of(s).validate(neu, old));
        unratcheted.sort(null);
        assertEquals(all, unratcheted, "without ratcheting all are errors");
    }

    private static final String GOTTA_BE_BAZ = "'x-kubernetes-validations': [{rule: 'self == \"baz\"', message: 'gotta be baz'}]";

    @Test
    void normalCelExpression() {
        ratchets("{type: 'object', properties: {foo: {type: 'string', "
                        + "'x-kubernetes-validations': [{rule: 'self == \"bar\"', message: 'gotta be baz'}]}}}",
                "{foo: 'baz'}", "{foo: 'baz'}", List.of(), List.of("root.foo: Invalid value: \"string\": gotta be baz"));
    }

    private static final String ATOMIC_ARRAY = "{type: 'array', 'x-kubernetes-list-type': 'atomic', items: {type: 'object', "
            + "properties: {bar: {type: 'string', " + GOTTA_BE_BAZ + "}}}}";

    @Test
    void normalCelExpressionThatsADescendentOfAnAtomicArrayWhoseParentIsTotallyUnchanged() {
        ratchets(ATOMIC_ARRAY, "[{bar: 'bar'}]", "[{bar: 'bar'}]", List.of(),
                List.of("root[0].bar: Invalid value: \"string\": gotta be baz"));
    }

    private static final String ODD_SET = "{type: 'array', 'x-kubernetes-list-type': 'set', items: {type: 'number', "
            + "'x-kubernetes-validations': [{rule: 'int(self) % 2 == 1', message: 'gotta be odd'}]}}";

    @Test
    void normalCelExpressionThatsADescendentOfASetWhoseParentIsTotallyUnchanged() {
        ratchets(ODD_SET, "[1, 2]", "[1, 2]", List.of(), List.of("root[1]: Invalid value: \"number\": gotta be odd"));
    }

    @Test
    void normalCelExpressionThatsADescendentOfASetAndOneOfItsSiblingsHasChanged() {
        ratchets("{type: 'object', properties: {stringField: {type: 'string'}, setArray: " + ODD_SET + "}}",
                "{stringField: 'foo', setArray: [1, 3, 2]}", "{stringField: 'changed but ratcheted', setArray: [1, 3, 2]}",
                List.of(), List.of("root.setArray[2]: Invalid value: \"number\": gotta be odd"));
    }

    private static final String MAP_LIST = "{type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['key'], "
            + "items: {type: 'object', properties: {key: {type: 'string'}, value: {type: 'string', " + GOTTA_BE_BAZ + "}}}}";

    @Test
    void descendentOfAMapListWhoseParentIsUnchanged() {
        ratchets(MAP_LIST, "[{key: 'foo', value: 'notbaz'}, {key: 'bar', value: 'notbaz'}]",
                "[{key: 'foo', value: 'notbaz'}, {key: 'bar', value: 'notbaz'}, {key: 'baz', value: 'baz'}]", List.of(),
                List.of("root[0].value: Invalid value: \"string\": gotta be baz", "root[1].value: Invalid value: \"string\": gotta be baz"));
    }

    @Test
    void descendentOfAMapListWhoseSiblingsHaveChanged() {
        ratchets(MAP_LIST, "[{key: 'foo', value: 'notbaz'}, {key: 'bar', value: 'notbaz'}]",
                "[{key: 'foo', value: 'baz'}, {key: 'bar', value: 'notbaz'}]", List.of(),
                List.of("root[1].value: Invalid value: \"string\": gotta be baz"));
    }

    @Test
    void descendentOfAMapWhoseParentIsTotallyUnchanged() {
        String schema = "{type: 'object', properties: {stringField: {type: 'string'}, mapField: {type: 'object', properties: {"
                + "foo: {type: 'string', " + GOTTA_BE_BAZ + "}, mapField: {type: 'object', properties: {bar: {type: 'string', "
                + "'x-kubernetes-validations': [{rule: 'self == \"baz\"', message: 'gotta be nested baz'}]}}}}}}}";
        String obj = "{stringField: 'foo', mapField: {foo: 'notbaz', mapField: {bar: 'notbaz'}}}";
        ratchets(schema, obj, obj, List.of(), List.of("root.mapField.foo: Invalid value: \"string\": gotta be baz",
                "root.mapField.mapField.bar: Invalid value: \"string\": gotta be nested baz"));
    }

    @Test
    void descendentOfAMapWhoseSiblingsHaveChanged() {
        String schema = "{type: 'object', properties: {stringField: {type: 'string'}, mapField: {type: 'object', properties: {"
                + "foo: {type: 'string', " + GOTTA_BE_BAZ + "}, mapField: {type: 'object', properties: {bar: {type: 'string', "
                + GOTTA_BE_BAZ + "}, otherBar: {type: 'string', "
                + "'x-kubernetes-validations': [{rule: 'self == \"otherBaz\"', message: 'gotta be otherBaz'}]}}}}}}}";
        ratchets(schema, "{stringField: 'foo', mapField: {foo: 'baz', mapField: {bar: 'notbaz', otherBar: 'nototherBaz'}}}",
                "{stringField: 'foo', mapField: {foo: 'notbaz', mapField: {bar: 'notbaz', otherBar: 'otherBaz'}}}",
                List.of("root.mapField.foo: Invalid value: \"string\": gotta be baz"),
                List.of("root.mapField.mapField.bar: Invalid value: \"string\": gotta be baz"));
    }

    @Test
    void normalCelExpressionThatsADescendentOfAnAtomicArrayWhoseSiblingsHasChanged() {
        ratchets("{type: 'object', properties: {stringField: {type: 'string'}, atomicArray: " + ATOMIC_ARRAY + "}}",
                "{stringField: 'foo', atomicArray: [{bar: 'bar'}]}", "{stringField: 'changed but ratcheted', atomicArray: [{bar: 'bar'}]}",
                List.of(), List.of("root.atomicArray[0].bar: Invalid value: \"string\": gotta be baz"));
    }

    @Test
    void weCantRatchetANormalCelExpressionFromAnUncorrelatablePartOfTheSchemaWhoseParentNodesHasChanged() {
        ratchets(ATOMIC_ARRAY, "[{bar: 'bar'}]", "[{bar: 'bar'}, {bar: 'baz'}]",
                List.of("root[0].bar: Invalid value: \"string\": gotta be baz"), List.of());
    }

    @Test
    void transitionRulesNeverRatchetForCorrelatableSchemas() {
        ratchets("{type: 'object', properties: {foo: {type: 'string', "
                        + "'x-kubernetes-validations': [{rule: 'oldSelf != \"bar\" && self == \"baz\"', message: 'gotta be baz'}]}}}",
                "{foo: 'bar'}", "{foo: 'bar'}", List.of("root.foo: Invalid value: \"string\": gotta be baz"), List.of());
    }

    @Test
    void changingFieldPathDoesNotChangeRatchetingLogic() {
        ratchets("{type: 'object', 'x-kubernetes-validations': [{rule: 'self.foo == \"baz\"', message: 'gotta be baz', fieldPath: '.foo'}], "
                        + "properties: {bar: {type: 'string'}, foo: {type: 'string'}}}",
                "{foo: 'bar'}", "{foo: 'bar', bar: 'invalid'}", List.of("root.foo: Invalid value: \"object\": gotta be baz"), List.of());
    }

    @Test
    void compileErrorsAreNotRatcheted() {
        JsonNode s = j("{type: 'object', properties: {root: {type: 'string', 'x-kubernetes-validations': [{rule: 'asdausidyhASDNJm', message: 'gotta be baz'}]}}}");
        JsonNode obj = j("{root: 'unchanged'}");
        List<FieldCause> ratcheted = new ArrayList<>();
        List<String> errs = describe(RuleValidator.of(s).validate(obj, obj.deepCopy(), Correlation.of(obj, obj.deepCopy(), StructuralSchema.parse(s)), ratcheted));
        assertEquals(1, errs.size(), errs.toString());
        assertEquals(true, errs.get(0).startsWith("root: Invalid value: \"string\": rule compile error: compilation failed: ERROR: <input>:1:1: "
                + "undeclared reference to 'asdausidyhASDNJm'"), errs.get(0));
        assertEquals(List.of(), ratcheted);
    }

    @Test
    void typemetaFieldsAreNotRatcheted() {
        at("{type: 'object', properties: {apiVersion: {type: 'string', 'x-kubernetes-validations': [{rule: 'self == \"v1\"'}]}, "
                        + "kind: {type: 'string', 'x-kubernetes-validations': [{rule: 'self == \"Pod\"'}]}}}",
                "{apiVersion: 'v2', kind: 'Baz'}", "{apiVersion: 'v2', kind: 'Baz'}",
                List.of("apiVersion: Invalid value: \"string\": failed rule: self == \"v1\"",
                        "kind: Invalid value: \"string\": failed rule: self == \"Pod\""), List.of());
    }

    @Test
    void nestedTypemetaFieldsMayStillBeRatcheted() {
        String typeMeta = "apiVersion: {type: 'string', 'x-kubernetes-validations': [{rule: 'self == \"v1\"'}]}, "
                + "kind: {type: 'string', 'x-kubernetes-validations': [{rule: 'self == \"Pod\"'}]}";
        ratchets("{type: 'object', properties: {list: {type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], "
                        + "maxItems: 2, items: {type: 'object', properties: {name: {type: 'string'}, " + typeMeta + "}}}, "
                        + "subField: {type: 'object', properties: {" + typeMeta + ", otherField: {type: 'string'}}}}}",
                "{subField: {apiVersion: 'v2', kind: 'Baz'}, list: [{name: 'entry1', apiVersion: 'v2', kind: 'Baz'}, "
                        + "{name: 'entry2', apiVersion: 'v3', kind: 'Bar'}]}",
                "{subField: {apiVersion: 'v2', kind: 'Baz', otherField: 'newValue'}, list: [{name: 'entry1', apiVersion: 'v2', kind: 'Baz', "
                        + "otherField: 'newValue2'}, {name: 'entry2', apiVersion: 'v3', kind: 'Bar', otherField: 'newValue3'}]}",
                List.of(), List.of("root.subField.apiVersion: Invalid value: \"string\": failed rule: self == \"v1\"",
                        "root.subField.kind: Invalid value: \"string\": failed rule: self == \"Pod\"",
                        "root.list[0].apiVersion: Invalid value: \"string\": failed rule: self == \"v1\"",
                        "root.list[0].kind: Invalid value: \"string\": failed rule: self == \"Pod\"",
                        "root.list[1].apiVersion: Invalid value: \"string\": failed rule: self == \"v1\"",
                        "root.list[1].kind: Invalid value: \"string\": failed rule: self == \"Pod\""));
    }

    // Beyond kube's table

    @Test
    void evaluationErrorsAreNotRatcheted() {
        ratchets("{type: 'object', properties: {m: {type: 'object', additionalProperties: {type: 'string'}, "
                        + "'x-kubernetes-validations': [{rule: 'self.missing == \"x\"'}]}}}",
                "{m: {a: 'b'}}", "{m: {a: 'b'}}", List.of("root.m: Invalid value: \"object\": no such key: missing evaluating rule: self.missing == \"x\""),
                List.of());
    }

    @Test
    void withoutCorrelationNothingRatchets() {
        JsonNode s = j("{type: 'object', properties: {foo: {type: 'string', " + GOTTA_BE_BAZ + "}}}");
        JsonNode obj = j("{foo: 'bar'}");
        assertEquals(List.of("foo: Invalid value: \"string\": gotta be baz"), describe(RuleValidator.of(s).validate(obj, obj.deepCopy(), null)));
    }
}
