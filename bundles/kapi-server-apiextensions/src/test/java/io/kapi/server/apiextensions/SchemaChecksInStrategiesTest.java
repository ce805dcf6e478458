package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema checks as the strategies run them: a v1 definition with a non-structural schema is refused (kube
 * answers 422 with the causes below), and a custom resource with a repeated set item or map key too, except on an
 * update of an object that already had one (kube's ratcheting).
 */
class SchemaChecksInStrategiesTest {
    private static List<String> describe(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.type() + " " + c.describe()));
        return out;
    }

    private static ObjectNode crd(String schema) {
        return (ObjectNode) j("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition','metadata':{'name':'widgets.example.com'},"
                + "'spec':{'group':'example.com','scope':'Namespaced','names':{'plural':'widgets','singular':'widget','kind':'Widget','listKind':'WidgetList'},"
                + "'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':" + schema + "}}]}}");
    }

    @Test
    void aNonStructuralSchemaIsRefusedAtCreateAndUpdate() {
        CrdStrategy s = new CrdStrategy();
        ObjectNode bad = crd("{'type':'object','properties':{'spec':{'properties':{'size':{'type':'integer'}}},"
                + "'status':{'type':'object','anyOf':[{'type':'object'}]}}}");
        List<String> expected = List.of(
                "FieldValueRequired spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
                "FieldValueForbidden spec.validation.openAPIV3Schema.properties[status].anyOf[0].type: Forbidden: must be empty to be structural");
        assertEquals(expected, describe(s.validate(bad)));
        assertEquals(expected, describe(s.validateUpdate(bad, crd("{'type':'object'}"))));
        assertEquals(List.of(), describe(s.validate(crd("{'type':'object','properties':{'spec':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}"))));
    }

    @Test
    void aSchemaAllVersionsShareIsCheckedOnceAtTheTopLevelAsKubesConversionMovesIt() {
        String bad = "{'openAPIV3Schema':{'type':'object','properties':{'a':{}}}}";
        String spec = "{'versions':[{'name':'v1','schema':%s},{'name':'v2','schema':%s,'subresources':{'status':{}}}]}";
        assertEquals(List.of("FieldValueRequired spec.validation.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields"),
                describe(CrdSchemaChecks.validate(j(String.format(spec, bad, bad)), null)));
        assertEquals(List.of("FieldValueRequired spec.versions[0].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields",
                        "FieldValueInvalid spec.versions[1].schema.openAPIV3Schema: Invalid value: apiextensions.JSONSchemaProps{...}: only [Description "
                                + "Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems "
                                + "UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are "
                                + "allowed at the root of the schema if the status subresource is enabled"),
                describe(CrdSchemaChecks.validate(j(String.format(spec, bad, "{'openAPIV3Schema':{'type':'object','minProperties':1}}")), null)));
    }

    @Test
    void anUpdateDoesNotEnforceWhatTheStoredDefinitionAlreadyBreaks() {
        CrdStrategy s = new CrdStrategy();
        ObjectNode old = crd("{'type':'object','properties':{'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'object'}}}}");
        assertEquals(List.of("FieldValueInvalid spec.validation.openAPIV3Schema.properties[tags].items.x-kubernetes-map-type: "
                + "Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set"), describe(s.validate(old)));
        assertEquals(List.of(), describe(s.validateUpdate(old.deepCopy(), old)));
    }

    @Test
    void customResourcesWithRepeatedSetItemsOrMapKeys() {
        StructuralSchema schema = StructuralSchema.parse(j("{'type':'object','properties':{'spec':{'type':'object','properties':{"
                + "'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},"
                + "'ports':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['port'],"
                + "'items':{'type':'object','required':['port'],'properties':{'port':{'type':'integer'},'name':{'type':'string'}}}}}}}}"));
        CustomResourceStrategy s = new CustomResourceStrategy("example.com", "v1", "Widget", schema, null);
        ObjectNode dup = (ObjectNode) j("{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w'},'spec':{"
                + "'tags':['a','b','a'],'ports':[{'port':80,'name':'http'},{'port':80,'name':'web'}]}}");
        List<String> expected = List.of("FieldValueDuplicate spec.tags[2]: Duplicate value: \"a\"",
                "FieldValueDuplicate spec.ports[1]: Duplicate value: map[string]interface {}{\"port\":80}");
        assertEquals(expected, describe(s.validate(dup)));
        ObjectNode clean = (ObjectNode) j("{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w'},'spec':{'tags':['a']}}");
        assertEquals(expected, describe(s.validateUpdate(dup, clean)));
        assertEquals(List.of(), describe(s.validateUpdate(dup, dup.deepCopy())));
    }
}
