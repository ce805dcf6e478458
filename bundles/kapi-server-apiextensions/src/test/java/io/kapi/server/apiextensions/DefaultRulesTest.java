package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube's messages for defaults ({@code defaulting.ValidateDefaults}, {@code objectmeta.Coerce} without dropping,
 * Go's JSON errors decoding ObjectMeta); kube's cases by type and path are in schema-validation-cases.json.
 */
class DefaultRulesTest {
    private static List<String> errors(String schema) {
        List<String> out = new ArrayList<>();
        DefaultRules.validate(j(schema), "s", true).forEach(c -> out.add(c.type() + " " + c.describe()));
        return out;
    }

    @Test
    void defaultsMustBePrunedAndValid() {
        assertEquals(List.of(
                "FieldValueInvalid s.properties[a].default: Invalid value: map[string]interface {}{\"bar\":42, \"foo\":\"abc\"}: must not have unknown fields",
                "FieldValueTypeInvalid s.properties[c].default.foo: Invalid value: \"integer\": foo in body must be of type string: \"integer\"",
                "FieldValueNotSupported s.properties[e].default: Unsupported value: \"z\": supported values: \"x\", \"y\""),
                errors("{'type':'object','properties':{'a':{'type':'object','properties':{'foo':{'type':'string'}},'default':{'foo':'abc','bar':42}},"
                        + "'c':{'type':'object','properties':{'foo':{'type':'string'}},'default':{'foo':42}},"
                        + "'e':{'type':'string','enum':['x','y'],'default':'z'},'f':{'type':'string','default':'ok'}}}"));
    }

    @Test
    void defaultsOfEmbeddedResourcesAndTheirMetadata() {
        assertEquals(List.of("FieldValueInvalid s.properties[e].default.metadata: Invalid value: map[string]interface {}{\"name\":42}: "
                        + "json: cannot unmarshal number into Go struct field ObjectMeta.name of type string"),
                errors("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,"
                        + "'x-kubernetes-preserve-unknown-fields':true,'default':{'apiVersion':'v1','kind':'Pod','metadata':{'name':42}}}}}"));
        assertEquals(List.of("FieldValueRequired s.properties[e].default.apiVersion: Required value: must not be empty",
                        "FieldValueRequired s.properties[e].default.kind: Required value: must not be empty"),
                errors("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,"
                        + "'x-kubernetes-preserve-unknown-fields':true,'default':{}}}}"));
        assertEquals(List.of("FieldValueInvalid s.properties[e].properties[metadata].properties[labels].default: Invalid value: "
                        + "map[string]interface {}{\"a\":\"x y\"}: must result in valid metadata: metadata.labels: Invalid value: \"x y\": "
                        + "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                        + "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                errors("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{"
                        + "'metadata':{'type':'object','properties':{'labels':{'type':'object','additionalProperties':{'type':'string'},"
                        + "'default':{'a':'x y'}}}}}}}}"));
        assertFalse(DefaultRules.hasUnprunedDefaults(j("{'type':'object','properties':{'a':{'type':'string','default':'x'}}}")));
        assertTrue(DefaultRules.hasUnprunedDefaults(j("{'type':'object','properties':{'a':{'type':'object','default':{'x':1}}}}")));
    }

    @Test
    void goJsonErrorsOfObjectMeta() {
        assertNull(MetaCoercion.objectMetaError(j("{'name':'a','labels':{'a':'b'},'generation':3,'finalizers':['f'],'unknown':1}")));
        assertEquals("json: cannot unmarshal array into Go value of type v1.ObjectMeta", MetaCoercion.objectMetaError(j("[]")));
        assertEquals("json: cannot unmarshal string into Go struct field ObjectMeta.generation of type int64",
                MetaCoercion.objectMetaError(j("{'generation':'1'}")));
        assertEquals("json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.generation of type int64",
                MetaCoercion.objectMetaError(j("{'generation':1.5}")));
        assertEquals("json: cannot unmarshal bool into Go struct field ObjectMeta.finalizers of type string",
                MetaCoercion.objectMetaError(j("{'finalizers':[true]}")));
        assertEquals("json: cannot unmarshal number into Go struct field OwnerReference.ownerReferences.name of type string",
                MetaCoercion.objectMetaError(j("{'ownerReferences':[{'name':1}]}")));
        assertEquals("json: cannot unmarshal number into Go value of type string", MetaCoercion.objectMetaError(j("{'creationTimestamp':1}")));
    }
}
