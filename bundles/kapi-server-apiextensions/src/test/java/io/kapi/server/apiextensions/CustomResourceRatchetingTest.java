package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.patch.MergePatch;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Updates of custom resources stored under an older, looser schema, as kube 1.32's strategy ratchets them.
 * The sequences of kube's apiextensions-apiserver v0.32.0 test/integration/ratcheting_test.go
 * (TestRatchetingFunctionality: its 14 cases with operations, 108 operations), played against the strategy:
 * a schema change swaps the strategy (kube's patches of the schema applied as JSON merge patches), an apply
 * by the single field manager makes the object its content (a create first; fields it leaves out are gone,
 * as kube's apply removes the fields its manager no longer sets, and its explicit nulls are left out too),
 * the stored object is read back under the current schema (pruned and defaulted as kube's decoder does)
 * as the old object.
 */
class CustomResourceRatchetingTest {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    static JsonNode j(String s) {
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

    /** One custom resource of kube's test CRD, mygroup.example.com/v1beta1 MyCoolCRD, and its schema. */
    private static final class Resource {
        private JsonNode schema;
        private CustomResourceStrategy strategy;
        private ObjectNode stored;

        Resource(String schema) {
            schema(j(schema));
        }

        private void schema(JsonNode s) {
            schema = s;
            strategy = new CustomResourceStrategy("mygroup.example.com", "v1beta1", "MyCoolCRD", StructuralSchema.parse(s), null)
                    .withRules(s);
        }

        /** kube's {@code patchMyCRDV1Beta1Schema}. */
        Resource patchSchema(String mergePatch) {
            schema(MergePatch.apply(schema, j(mergePatch)));
            return this;
        }

        /** kube's {@code updateMyCRDV1Beta1Schema}. */
        Resource updateSchema(String s) {
            schema(j(s));
            return this;
        }

        private List<String> write(String content) {
            ObjectNode o = (ObjectNode) j(content);
            o.put("apiVersion", "mygroup.example.com/v1beta1").put("kind", "MyCoolCRD");
            o.putObject("metadata").put("name", "mycrdinstance").put("namespace", "default");
            strategy.applyDefaults(o);
            List<FieldCause> errs;
            if (stored == null) {
                errs = strategy.validate(o);
            } else {
                ObjectNode old = stored.deepCopy();
                strategy.applyDefaults(old);
                errs = strategy.validateUpdate(o, old);
            }
            if (errs.isEmpty()) {
                stored = o;
            }
            return describe(errs);
        }

        /** kube's {@code applyPatchOperation} that must succeed. */
        Resource apply(String description, String content) {
            List<String> errs = write(content);
            assertTrue(errs.isEmpty(), description + ": " + errs);
            return this;
        }

        /** kube's {@code expectError{applyPatchOperation}}. */
        Resource refused(String description, String content) {
            assertFalse(write(content).isEmpty(), description);
            return this;
        }
    }

    private static final String STRING = "{type: 'string'}";
    private static final String NUMBER = "{type: 'integer'}";
    private static final String STRING_MAP = "{type: 'object', additionalProperties: " + STRING + "}";
    private static final String NUMBERS_MAP = "{type: 'object', additionalProperties: " + NUMBER + "}";

    @Test
    void minimumMaximum() {
        new Resource("{type: 'object', properties: {hasMinimum: " + NUMBER + ", hasMaximum: " + NUMBER + ", hasMinimumAndMaximum: " + NUMBER + "}}")
                .apply("Create an object that complies with the schema", "{hasMinimum: 0, hasMaximum: 1000, hasMinimumAndMaximum: 50}")
                .patchSchema("{properties: {hasMinimum: {minimum: 10}, hasMaximum: {maximum: 20}, "
                        + "hasMinimumAndMaximum: {minimum: 10, maximum: 20}, noRestrictions: {type: 'integer'}}}")
                .apply("Add new fields that validates successfully without changing old ones", "{noRestrictions: 50}")
                .refused("Change a single old field to be invalid", "{hasMinimum: 5}")
                .refused("Change multiple old fields to be invalid", "{hasMinimum: 5, hasMaximum: 21}")
                .apply("Change single old field to be valid", "{hasMinimum: 11}")
                .apply("Change multiple old fields to be valid", "{hasMaximum: 19, hasMinimumAndMaximum: 15}");
    }

    @Test
    void enumeration() {
        new Resource("{type: 'object', properties: {enumField: " + STRING + "}}")
                .apply("Create an instance with a soon-to-be-invalid value", "{enumField: 'okValueNowBadValueLater'}")
                .patchSchema("{properties: {enumField: {enum: ['A', 'B', 'C']}, otherField: {type: 'string'}}}")
                .apply("An invalid patch with no changes is a noop", "{enumField: 'okValueNowBadValueLater'}")
                .apply("Add a new field, and include old value in our patch", "{enumField: 'okValueNowBadValueLater', otherField: 'anythingGoes'}")
                .refused("Set enumField to invalid value D", "{enumField: 'D'}")
                .apply("Set to a valid value", "{enumField: 'A'}")
                .refused("After setting a valid value, return to the old, accepted value", "{enumField: 'okValueNowBadValueLater'}");
    }

    @Test
    void additionalProperties() {
        new Resource("{type: 'object', properties: {nums: " + NUMBERS_MAP + ", content: " + STRING_MAP + "}}")
                .apply("Create an instance", "{nums: {num1: 1, num2: 1000000}, content: {k1: 'some content', k2: 'other content'}}")
                .patchSchema("{properties: {nums: {additionalProperties: {minimum: 1000}}}}")
                .apply("updating validating field num2 to another validating value, but rachet invalid field num1", "{nums: {num1: 1, num2: 2000}}")
                .refused("update field num1 to different invalid value", "{nums: {num1: 2, num2: 2000}}");
    }

    @Test
    void minPropertiesMaxProperties() {
        new Resource("{type: 'object', properties: {restricted: " + STRING_MAP + ", unrestricted: " + STRING_MAP + "}}")
                .apply("Create instance", "{restricted: {key1: 'hi', key2: 'there'}}")
                .patchSchema("{properties: {restricted: {minProperties: 1, maxProperties: 1}}}")
                .apply("ratchet violating object 'restricted' around changes to unrelated field",
                        "{restricted: {key1: 'hi', key2: 'there'}, unrestricted: {key1: 'yo'}}")
                .refused("make invalid changes to previously ratcheted invalid field",
                        "{restricted: {key1: 'changed', key2: 'there'}, unrestricted: {key1: 'yo'}}")
                .patchSchema("{properties: {restricted: {minProperties: 2, maxProperties: null}}}")
                .apply("a new value", "{restricted: {key1: 'hi', key2: 'there', key3: 'buddy'}}")
                .refused("violate new validation by removing keys", "{restricted: {key1: 'hi'}}")
                .patchSchema("{properties: {restricted: {minProperties: null, maxProperties: 1}}}")
                .apply("modify only the other key, ratcheting maxProperties for field `restricted`",
                        "{restricted: {key1: 'hi', key2: 'there', key3: 'buddy'}, unrestricted: {key1: 'value', key2: 'value'}}")
                .refused("modifying one value in the object with maxProperties restriction, but keeping old fields",
                        "{restricted: {key1: 'hi', key2: 'theres', key3: 'buddy'}}");
    }

    private static final String FIELD_AND_ARRAY = "{type: 'object', properties: {field: " + STRING + ", array: {type: 'array', items: " + STRING + "}}}";

    @Test
    void minItems() {
        new Resource(FIELD_AND_ARRAY)
                .apply("Create instance", "{array: ['value1', 'value2', 'value3']}")
                .patchSchema("{properties: {array: {minItems: 10}}}")
                .apply("keep invalid field `array` unchanged, add new field with ratcheting", "{array: ['value1', 'value2', 'value3'], field: 'value'}")
                .refused("modify array element without satisfying property", "{array: ['value2', 'value2', 'value3']}")
                .refused("add array element without satisfying proeprty", "{array: ['value1', 'value2', 'value3', 'value4']}")
                .apply("make array valid", "{array: ['value1', 'value2', 'value3', '4', '5', '6', '7', '8', '9', '10']}")
                .refused("revert to original value", "{array: ['value1', 'value2', 'value3']}");
    }

    @Test
    void maxItems() {
        new Resource(FIELD_AND_ARRAY)
                .apply("create instance", "{array: ['value1', 'value2', 'value3']}")
                .patchSchema("{properties: {array: {maxItems: 1}}}")
                .apply("ratchet old value of array through an update to another field", "{array: ['value1', 'value2', 'value3'], field: 'value'}")
                .refused("modify array element without satisfying property", "{array: ['value2', 'value2', 'value3']}")
                .refused("remove array element without satisfying proeprty", "{array: ['value1', 'value2']}")
                .apply("change array to valid value that satisfies maxItems", "{array: ['value1']}")
                .refused("revert to previous invalid ratcheted value", "{array: ['value1', 'value2', 'value3']}");
    }

    @Test
    void minLengthMaxLength() {
        new Resource("{type: 'object', properties: {minField: " + STRING + ", maxField: " + STRING + ", otherField: " + STRING + "}}")
                .apply("create instance", "{minField: 'value', maxField: 'valueThatsVeryLongSee'}")
                .patchSchema("{properties: {minField: {minLength: 10}, maxField: {maxLength: 15}}}")
                .apply("add new field `otherField`, ratcheting `minField` and `maxField`",
                        "{minField: 'value', maxField: 'valueThatsVeryLongSee', otherField: 'otherValue'}")
                .apply("make minField valid, ratcheting old value for maxField",
                        "{minField: 'valuelength13', maxField: 'valueThatsVeryLongSee', otherField: 'otherValue'}")
                .apply("make maxField shorter", "{maxField: 'l2'}")
                .refused("make maxField too long", "{maxField: 'valuewithlength17'}")
                .refused("revert minFIeld to previously ratcheted value", "{minField: 'value'}")
                .refused("revert maxField to previously ratcheted value", "{maxField: 'valueThatsVeryLongSee'}");
    }

    @Test
    void pattern() {
        new Resource("{type: 'object', properties: {field: " + STRING + "}}")
                .apply("create instance", "{field: 'doesnt abide pattern'}")
                .patchSchema("{properties: {field: {pattern: '^[1-9]+$'}, otherField: {type: 'string'}}}")
                .apply("add unrelated field, ratcheting old invalid field", "{field: 'doesnt abide pattern', otherField: 'added'}")
                .refused("change field to invalid value", "{field: 'w123', otherField: 'added'}")
                .apply("change field to a valid value", "{field: '123', otherField: 'added'}");
    }

    @Test
    void formatAdditionAndChange() {
        new Resource("{type: 'object', properties: {field: " + STRING + "}}")
                .apply("create instance", "{field: 'doesnt abide any format'}")
                .patchSchema("{properties: {field: {format: 'byte'}, otherField: {type: 'string'}}}")
                .apply("add unrelated otherField, ratchet invalid old field format", "{field: 'doesnt abide any format', otherField: 'value'}")
                .refused("change field to an invalid string", "{field: 'asd'}")
                .apply("change field to a valid byte string", "{field: 'dGhpcyBpcyBwYXNzd29yZA=='}")
                .patchSchema("{properties: {field: {format: 'date-time'}}}")
                .apply("change otherField, ratchet `field`'s invalid byte format", "{field: 'dGhpcyBpcyBwYXNzd29yZA==', otherField: 'value2'}")
                .apply("change `field` to a valid value", "{field: '2018-11-13T20:20:39+00:00', otherField: 'value2'}")
                .refused("revert `field` to previously ratcheted value", "{field: 'dGhpcyBpcyBwYXNzd29yZA==', otherField: 'value2'}")
                .refused("revert `field` to its initial value from creation", "{field: 'doesnt abide any format'}");
    }

    private static String ports(String... items) {
        StringBuilder b = new StringBuilder("{field: [");
        for (int i = 0; i < items.length; i++) {
            String[] p = items[i].split(":", 3);
            b.append(i == 0 ? "" : ", ").append("{name: '").append(p[0]).append("', port: ").append(p[1]).append(", field: '").append(p[2]).append("'}");
        }
        return b.append("]}").toString();
    }

    @Test
    void mapTypeListReorderingGrandfathersInvalidKey() {
        new Resource("{type: 'object', properties: {field: {type: 'array', 'x-kubernetes-list-type': 'map', "
                + "'x-kubernetes-list-map-keys': ['name', 'port'], items: {type: 'object', required: ['name', 'port'], "
                + "properties: {name: " + STRING + ", port: " + NUMBER + ", field: " + STRING + "}}}}}")
                .apply("create instance with three soon-to-be-invalid keys", ports("nginx:443:value", "etcd:2379:value", "kube-apiserver:6443:value"))
                .patchSchema("{properties: {field: {maxItems: 2}}}")
                .apply("reorder invalid objects which have too many properties, but do not modify them or change keys",
                        ports("kube-apiserver:6443:value", "nginx:443:value", "etcd:2379:value"))
                .refused("attempt to change one of the fields of the items which exceed maxItems",
                        ports("kube-apiserver:6443:value", "nginx:443:value", "etcd:2379:value", "dev:8080:value"))
                .patchSchema("{properties: {field: {maxItems: null, items: {properties: {port: {multipleOf: 2}}}}}}")
                .apply("reorder fields without changing anything", ports("nginx:443:value", "etcd:2379:value", "kube-apiserver:6443:value"))
                .apply("use \"invalid\" keys despite changing order and changing sibling fields to the key",
                        ports("nginx:443:value", "etcd:2379:value",
                                "kube-apiserver:6443:this is a changed value for an an invalid but grandfathered key", "dev:8080:value"));
    }

    @Test
    void arrayItemsDoNotCorrelateByIndex() {
        new Resource("{type: 'object', properties: {values: {type: 'array', items: " + STRING_MAP + "}, otherField: " + STRING + "}}")
                .apply("create instance with length 5 values", "{values: [{name: '1', key: 'value'}, {name: '2', key: 'value'}]}")
                .patchSchema("{properties: {values: {items: {additionalProperties: {minLength: 6}}}}}")
                .refused("change value to one that exceeds minLength", "{values: [{name: '1', key: 'value'}, {name: '2', key: 'bad'}]}")
                .apply("add new fields without touching the map", "{values: [{name: '1', key: 'value'}, {name: '2', key: 'value'}], otherField: 'hello world'}")
                .refused("add new, valid fields to elements of the array, failing to ratchet unchanged old fields within the array elements "
                        + "by correlating by index due to atomic list", "{values: [{name: '1', key: 'value'}, {name: '2', key: 'value', key2: 'valid value'}]}")
                .refused("reorder the array, preventing index correlation",
                        "{values: [{name: '2', key: 'value', key2: 'valid value'}, {name: '1', key: 'value'}]}");
    }

    @Test
    void celOptionalOldSelf() {
        new Resource("{type: 'object', properties: {field: {type: 'string', 'x-kubernetes-validations': "
                + "[{rule: '!oldSelf.hasValue()', message: 'oldSelf must be null', optionalOldSelf: true}]}}}")
                .apply("create instance passes since oldself is null", "{field: 'value'}")
                .refused("update field fails, since oldself is not null", "{field: 'value2'}")
                .refused("noop update field fails, since oldself is not null and transition rules are not ratcheted", "{field: 'value'}");
    }

    @Test
    void celTransitionRulesShouldNotRatchet() {
        new Resource("{type: 'object', 'x-kubernetes-preserve-unknown-fields': true}")
                .apply("create instance with strings that do not start with k8s", "{myStringField: 'myStringValue', myOtherField: 'myOtherField'}")
                .updateSchema("{type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: {myStringField: {type: 'string', "
                        + "'x-kubernetes-validations': [{rule: \"oldSelf != 'myStringValue' || self == 'validstring'\"}]}}}")
                .refused("try to change one field to valid value, but unchanged field fails to be ratcheted by transition rule",
                        "{myOtherField: 'myNewOtherField', myStringField: 'myStringValue'}")
                .apply("change both fields to valid values", "{myStringField: 'validstring', myOtherField: 'myNewOtherField'}");
    }

    @Test
    void celAddChangeRule() {
        // kube's second schema patch puts its rules beside, not under, additionalProperties' properties, where
        // no schema reads them (and its len(self) would not compile: CEL has size()); the patch is kept as kube's
        new Resource("{type: 'object', properties: {field: {type: 'object', additionalProperties: {type: 'object', properties: "
                + "{stringField: " + STRING + ", intField: " + NUMBER + ", otherIntField: " + NUMBER + "}}}}}")
                .apply("create instance with strings that do not start with k8s", "{field: {object1: {stringField: 'a string', intField: 5}, "
                        + "object2: {stringField: 'another string', intField: 15}, object3: {stringField: 'a third string', intField: 7}}}")
                .patchSchema("{properties: {field: {additionalProperties: {properties: {stringField: {'x-kubernetes-validations': "
                        + "[{rule: \"self.startsWith('k8s')\", message: 'strings must have k8s prefix'}]}}}}}}")
                .apply("add a new entry that follows the new rule, ratchet old values", "{field: {object1: {stringField: 'a string', intField: 5}, "
                        + "object2: {stringField: 'another string', intField: 15}, object3: {stringField: 'a third string', intField: 7}, "
                        + "object4: {stringField: 'k8s third string', intField: 7}}}")
                .apply("modify a sibling to an invalid value, ratcheting the unchanged invalid value", "{field: {object1: {stringField: 'a string', "
                        + "intField: 15}, object2: {stringField: 'another string', intField: 10, otherIntField: 20}}}")
                .refused("change a previously ratcheted field to an invalid value", "{field: {object2: {stringField: 'a changed string'}, "
                        + "object3: {stringField: 'a changed third string'}}}")
                .patchSchema("{properties: {field: {additionalProperties: {stringField: {'x-kubernetes-validations': ["
                        + "{rule: \"self.startsWith('k8s')\", message: 'strings must have k8s prefix'}, "
                        + "{rule: 'len(self) % 2 == 1', message: 'strings must have odd length'}]}}}}}")
                .apply("have mixed ratcheting of one or two CEL rules, object4 is ratcheted by one rule, object1 is ratcheting 2 rules",
                        "{field: {object1: {stringField: 'a string', intField: 1000}, object4: {stringField: 'k8s third string', intField: 7000}}}")
                .refused("swap keys between valuesin the map", "{field: {object1: {stringField: 'k8s third string', intField: 1000}, "
                        + "object4: {stringField: 'a string', intField: 7000}}}")
                .apply("fix keys", "{field: {object1: {stringField: 'k8s a stringy', intField: 1000}, "
                        + "object4: {stringField: 'k8s third stringy', intField: 7000}}}");
    }

    // The brief's case and the status subresource

    private static final String SPEC_NAME = "{type: 'object', properties: {spec: {type: 'object', properties: {"
            + "name: {type: 'string', maxLength: %d}, size: {type: 'integer'}}}, status: {type: 'object', properties: {"
            + "note: {type: 'string', maxLength: %d}, count: {type: 'integer'}}}}}";

    @Test
    void aValueStoredBeforeAStricterSchemaSurvivesUpdatesOfOtherFieldsButCannotChangeToAnotherInvalidValue() {
        Resource r = new Resource(SPEC_NAME.formatted(100, 100))
                .apply("created under the loose schema", "{spec: {name: 'a-rather-long-name', size: 1}}")
                .updateSchema(SPEC_NAME.formatted(5, 100))
                .apply("another field changes", "{spec: {name: 'a-rather-long-name', size: 2}}");
        assertEquals(List.of("spec.name: Too long: may not be more than 5 bytes"), r.write("{spec: {name: 'another-long-name', size: 2}}"));
        r.apply("a valid value", "{spec: {name: 'short', size: 2}}")
                .refused("and back", "{spec: {name: 'a-rather-long-name', size: 2}}");
    }

    @Test
    void statusWritesDoNotRatchetInKube132() {
        CustomResourceStrategy s = new CustomResourceStrategy("mygroup.example.com", "v1beta1", "MyCoolCRD",
                StructuralSchema.parse(j(SPEC_NAME.formatted(100, 5))), null);
        ObjectNode old = (ObjectNode) j("{apiVersion: 'mygroup.example.com/v1beta1', kind: 'MyCoolCRD', metadata: {name: 'x'}, "
                + "spec: {name: 'n'}, status: {note: 'a-long-note', count: 1}}");
        ObjectNode neu = old.deepCopy();
        ((ObjectNode) neu.get("status")).put("count", 2);
        assertEquals(List.of("status.note: Too long: may not be more than 5 bytes"), describe(s.validateStatusUpdate(neu, old)));
        assertEquals(List.of(), describe(s.validateUpdate(neu, old)), "the main resource ratchets the unchanged note");
    }

    @Test
    void statusWritesRatchetDuplicatesPerObject() {
        StructuralSchema schema = StructuralSchema.parse(j("{type: 'object', properties: {status: {type: 'object', properties: {"
                + "tags: {type: 'array', 'x-kubernetes-list-type': 'set', items: {type: 'string'}}, count: {type: 'integer'}}}}}"));
        CustomResourceStrategy s = new CustomResourceStrategy("mygroup.example.com", "v1beta1", "MyCoolCRD", schema, null);
        ObjectNode clean = (ObjectNode) j("{apiVersion: 'mygroup.example.com/v1beta1', kind: 'MyCoolCRD', metadata: {name: 'x'}, "
                + "status: {tags: ['a']}}");
        ObjectNode dup = clean.deepCopy();
        ((ObjectNode) dup.get("status")).putArray("tags").add("a").add("a");
        assertEquals(List.of("status.tags[1]: Duplicate value: \"a\""), describe(s.validateStatusUpdate(dup, clean)));
        ObjectNode dupCounted = dup.deepCopy();
        ((ObjectNode) dupCounted.get("status")).put("count", 1);
        assertEquals(List.of(), describe(s.validateStatusUpdate(dupCounted, dup)));
    }
}
