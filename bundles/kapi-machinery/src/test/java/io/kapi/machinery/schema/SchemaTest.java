package io.kapi.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Cases restated from kube's apiextensions-apiserver v0.32.0: pkg/apiserver/validation/validation_test.go
 * (TestValidateCustomResource, compared as sets of {@code field: message} as kube's test does),
 * pkg/apiserver/schema/pruning/algorithm_test.go (TestPrune) and
 * pkg/apiserver/schema/defaulting/algorithm_test.go (TestDefault).
 */
class SchemaTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode j(String json) {
        try {
            return M.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void fails(String schema, String obj, String... expected) {
        List<FieldCause> errs = new SchemaValidator(StructuralSchema.parse(j(schema))).validate(j(obj));
        TreeSet<String> got = new TreeSet<>();
        errs.forEach(e -> got.add(e.describe()));
        assertEquals(new TreeSet<>(List.of(expected)), got, obj);
    }

    private static final String NOT_NULLABLE = "{'type':'object','properties':{'field':{'type':'object'}}}";
    private static final String NULLABLE = "{'type':'object','properties':{'field':{'type':'object','nullable':true}}}";
    private static final String INT_OR_STRING = "{'type':'object','properties':{'field':{'x-kubernetes-int-or-string':true}}}";

    @Test
    void notNullable() {
        fails(NOT_NULLABLE, "{}");
        fails(NOT_NULLABLE, "{'field':{}}");
        fails(NOT_NULLABLE, "{'field':'foo'}", "field: Invalid value: \"string\": field in body must be of type object: \"string\"");
        fails(NOT_NULLABLE, "{'field':42}", "field: Invalid value: \"integer\": field in body must be of type object: \"integer\"");
        fails(NOT_NULLABLE, "{'field':true}", "field: Invalid value: \"boolean\": field in body must be of type object: \"boolean\"");
        fails(NOT_NULLABLE, "{'field':1.2}", "field: Invalid value: \"number\": field in body must be of type object: \"number\"");
        fails(NOT_NULLABLE, "{'field':[]}", "field: Invalid value: \"array\": field in body must be of type object: \"array\"");
        fails(NOT_NULLABLE, "{'field':null}", "field: Invalid value: \"null\": field in body must be of type object: \"null\"");
    }

    @Test
    void nullable() {
        fails(NULLABLE, "{'field':null}");
        fails(NULLABLE, "{'field':[]}", "field: Invalid value: \"array\": field in body must be of type object: \"array\"");
        String noType = "{'type':'object','properties':{'field':{'nullable':true}}}";
        for (String v : List.of("{}", "null", "'foo'", "42", "true", "1.2", "[]")) {
            fails(noType, "{'field':" + v + "}");
        }
    }

    @Test
    void intOrString() {
        fails(INT_OR_STRING, "{'field':42}");
        fails(INT_OR_STRING, "{'field':'foo'}");
        fails(INT_OR_STRING, "{'field':null}", "field: Invalid value: \"null\": field in body must be of type integer,string: \"null\"");
        fails(INT_OR_STRING, "{'field':1.2}", "field: Invalid value: \"number\": field in body must be of type integer,string: \"number\"");
        fails(INT_OR_STRING, "{'field':{}}", "field: Invalid value: \"object\": field in body must be of type integer,string: \"object\"");
        String nullableIOS = "{'type':'object','properties':{'field':{'nullable':true,'x-kubernetes-int-or-string':true}}}";
        fails(nullableIOS, "{'field':null}");
        fails(nullableIOS, "{'field':true}", "field: Invalid value: \"boolean\": field in body must be of type integer,string: \"boolean\"");
    }

    @Test
    void intOrStringWithAnyOfAndAllOf() {
        String anyOf = "{'type':'object','properties':{'field':{'nullable':true,'x-kubernetes-int-or-string':true,"
                + "'anyOf':[{'type':'integer'},{'type':'string'}]}}}";
        fails(anyOf, "{'field':null}");
        fails(anyOf, "{'field':42}");
        fails(anyOf, "{'field':true}",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"boolean\": field in body must be of type integer,string: \"boolean\"",
                "field: Invalid value: \"boolean\": field in body must be of type integer: \"boolean\"");
        String allOf = "{'type':'object','properties':{'field':{'nullable':true,'x-kubernetes-int-or-string':true,"
                + "'allOf':[{'anyOf':[{'type':'integer'},{'type':'string'}]}]}}}";
        fails(allOf, "{'field':'foo'}");
        fails(allOf, "{'field':[]}",
                "<nil>: Invalid value: \"\": \"field\" must validate all the schemas (allOf). None validated",
                "<nil>: Invalid value: \"\": \"field\" must validate at least one schema (anyOf)",
                "field: Invalid value: \"array\": field in body must be of type integer,string: \"array\"",
                "field: Invalid value: \"array\": field in body must be of type integer: \"array\"");
    }

    @Test
    void invalidRegexRequiredEnum() {
        fails("{'type':'object','properties':{'field':{'type':'string','pattern':'+'}}}", "{'field':'foo'}",
                "field: Invalid value: \"foo\": field in body should match '+, but pattern is invalid: error parsing regexp: missing argument to repetition operator: `+`'");
        String required = "{'type':'object','required':['field'],'properties':{'field':{'type':'object','required':['nested'],'properties':{'nested':{}}}}}";
        fails(required, "{'test':'a'}", "field: Required value");
        fails(required, "{'field':{}}", "field.nested: Required value");
        String en = "{'type':'object','properties':{'field':{'type':'object','required':['nestedint','nestedstring'],'properties':{"
                + "'nestedint':{'type':'integer','enum':[1,2]},'nestedstring':{'type':'string','enum':['a','b']}}}}}";
        fails(en, "{'field':{}}", "field.nestedint: Required value", "field.nestedstring: Required value");
        fails(en, "{'field':{'nestedint':'x','nestedstring':true}}",
                "field.nestedint: Invalid value: \"string\": field.nestedint in body must be of type integer: \"string\"",
                "field.nestedint: Unsupported value: \"x\": supported values: \"1\", \"2\"",
                "field.nestedstring: Invalid value: \"boolean\": field.nestedstring in body must be of type string: \"boolean\"",
                "field.nestedstring: Unsupported value: true: supported values: \"a\", \"b\"");
    }

    @Test
    void limits() {
        fails("{'type':'object','properties':{'fieldX':{'type':'object','maxProperties':2}}}", "{'fieldX':{'a':true,'b':true,'c':true}}",
                "fieldX: Too many: 3: must have at most 2 items");
        fails("{'type':'object','properties':{'fieldX':{'type':'array','maxItems':2}}}", "{'fieldX':['a','b','c']}",
                "fieldX: Too many: 3: must have at most 2 items");
        fails("{'type':'object','properties':{'fieldX':{'type':'string','maxLength':2}}}", "{'fieldX':'abc'}",
                "fieldX: Too long: may not be more than 2 bytes");
        // not from kube's table: kube-openapi's messages (pkg/validation/errors/schema.go) through apiextensions' default branch
        fails("{'type':'object','properties':{'n':{'type':'integer','minimum':3}}}", "{'n':2}",
                "n: Invalid value: 2: n in body should be greater than or equal to 3");
        fails("{'type':'object','properties':{'n':{'type':'number','maximum':1.5,'exclusiveMaximum':true}}}", "{'n':1.5}",
                "n: Invalid value: 1.5: n in body should be less than 1.5");
        fails("{'type':'object','properties':{'a':{'type':'array','items':{'type':'string','minLength':2}}}}", "{'a':['ok','x']}",
                "a[1]: Invalid value: \"x\": a[1] in body should be at least 2 chars long");
        fails("{'type':'object','properties':{'s':{'type':'string','pattern':'^a+$'}}}", "{'s':'b'}",
                "s: Invalid value: \"b\": s in body should match '^a+$'");
        fails("{'type':'object','properties':{'m':{'type':'object','additionalProperties':{'type':'integer'}}}}", "{'m':{'k':'v'}}",
                "m.k: Invalid value: \"string\": m.k in body must be of type integer: \"string\"");
        fails("{'type':'object','properties':{'i':{'type':'integer'}}}", "{'i':1.0}");
        fails("{'type':'object','properties':{'d':{'type':'string','format':'date'}}}", "{'d':'x'}",
                "d: Invalid value: \"x\": d in body must be of type date: \"x\"");
        fails("{'type':'object','properties':{'d':{'type':'string','format':'not-a-format'}}}", "{'d':'x'}");
    }

    @Test
    void itemsProperty() {
        // TestItemsProperty
        fails("{'properties':{'spec':{'properties':{'replicas':{'type':'integer'}}}}}", "{'spec':{'replicas':1,'items':['1','2']}}");
        fails("{'properties':{'secrets':{'type':'array','items':{'type':'string'}}}}", "{'secrets':['1','2']}");
    }

    private static void prune(String json, boolean root, String schema, String expected, String... paths) {
        JsonNode obj = j(json);
        List<String> got = Pruning.prune(obj, schema == null ? null : StructuralSchema.parse(j(schema)), root);
        assertEquals(j(expected), obj);
        assertEquals(List.of(paths), got);
    }

    @Test
    void pruning() {
        // TestPrune: "empty", "scalar", "scalar array", "object array", "preserve unknown fields", "nested x-kubernetes-embedded-resource"
        prune("null", false, null, "null");
        prune("4", false, "{}", "4");
        prune("[1,2]", false, "{'items':{}}", "[1,2]");
        prune("[{'a':1},{'b':1}]", false, "{'items':{'properties':{'a':{}}}}", "[{'a':1},{}]", "[1].b");
        prune("{'a':1,'b':{'c':1,'d':2}}", false, "{'x-kubernetes-preserve-unknown-fields':true,'properties':{'b':{'properties':{'c':{}}}}}",
                "{'a':1,'b':{'c':1}}", "b.d");
        prune("{'apiVersion':'a','kind':'k','metadata':{'x':1},'spec':{'x':1},'foo':1}", true, "{'properties':{'spec':{}}}",
                "{'apiVersion':'a','kind':'k','metadata':{'x':1},'spec':{}}", "foo", "spec.x");
        prune("{'apiVersion':'a','kind':'k','metadata':{},'x':1}", true, null, "{'apiVersion':'a','kind':'k','metadata':{}}", "x");
        prune("{'spec':{'embedded':{'apiVersion':'v1','kind':'K','metadata':{},'unknown':1},'kind':'x'}}", false,
                "{'properties':{'spec':{'properties':{'embedded':{'x-kubernetes-embedded-resource':true,'properties':{}}}}}}",
                "{'spec':{'embedded':{'apiVersion':'v1','kind':'K','metadata':{}}}}", "spec.embedded.unknown", "spec.kind");
        prune("{'m':{'a':{'x':1,'y':2}}}", false, "{'properties':{'m':{'additionalProperties':{'properties':{'x':{}}}}}}",
                "{'m':{'a':{'x':1}}}", "m.a.y");
    }

    @Test
    void embeddedMetadata() {
        JsonNode obj = j("{'spec':{'t':{'apiVersion':'v1','kind':'K','metadata':{'name':'n','foo':1,'labels':'bad','namespace':''}}}}");
        List<String> unknown = ObjectMetaCoercion.coerce(obj, StructuralSchema.parse(j(
                "{'properties':{'spec':{'properties':{'t':{'x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}}}}}")), true);
        assertEquals(List.of("spec.t.metadata.foo"), unknown);
        assertEquals(j("{'name':'n'}"), obj.at("/spec/t/metadata"));
        List<FieldCause> errs = ResourceRules.validateEmbeddedResources(j("{'spec':{'t':{'kind':'a.b','metadata':{'name':'a/b'}}}}"),
                StructuralSchema.parse(j("{'properties':{'spec':{'properties':{'t':{'x-kubernetes-embedded-resource':true}}}}}")), false);
        TreeSet<String> got = new TreeSet<>();
        errs.forEach(e -> got.add(e.describe()));
        assertEquals(new TreeSet<>(List.of("spec.t.apiVersion: Required value: must not be empty",
                "spec.t.kind: Invalid value: \"a.b\": may have mixed case, but should otherwise match: "
                        + "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                "spec.t.metadata.name: Invalid value: \"a/b\": may not contain '/'")), got);
        assertEquals(List.of(FieldCause.invalid("kind", "", "must be Foo")), ResourceRules.validateTypeMeta(j("{'apiVersion':'g/v1'}"), "g", "v1", "Foo"));
    }

    /** A terminating object keeps its zero grace period (a Go pointer: omitempty keeps it); zero plain integers go. */
    @Test
    void aZeroGracePeriodIsKeptAZeroGenerationIsNot() {
        JsonNode obj = j("{'metadata':{'name':'n','generation':0,'deletionGracePeriodSeconds':0,"
                + "'deletionTimestamp':'2026-12-05T00:00:00Z','finalizers':['example.com/hold']}}");
        ObjectMetaCoercion.coerce(obj, StructuralSchema.parse(j("{'type':'object'}")), true);
        assertEquals(j("{'name':'n','deletionGracePeriodSeconds':0,'deletionTimestamp':'2026-12-05T00:00:00Z',"
                + "'finalizers':['example.com/hold']}"), obj.get("metadata"));
    }

    private static void defaults(String json, String schema, String expected) {
        JsonNode obj = j(json);
        Defaulting.apply(obj, schema == null ? null : StructuralSchema.parse(j(schema)));
        assertEquals(j(expected), obj);
    }

    @Test
    void defaulting() {
        // TestDefault: "empty", "scalar", "scalar array", "object array", "object array object", nullable cases
        defaults("null", null, "null");
        defaults("4", "{'default':'foo'}", "4");
        defaults("[1,2]", "{'items':{'default':'foo'}}", "[1,2]");
        String abc = "{'properties':{'a':{'default':'A'},'b':{'default':'B'},'c':{'default':'C'}}}";
        defaults("[{'a':1},{'b':1},{'c':1}]", "{'items':" + abc + "}",
                "[{'a':1,'b':'B','c':'C'},{'a':'A','b':1,'c':'C'},{'a':'A','b':'B','c':1}]");
        String ab = "{'properties':{'a':{'default':'A'},'b':{'default':'B'}}}";
        defaults("{'array':[{'a':1},{'b':2}],'object':{'a':1},'additionalProperties':{'x':{'a':1},'y':{'b':2}}}",
                "{'properties':{'array':{'items':" + ab + "},'object':" + ab + ",'additionalProperties':{'additionalProperties':" + ab + "}}}",
                "{'array':[{'a':1,'b':'B'},{'a':'A','b':2}],'object':{'a':1,'b':'B'},'additionalProperties':{'x':{'a':1,'b':'B'},'y':{'a':'A','b':2}}}");
        defaults("{'a':null,'b':null,'c':null}", "{'properties':{'a':{'default':'A'},'b':{'default':'B','nullable':true},'c':{}}}",
                "{'a':'A','b':null,'c':null}");
        defaults("{'m':{'x':null},'l':[null]}", "{'properties':{'m':{'additionalProperties':{'default':'D'}},'l':{'items':{'default':'I'}}}}",
                "{'m':{'x':'D'},'l':['I']}");
        JsonNode o = j("{'a':null,'b':null,'c':{'d':null}}");
        Defaulting.pruneNonNullableNullsWithoutDefaults(o, StructuralSchema.parse(j("{'properties':{'a':{},'b':{'nullable':true},'c':{'properties':{'d':{'default':1}}}}}")));
        assertEquals(j("{'b':null,'c':{'d':null}}"), o);
    }
}
