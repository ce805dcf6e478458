package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kube's structural schema rules: cases restated from apiextensions-apiserver v0.32.0
 * pkg/apiserver/schema/validation_test.go (TestValidateStructuralMetadataInvariants, TestValidateStructuralCompleteness,
 * TestValidateNestedValueValidationComplete: kube fuzzes each field, these set each one) with kube's messages, under a
 * path {@code p} (kube's tests use a nil path).
 */
class StructuralRulesTest {
    private static final ObjectMapper M = new ObjectMapper();

    static JsonNode j(String json) {
        try {
            return M.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> errors(String schema) {
        List<String> out = new ArrayList<>();
        StructuralRules.validate(j(schema), "p").forEach(c -> out.add(c.describe()));
        return out;
    }

    /** A non-zero value for each JSONSchemaProps field but default, which kube clears (its fuzzer sets them one at a time). */
    private static final Map<String, String> NON_ZERO = Map.ofEntries(Map.entry("description", "'d'"), Map.entry("format", "'date'"),
            Map.entry("title", "'t'"), Map.entry("maximum", "1"), Map.entry("exclusiveMaximum", "true"),
            Map.entry("minimum", "1"), Map.entry("exclusiveMinimum", "true"), Map.entry("maxLength", "1"), Map.entry("minLength", "1"),
            Map.entry("pattern", "'a'"), Map.entry("maxItems", "1"), Map.entry("minItems", "1"), Map.entry("uniqueItems", "true"),
            Map.entry("multipleOf", "2"), Map.entry("enum", "['a']"), Map.entry("maxProperties", "1"), Map.entry("minProperties", "1"),
            Map.entry("required", "['name']"), Map.entry("items", "{'type':'string'}"), Map.entry("allOf", "[{}]"),
            Map.entry("oneOf", "[{}]"), Map.entry("anyOf", "[{}]"), Map.entry("not", "{}"),
            Map.entry("additionalProperties", "{'type':'string'}"), Map.entry("nullable", "true"),
            Map.entry("x-kubernetes-preserve-unknown-fields", "true"), Map.entry("x-kubernetes-embedded-resource", "true"),
            Map.entry("x-kubernetes-int-or-string", "true"), Map.entry("x-kubernetes-list-map-keys", "['a']"),
            Map.entry("x-kubernetes-list-type", "'atomic'"), Map.entry("x-kubernetes-map-type", "'atomic'"),
            Map.entry("x-kubernetes-validations", "[{'rule':'true'}]"));
    private static final String METADATA_FORBIDDEN = "p.properties[metadata]: Forbidden: must not specify anything other than name "
            + "and generateName, but metadata is implicitly specified";

    @Test
    void rootMetadataMustBeAnObjectOfNameAndGenerateNameOnly() {
        for (String type : List.of("object", "array", "number", "integer", "boolean", "string")) {
            List<String> got = errors("{'type':'object','properties':{'metadata':{'type':'" + type + "'}}}");
            if (type.equals("object")) {
                assertEquals(List.of(), got);
            } else {
                assertTrue(got.contains("p.properties[metadata].type: Invalid value: \"" + type + "\": must be object"), got.toString());
            }
        }
        for (String property : List.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
                "finalizers", "managedFields")) {
            List<String> got = errors("{'type':'object','properties':{'metadata':{'type':'object','properties':{'" + property + "':{'type':'string'}}}}}");
            boolean allowed = property.equals("name") || property.equals("generateName");
            assertEquals(allowed ? List.of() : List.of(METADATA_FORBIDDEN), got, property);
        }
        assertEquals(List.of(), errors("{'type':'object','properties':{'metadata':{'type':'object','default':{'name':'x'},"
                + "'example':{},'externalDocs':{'url':'u'},'properties':{'name':{'type':'string'},'generateName':{'type':'string'}}}}}"));
        NON_ZERO.forEach((field, value) -> {
            List<String> got = errors("{'type':'object','properties':{'metadata':{'type':'object','" + field + "':" + value
                    + ",'properties':{'name':{'type':'string'},'generateName':{'type':'string'}}}}}");
            assertTrue(got.contains(METADATA_FORBIDDEN), field + ": " + got);
        });
        // inside an embedded resource only the type is checked; in a nested value validation metadata is forbidden
        assertEquals(List.of(), errors("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'properties':{'metadata':{'type':'object','properties':{'labels':{'type':'object'}}}}}}}"));
        assertEquals(List.of("p.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context",
                        "p.properties[metadata]: Required value: because it is defined in p.anyOf[0].properties[metadata]"),
                errors("{'type':'object','anyOf':[{'properties':{'metadata':{}}}]}"));
    }

    @Test
    void valueValidationsNeedTheirFieldsSpecified() {
        assertEquals(List.of("p.properties[foo]: Required value: because it is defined in p.allOf[0].properties[foo]"),
                errors("{'type':'object','additionalProperties':{'type':'object','properties':{'bar':{'type':'string'}}},"
                        + "'allOf':[{'properties':{'foo':{'minLength':2}}}]}").subList(1, 2));
        assertEquals(List.of(), errors("{'type':'object','properties':{'foo':{'type':'string'}},'allOf':[{'properties':{'foo':{'minLength':2}}}]}"));
        assertEquals(List.of("p.properties[notfoo]: Required value: because it is defined in p.allOf[0].properties[notfoo]"),
                errors("{'type':'object','properties':{'foo':{'type':'string'}},'allOf':[{'properties':{'notfoo':{'minLength':2}}}]}"));
        assertEquals(List.of("p.type: Invalid value: \"array\": must be object at the root"),
                errors("{'type':'array','items':{'type':'string'},'allOf':[{'items':{'minLength':2}}]}"));
        assertEquals(List.of("p.items: Required value: because it is defined in p.allOf[0].items"),
                errors("{'type':'object','properties':{'foo':{'type':'string'}},'allOf':[{'items':{'minLength':2}}]}"));
        assertEquals(List.of("p.allOf[0].additionalProperties: Forbidden: must be undefined to be structural"),
                errors("{'type':'object','properties':{'bar':{'type':'string'}},'allOf':[{'additionalProperties':{'minLength':2}}]}"));
    }

    @Test
    void nestedValueValidationsMayNotSetGenericsOrExtensions() {
        Map<String, String> forbidden = Map.ofEntries(Map.entry("type", "'string'|type: Forbidden: must be empty to be structural"),
                Map.entry("title", "'t'|title: Forbidden: must be empty to be structural"),
                Map.entry("description", "'d'|description: Forbidden: must be empty to be structural"),
                Map.entry("default", "42|default: Forbidden: must be undefined to be structural"),
                Map.entry("nullable", "true|nullable: Forbidden: must be false to be structural"),
                Map.entry("x-kubernetes-preserve-unknown-fields", "true|x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural"),
                Map.entry("x-kubernetes-embedded-resource", "true|x-kubernetes-embedded-resource: Forbidden: must be false to be structural"),
                Map.entry("x-kubernetes-int-or-string", "true|x-kubernetes-int-or-string: Forbidden: must be false to be structural"),
                Map.entry("x-kubernetes-list-map-keys", "['a']|x-kubernetes-list-map-keys: Forbidden: must be empty to be structural"),
                Map.entry("x-kubernetes-list-type", "'set'|x-kubernetes-list-type: Forbidden: must be undefined to be structural"),
                Map.entry("x-kubernetes-map-type", "'atomic'|x-kubernetes-map-type: Forbidden: must be undefined to be structural"),
                Map.entry("x-kubernetes-validations", "[{'rule':'true'}]|x-kubernetes-validations: Forbidden: must be empty to be structural"),
                Map.entry("additionalProperties", "true|additionalProperties: Forbidden: must be undefined to be structural"));
        forbidden.forEach((field, spec) -> {
            String[] parts = spec.split("\\|");
            for (String junctor : List.of("allOf[0]", "anyOf[0]", "oneOf[0]", "not")) {
                String nested = "{'" + field + "':" + parts[0] + "}";
                String schema = junctor.equals("not") ? "{'type':'object','not':" + nested + "}"
                        : "{'type':'object','" + junctor.substring(0, 5) + "':[" + nested + "]}";
                assertEquals(List.of("p." + junctor + "." + parts[1]), errors(schema), schema);
            }
        });
        assertEquals(List.of(), errors("{'type':'object','allOf':[{'additionalProperties':false,'minLength':1}]}"));
    }

    @Test
    void intOrStringShapes() {
        String ios = "{'type':'object','properties':{'f':{'x-kubernetes-int-or-string':true,%s}}}";
        assertEquals(List.of(), errors(String.format(ios, "'anyOf':[{'type':'integer'},{'type':'string'}]")));
        assertEquals(List.of(), errors(String.format(ios, "'allOf':[{'anyOf':[{'type':'integer'},{'type':'string'}]},{'pattern':'a'}]")));
        assertEquals(List.of("p.properties[f].anyOf[0].type: Forbidden: must be empty to be structural",
                        "p.properties[f].anyOf[1].type: Forbidden: must be empty to be structural"),
                errors(String.format(ios, "'anyOf':[{'type':'string'},{'type':'integer'}]")));
        assertEquals(List.of("p.properties[f].anyOf[0].type: Forbidden: must be empty to be structural",
                        "p.properties[f].anyOf[1].type: Forbidden: must be empty to be structural"),
                errors(String.format(ios, "'anyOf':[{'type':'integer','minimum':1},{'type':'string'}]")));
        assertEquals(List.of("p.properties[f].allOf[1].anyOf[0].type: Forbidden: must be empty to be structural",
                        "p.properties[f].allOf[1].anyOf[1].type: Forbidden: must be empty to be structural"),
                errors(String.format(ios, "'allOf':[{'pattern':'a'},{'anyOf':[{'type':'integer'},{'type':'string'}]}]")));
        assertEquals(List.of("p.properties[f].x-kubernetes-embedded-resource: Invalid value: true: must be false if x-kubernetes-int-or-string is true",
                        "p.properties[f].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"),
                errors(String.format(ios, "'type':'object','properties':{'a':{'type':'string'}},'x-kubernetes-embedded-resource':true,"
                        + "'x-kubernetes-preserve-unknown-fields':true")));
    }

    @Test
    void typesEmbeddedResourcesAndTheRoot() {
        assertEquals(List.of("p.items.type: Required value: must not be empty for specified array items",
                        "p.properties[a].items: Required value: must be specified",
                        "p.properties[b].type: Required value: must not be empty for specified object fields",
                        "p.type: Required value: must not be empty at the root"),
                errors("{'items':{},'properties':{'a':{'type':'array'},'b':{},'c':{'x-kubernetes-preserve-unknown-fields':true}}}"));
        assertEquals(List.of("p.additionalProperties: Forbidden: must not be used at the root",
                        "p.properties[e].additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set",
                        "p.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
                        "p.properties[e].type: Invalid value: \"string\": must be object if x-kubernetes-embedded-resource is true",
                        "p.properties[f].properties[kind].type: Invalid value: \"integer\": must be string",
                        "p.properties[g].type: Required value: must be object if x-kubernetes-embedded-resource is true"),
                errors("{'type':'object','additionalProperties':{'type':'string'},'properties':{"
                        + "'e':{'type':'string','x-kubernetes-embedded-resource':true,'additionalProperties':{'type':'string'}},"
                        + "'f':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'kind':{'type':'integer'}}},"
                        + "'g':{'x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}}}"));
        assertEquals(List.of("p.properties[s].pattern: Invalid value: \"a(\": must be a valid regular expression, but isn't: "
                + "error parsing regexp: missing closing ): `a(`"), errors("{'type':'object','properties':{'s':{'type':'string','pattern':'a('}}}"));
    }

    @Test
    void keywordsKubeCannotConvert() {
        assertNull(StructuralRules.conversionError(j("{'type':'object','properties':{'a':{'type':'string'}}}")));
        assertEquals("OpenAPIV3Schema 'id' is not supported", StructuralRules.conversionError(j("{'id':'x'}")));
        assertEquals("OpenAPIV3Schema 'schema' is not supported", StructuralRules.conversionError(j("{'$schema':'x'}")));
        assertEquals("OpenAPIV3Schema '$ref' is not supported", StructuralRules.conversionError(j("{'properties':{'a':{'$ref':'#/x'}}}")));
        assertEquals("OpenAPIV3Schema 'patternProperties' is not supported", StructuralRules.conversionError(j("{'allOf':[{'patternProperties':{'a':{}}}]}")));
        assertEquals("OpenAPIV3Schema 'dependencies' is not supported", StructuralRules.conversionError(j("{'dependencies':{'a':['b']}}")));
        assertEquals("OpenAPIV3Schema 'additionalItems' is not supported", StructuralRules.conversionError(j("{'items':{'additionalItems':false}}")));
        assertEquals("OpenAPIV3Schema 'definitions' is not supported", StructuralRules.conversionError(j("{'additionalProperties':{'definitions':{'a':{}}}}")));
        assertEquals("OpenAPIV3Schema 'items' must be a schema, but is an array", StructuralRules.conversionError(j("{'items':[{}]}")));
        assertEquals("internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined",
                StructuralRules.conversionError(j("{'x-kubernetes-preserve-unknown-fields':false}")));
        FieldCause c = CrdSchemaChecks.validateSchema(j("{'type':'object','$schema':'http://json-schema.org/draft-04/schema#'}"),
                "spec.versions[0].schema", false, SchemaCheckOptions.CREATE).get(0);
        assertEquals("spec.versions[0].schema.openAPIV3Schema: Invalid value: \"\": OpenAPIV3Schema 'schema' is not supported", c.describe());
    }
}
