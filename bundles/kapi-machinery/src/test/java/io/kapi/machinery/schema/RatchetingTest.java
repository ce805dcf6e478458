package io.kapi.machinery.schema;

import static io.kapi.machinery.schema.CorrelationTest.y;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema validation of an update with kube's ratcheting: the cases of kube's apiextensions-apiserver
 * v0.32.0 pkg/apiserver/validation/ratcheting_test.go (TestScalarRatcheting, TestObjectScalarFieldsRatcheting,
 * TestObjectObjectFieldsRatcheting: 8 updates), then what follows from kube's {@code ratchetingValueValidator}
 * wrapping kube-openapi's validator: which errors go with an unchanged value and which stay.
 */
class RatchetingTest {
    private static final String MEDIUM_INT = "{type: number, minimum: 50, maximum: 10000}";
    private static final String OBJECT = """
            type: object
            properties:
              zero: {type: number, minimum: 0, maximum: 0}
              small: {type: number, maximum: 50}
              medium: %s
              large: {type: number, minimum: 10000}
            """.formatted(MEDIUM_INT);

    private static List<String> update(String schema, String value, String old) {
        StructuralSchema s = StructuralSchema.parse(y(schema));
        List<String> out = new ArrayList<>();
        for (FieldCause c : new SchemaValidator(s).validateUpdate(Correlation.of(y(value), y(old), s))) {
            out.add(c.describe());
        }
        return out;
    }

    private static boolean valid(String schema, String value, String old) {
        return update(schema, value, old).isEmpty();
    }

    @Test
    void scalarRatcheting() {
        assertEquals(true, valid(MEDIUM_INT, "1", "1"));
        assertEquals(false, valid(MEDIUM_INT, "1", "2"));
    }

    @Test
    void objectScalarFieldsRatcheting() {
        assertEquals(true, valid(OBJECT, "small: 500", "small: 500"));
        assertEquals(true, valid(OBJECT, "small: 501", "{small: 501, medium: 500}"));
        assertEquals(false, valid(OBJECT, "small: 500", "small: 501"));
    }

    @Test
    void objectObjectFieldsRatcheting() {
        String nested = "type: object\nproperties:\n  nested:\n" + OBJECT.indent(4);
        assertEquals(true, valid(nested, "nested: {small: 500}", "nested: {small: 500}"));
        assertEquals(true, valid(nested, "nested: {small: 501}", "nested: {small: 501, medium: 500}"));
        assertEquals(false, valid(nested, "nested: {small: 500}", "nested: {small: 501}"));
    }

    @Test
    void theErrorsOfAChangedValueAreTheErrorsOfACreate() {
        assertEquals(List.of("small: Invalid value: 500: small in body should be less than or equal to 50"),
                update(OBJECT, "small: 500", "small: 501"));
        StructuralSchema s = StructuralSchema.parse(y(OBJECT));
        assertEquals(new SchemaValidator(s).validate(y("{small: 500, large: 1}")).toString(),
                new SchemaValidator(s).validateUpdate(Correlation.of(y("{small: 500, large: 1}"), y("{}"), s)).toString());
    }

    private static final String SPEC = """
            type: object
            properties:
              spec:
                type: object
                required: [name]
                maxProperties: 2
                properties:
                  name: {type: string, maxLength: 3}
                  other: {type: string}
                  more: {type: string}
            """;

    @Test
    void anUnchangedObjectKeepsNoneOfItsOwnErrorsAChangedOneKeepsThem() {
        String bad = "spec: {other: x, more: m, name: n}";
        assertEquals(List.of(), update(SPEC, bad, bad), "maxProperties ratchets with the unchanged object");
        assertEquals(List.of("spec: Too many: 3: must have at most 2 items"), update(SPEC, "spec: {other: y, more: m, name: n}", bad));
        assertEquals(List.of(), update(SPEC, "spec: {other: x}", "spec: {other: x}"), "required too");
        assertEquals(List.of("spec.name: Required value"), update(SPEC, "spec: {other: y}", "spec: {other: x}"));
    }

    @Test
    void aFieldTheSchemaDoesNotDescribeKeepsAnObjectFromRatcheting() {
        String bad = "spec: {other: x, more: m, name: n, extra: 2}";
        assertEquals(List.of("spec: Too many: 4: must have at most 2 items"), update(SPEC, bad, bad));
    }

