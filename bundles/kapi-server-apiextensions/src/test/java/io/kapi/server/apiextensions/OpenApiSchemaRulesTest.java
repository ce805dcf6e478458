package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube's messages of {@code ValidateCustomResourceDefinitionOpenAPISchema} (apiextensions-apiserver v0.32.0
 * validation.go; kube's own tests, in schema-validation-cases.json, match types and paths only).
 */
class OpenApiSchemaRulesTest {
    private static List<String> errors(String schema) {
        List<String> out = new ArrayList<>();
        OpenApiSchemaRules.validate(j(schema), "s", SchemaCheckOptions.CREATE).forEach(c -> out.add(c.describe()));
        return out;
    }

    @Test
    void forbiddenKeywords() {
        assertEquals(List.of(
                "s.properties[a].id: Forbidden: id is not supported",
                "s.properties[a].additionalItems: Forbidden: additionalItems is not supported",
                "s.properties[a].patternProperties: Forbidden: patternProperties is not supported",
                "s.properties[a].definitions: Forbidden: definitions is not supported",
                "s.properties[a].dependencies: Forbidden: dependencies is not supported",
                "s.properties[a].$ref: Forbidden: $ref is not supported",
                "s.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"),
                errors("{'type':'object','properties':{'a':{'type':'array','id':'x','additionalItems':false,'patternProperties':{'x':{}},"
                        + "'definitions':{'d':{}},'dependencies':{'x':['y']},'$ref':'#/d','uniqueItems':true}}}"));
        assertEquals(List.of(
                "s.type: Unsupported value: \"null\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
                "s.type: Forbidden: type cannot be set to null, use nullable as an alternative",
                "s.items: Forbidden: items must be a schema object and not an array",
                "s.items[0].type: Unsupported value: \"bogus\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""),
                errors("{'type':'null','items':[{'type':'bogus'}]}"));
        assertEquals(List.of("s.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"),
                errors("{'type':'object','properties':{'a':{'type':'object','properties':{'b':{'type':'string'}},'additionalProperties':{'type':'string'}}}}"));
        assertEquals(List.of(), errors("{'type':'object','properties':{'a':{'type':'object','properties':{'b':{'type':'string'}},'additionalProperties':true}}}"));
    }

    @Test
    void defaultsWhereKubeForbidsThem() {
        assertEquals(List.of(
                "s.properties[metadata].default: Forbidden: must not be set in top-level metadata",
                "s.properties[kind].default: Forbidden: must not be set in top-level kind",
                "s.properties[e].properties[metadata].x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta",
                "s.properties[e].properties[metadata].properties[labels].additionalProperties.default: Forbidden: "
                        + "must not be set inside additionalProperties applying to object metadata"),
                errors("{'type':'object','properties':{'metadata':{'type':'object','default':{}},'kind':{'type':'string','default':'K'},"
                        + "'e':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'metadata':{'type':'object',"
                        + "'x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true,'properties':{'labels':{'type':'object',"
                        + "'additionalProperties':{'type':'string','default':'x'}}}}}}}}"));
    }

    @Test
    void extensions() {
        assertEquals(List.of("s.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined",
                        "s.type: Invalid value: \"array\": must be object if x-kubernetes-map-type is specified",
                        "s.x-kubernetes-map-type: Unsupported value: \"other\": supported values: \"atomic\", \"granular\""),
                errors("{'type':'array','items':{'type':'string'},'x-kubernetes-preserve-unknown-fields':false,'x-kubernetes-map-type':'other'}"));
        assertEquals(List.of("s.items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set",
                        "s.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set"),
                errors("{'type':'array','x-kubernetes-list-type':'set','items':{'type':'object','nullable':true}}"));
        assertEquals(List.of("s.items.x-kubernetes-list-type: Invalid value: \"map\": must be atomic as item of a list with x-kubernetes-list-type=set"),
                errors("{'type':'array','x-kubernetes-list-type':'set','items':{'type':'array','x-kubernetes-list-type':'map',"
                        + "'x-kubernetes-list-map-keys':['k'],'items':{'type':'object','required':['k'],'properties':{'k':{'type':'string'}}}}}"));
        assertEquals(List.of("s.x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\"",
                        "s.x-kubernetes-list-type: Invalid value: \"bag\": must be map if x-kubernetes-list-map-keys is non-empty"),
                errors("{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'bag','x-kubernetes-list-map-keys':['a']}"));
        assertEquals(List.of(
                "s.x-kubernetes-list-map-keys: Invalid value: []string{\"a\", \"b\", \"a\"}: entries must all be names of item properties",
                "s.items.properties[b].type: Invalid value: \"object\": must be a scalar type if parent array's x-kubernetes-list-type is map",
                "s.x-kubernetes-list-map-keys: Invalid value: []string{\"a\", \"b\", \"a\"}: entries must all be names of item properties",
                "s.x-kubernetes-list-map-keys: Invalid value: []string{\"a\", \"b\", \"a\"}: must not contain duplicate entries",
                "s.items.properties[b].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
                "s.items.properties[b].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable"),
                errors("{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['a','b','a'],"
                        + "'items':{'type':'object','properties':{'b':{'type':'array','nullable':true,'items':{'type':'string'}}}}}"));
    }

    @Test
    void anUpdateKeepsWhatTheStoredDefinitionAlreadyBreaks() {
        String bad = "{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object','properties':{'s':{'type':'array',"
                + "'x-kubernetes-list-type':'set','items':{'type':'object','properties':{'a':{'type':'string'}}}}}}}}]}";
        String expected = "spec.validation.openAPIV3Schema.properties[s].items.x-kubernetes-map-type: Invalid value: null: "
                + "must be atomic as item of a list with x-kubernetes-list-type=set";
        List<String> create = new ArrayList<>();
        CrdSchemaChecks.validate(j(bad), null).forEach(c -> create.add(c.describe()));
        assertEquals(List.of(expected), create);
        assertEquals(List.of(), CrdSchemaChecks.validate(j(bad), j(bad)));
        assertEquals(1, CrdSchemaChecks.validate(j(bad), j("{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object'}}}]}")).size());
    }
}
