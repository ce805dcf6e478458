package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A version's selectableFields: kube's TestSelectableFields (apiextensions-apiserver v0.32.0
 * pkg/apis/apiextensions/validation/validation_test.go, per-version cases, matched by type and path) and kube's
 * messages for the other rules. Fields all versions share are checked at spec.selectableFields, as kube's v1
 * conversion moves them there.
 */
class SelectableFieldRulesTest {
    private static List<String> errors(String versions) {
        List<String> out = new ArrayList<>();
        for (FieldCause c : CrdSchemaChecks.validate(j("{'versions':" + versions + "}"), null)) {
            out.add(c.type() + " " + c.describe());
        }
        return out;
    }

    private static String version(String properties, String paths) {
        StringBuilder fields = new StringBuilder();
        for (String p : paths.split(",")) {
            fields.append(fields.length() > 0 ? "," : "").append("{'jsonPath':'").append(p).append("'}");
        }
        return "{'name':'v','schema':{'openAPIV3Schema':{'type':'object','properties':" + properties + "}},'selectableFields':[" + fields + "]}";
    }

    private static List<String> typesAndPaths(List<String> errors) {
        List<String> out = new ArrayList<>();
        errors.forEach(e -> out.add(e.substring(0, e.indexOf(':'))));
        return out;
    }

    @Test
    void kubesCases() {
        assertEquals(List.of("FieldValueInvalid spec.versions[0].selectableFields[1].jsonPath",
                        "FieldValueInvalid spec.versions[1].selectableFields[0].jsonPath",
                        "FieldValueInvalid spec.versions[1].selectableFields[2].jsonPath"),
                typesAndPaths(errors("[" + version("{'foo':{'type':'string'}}", ".foo,.xyz") + ","
                        + version("{'foo':{'type':'integer'}}", ".xyz,.foo,.abc") + "]")));
        assertEquals(List.of("FieldValueInvalid spec.versions[0].selectableFields[1].jsonPath",
                        "FieldValueInvalid spec.versions[1].selectableFields[0].jsonPath"),
                typesAndPaths(errors("[" + version("{'foo':{'type':'string'},'obj':{'type':'object'}}", ".foo,.obj") + ","
                        + version("{'foo':{'type':'integer'},'obj':{'type':'object'},'bool':{'type':'boolean'}}", ".obj,.foo,.bool") + "]")));
        // kube's case has the same fields in both versions, which kube's v1 conversion would move to the top level
        // (where, the schemas differing, kube refuses them): the second version's differ here
        assertEquals(List.of("FieldValueDuplicate spec.versions[0].selectableFields[1].jsonPath",
                        "FieldValueDuplicate spec.versions[1].selectableFields[2].jsonPath"),
                typesAndPaths(errors("[" + version("{'foo':{'type':'string'}}", ".foo,.foo") + ","
                        + version("{'foo':{'type':'integer'},'bar':{'type':'boolean'}}", ".bar,.foo,.foo") + "]")));
        assertEquals(List.of("FieldValueInvalid spec.selectableFields: Invalid value: \"\": selectableFields may only be set when "
                + "validations.schema is included"), errors("[" + version("{'foo':{'type':'string'}}", ".foo") + ","
                + version("{'foo':{'type':'integer'}}", ".foo") + "]"));
        StringBuilder nine = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            nine.append(i > 1 ? "," : "").append("'a").append(i).append("':{'type':'string'}");
        }
        assertEquals(List.of("FieldValueTooMany spec.versions[0].selectableFields: Too many: 9: must have at most 8 items"),
                errors("[" + version("{" + nine + "}", ".a1,.a2,.a3,.a4,.a5,.a6,.a7,.a8,.a9")
                        + ",{'name':'w','schema':{'openAPIV3Schema':{'type':'object','properties':{'foo':{'type':'integer'}}}}}]"));
    }

    @Test
    void kubesMessages() {
        String props = "{'spec':{'type':'object','properties':{'color':{'type':'string','enum':['red']},'at':{'type':'string','format':'date-time'},"
                + "'list':{'type':'array','items':{'type':'string'}},'labels':{'type':'object','additionalProperties':{'type':'string'}}}},"
                + "'metadata':{'type':'object','properties':{'name':{'type':'string'}}}}";
        assertEquals(List.of(), errors("[" + version(props, ".spec.color,.spec.at,.spec.labels.app") + "]"));
        assertEquals(List.of(
                "FieldValueInvalid spec.selectableFields[0].jsonPath: Invalid value: \".metadata.name\": must not point to fields in metadata",
                "FieldValueInvalid spec.selectableFields[1].jsonPath: Invalid value: \".spec.list\": must point to a field of type "
                        + "string, boolean or integer. Enum string fields and strings with formats are allowed.",
                "FieldValueInvalid spec.selectableFields[2].jsonPath: Invalid value: \".spec.list[0]\": is an invalid path: "
                        + "array notation is not allowed",
                "FieldValueInvalid spec.selectableFields[3].jsonPath: Invalid value: \"spec\": is an invalid path: expected [ or . but got: spec",
                "FieldValueInvalid spec.selectableFields[4].jsonPath: Invalid value: \".spec.\": is an invalid path: unexpected end of JSON path",
                "FieldValueInvalid spec.selectableFields[5].jsonPath: Invalid value: \".spec.nope\": is an invalid path: "
                        + "does not refer to a valid field"),
                errors("[" + version(props, ".metadata.name,.spec.list,.spec.list[0],spec,.spec.,.spec.nope") + "]"));
        assertEquals(List.of("FieldValueRequired spec.selectableFields[0].jsonPath: Required value"),
                errors("[{'name':'v','schema':{'openAPIV3Schema':{'type':'object'}},'selectableFields':[{}]}]"));
        assertEquals(List.of("FieldValueInvalid spec.selectableFields: Invalid value: \"\": selectableFields may only be set when "
                + "validations.schema is included"), errors("[{'name':'v','selectableFields':[{'jsonPath':'.spec.a'}]}]"));
        assertEquals(List.of("FieldValueInvalid spec.versions[1].selectableFields: Invalid value: \"\": selectableFields may only be set when "
                + "version.schema.openAPIV3Schema is not included"), errors("[" + version("{'a':{'type':'string'}}", ".a")
                + ",{'name':'w','selectableFields':[{'jsonPath':'.a'},{'jsonPath':'.b'}]}]"));
    }
}