    @Test
    void anUnchangedFieldKeepsNoneOfItsErrorsInAChangedObject() {
        assertEquals(List.of(), update(SPEC, "spec: {name: toolong, other: new}", "spec: {name: toolong, other: old}"));
        assertEquals(List.of("spec.name: Too long: may not be more than 3 bytes"),
                update(SPEC, "spec: {name: stilltoolong, other: old}", "spec: {name: toolong, other: old}"));
    }

    @Test
    void typeErrorsRatchetLikeAnyOther() {
        String schema = "type: object\nproperties:\n  size: {type: integer}\n  other: {type: string}";
        assertEquals(List.of(), update(schema, "{size: one, other: new}", "{size: one}"));
        assertEquals(List.of("size: Invalid value: \"string\": size in body must be of type integer: \"string\""),
                update(schema, "{size: two}", "{size: one}"));
    }

    @Test
    void anItemOfAnAtomicListOrASetRatchetsOnlyWithTheWholeList() {
        String schema = """
                type: object
                properties:
                  atomic: {type: array, items: {type: string, maxLength: 2}}
                  set: {type: array, x-kubernetes-list-type: set, items: {type: string, maxLength: 2}}
                  other: {type: string}
                """;
        assertEquals(List.of(), update(schema, "{atomic: [long], set: [long], other: b}", "{atomic: [long], set: [long], other: a}"));
        assertEquals(List.of("atomic[0]: Too long: may not be more than 2 bytes", "set[0]: Too long: may not be more than 2 bytes"),
                update(schema, "{atomic: [long, ok], set: [long, ok]}", "{atomic: [long], set: [long]}"));
    }

    @Test
    void anItemOfAMapListRatchetsByItsKeysWhereverItMoves() {
        String schema = """
                type: object
                properties:
                  ports:
                    type: array
                    maxItems: 1
                    x-kubernetes-list-type: map
                    x-kubernetes-list-map-keys: [name]
                    items:
                      type: object
                      properties:
                        name: {type: string}
                        port: {type: integer, multipleOf: 2}
                """;
        String old = "ports: [{name: a, port: 1}, {name: b, port: 3}]";
        assertEquals(List.of(), update(schema, "ports: [{name: b, port: 3}, {name: a, port: 1}]", old), "reordered, unchanged");
        assertEquals(List.of("ports[1].port: Invalid value: 5: ports[1].port in body should be a multiple of 2",
                        "ports: Too many: 3: must have at most 1 items"),
                update(schema, "ports: [{name: b, port: 3}, {name: a, port: 5}, {name: c, port: 2}]", old));
    }

    @Test
    void additionalPropertiesRatchetPerKey() {
        String schema = "type: object\nproperties:\n  nums: {type: object, additionalProperties: {type: integer, minimum: 1000}}";
        assertEquals(List.of(), update(schema, "nums: {num1: 1, num2: 2000}", "nums: {num1: 1, num2: 1000000}"));
        assertEquals(List.of("nums.num1: Invalid value: 2: nums.num1 in body should be greater than or equal to 1000"),
                update(schema, "nums: {num1: 2, num2: 2000}", "nums: {num1: 1, num2: 2000}"));
    }

    @Test
    void theRootsApiVersionAndKindNeverRatchet() {
        String schema = """
                type: object
                properties:
                  apiVersion: {type: string, enum: [v1]}
                  kind: {type: string, enum: [Pod]}
                  sub:
                    type: object
                    properties:
                      kind: {type: string, enum: [Pod]}
                      other: {type: string}
                """;
        String old = "{apiVersion: v2, kind: Baz, sub: {kind: Baz}}";
        assertEquals(List.of("apiVersion: Unsupported value: \"v2\": supported values: \"v1\"",
                        "kind: Unsupported value: \"Baz\": supported values: \"Pod\""),
                update(schema, "{apiVersion: v2, kind: Baz, sub: {kind: Baz, other: x}}", old));
        assertEquals(List.of(), update(schema, old, old), "the unchanged root ratchets all of its errors");
    }

    @Test
    void combinatorsValidateWithoutRatchetingUnderAChangedValue() {
        String schema = """
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      a: {type: string}
                      b: {type: string}
                    allOf:
                    - properties:
                        a: {maxLength: 1}
                """;
        assertEquals(List.of(), update(schema, "spec: {a: long}", "spec: {a: long}"));
        assertEquals(List.of("spec.a: Too long: may not be more than 1 bytes",
                        "<nil>: Invalid value: \"\": \"spec\" must validate all the schemas (allOf). None validated"),
                update(schema, "spec: {a: long, b: x}", "spec: {a: long}"), "spec.a is unchanged, but allOf's check of it does not ratchet");
    }
}
