package io.kapi.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases restated from kube's apiextensions-apiserver v0.32.0 pkg/apiserver/schema/listtype/validation_test.go
 * (TestValidateListSetsAndMaps; kube matches type and path, these also check the printed value).
 */
class ListSetsAndMapsTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode j(String json) {
        try {
            return M.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> errors(String schema, String obj) {
        List<String> out = new ArrayList<>();
        ListSetsAndMaps.validate(j(obj), StructuralSchema.parse(j(schema))).forEach(c -> out.add(c.type() + " " + c.describe()));
        return out;
    }

    private static String prop(String name, String schema) {
        return "{'type':'object','properties':{'" + name + "':" + schema + "}}";
    }

    private static final String SET = "{'type':'array','x-kubernetes-list-type':'set'}";

    @Test
    void nothingToCheck() {
        assertEquals(List.of(), ListSetsAndMaps.validate(null, null));
        assertEquals(List.of(), ListSetsAndMaps.validate(j("{}"), null));
        assertEquals(List.of(), ListSetsAndMaps.validate(null, StructuralSchema.parse(j("{}"))));
        assertEquals(List.of(), errors("{'type':'object'}", "{'array':['a','b','a']}"));
        assertEquals(List.of(), errors(prop("array", "{'type':'array'}"), "{'array':['a','b','a']}"));
        assertEquals(List.of(), errors(prop("array", "{'type':'array','items':{'type':'string'}}"), "{'array':['a','b','a']}"));
        assertEquals(List.of(), errors(prop("array", SET), "{'array':['a']}"));
        assertEquals(List.of(), errors(prop("array", SET), "{'array':['a','b']}"));
    }

    @Test
    void setsReportTheSecondAppearanceOfEachRepeatedItem() {
        assertEquals(List.of("FieldValueDuplicate array[1]: Duplicate value: \"a\""), errors(prop("array", SET), "{'array':['a','a']}"));
        assertEquals(List.of("FieldValueDuplicate array[1]: Duplicate value: \"a\"", "FieldValueDuplicate array[5]: Duplicate value: \"c\""),
                errors(prop("array", SET), "{'array':['a','a','b','c','d','c']}"));
        assertEquals(List.of("FieldValueDuplicate [array][2]: Duplicate value: \"a\""),
                errors("{'type':'object','additionalProperties':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}}",
                        "{'array':['a','b','a']}"));
        assertEquals(List.of("FieldValueDuplicate array[0][2]: Duplicate value: \"a\"", "FieldValueDuplicate array[1][1]: Duplicate value: \"b\""),
                errors(prop("array", "{'type':'array','items':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}}"),
                        "{'array':[['a','b','a'],['b','b','a']]}"));
        assertEquals(List.of("FieldValueDuplicate array[2]: Duplicate value: \"a\"", "FieldValueDuplicate array[3][1]: Duplicate value: \"b\""),
                errors(prop("array", "{'type':'array','x-kubernetes-list-type':'set','items':{'type':'array','x-kubernetes-list-type':'set'}}"),
                        "{'array':['a','b','a',['b','b','a']]}"));
    }

    @Test
    void setsOfScalarsAndCompounds() {
        String s = "{'type':'array','x-kubernetes-list-type':'set','items':{}}";
        String schema = "{'type':'object','additionalProperties':" + s + "}";
        String obj = "{'strings':['a','b','a'],'integers':[1,2,1],'booleans':[false,true,true],'float64':[1.0,2.0,2.0],"
                + "'nil':['a',null,null],'empty maps':[{'a':'b'},{},{}],'map values':[{'a':'b'},{'a':'c'},{'a':'b'}],"
                + "'nil values':[{'a':null},{'b':'c','a':null}],'array':[[],['a'],['b'],['a']],'nil array':[[],[null],[null,null],[null],['a']],"
                + "'multiple duplicates':[{'a':'b'},{'a':'c'},{'a':'b'},{'a':'c'},{'a':'c'}],'mixed numbers':[1,1.0]}";
        assertEquals(List.of(
                "FieldValueDuplicate [strings][2]: Duplicate value: \"a\"",
                "FieldValueDuplicate [integers][2]: Duplicate value: 1",
                "FieldValueDuplicate [booleans][2]: Duplicate value: true",
                "FieldValueDuplicate [float64][2]: Duplicate value: 2",
                "FieldValueDuplicate [nil][2]: Duplicate value: null",
                "FieldValueDuplicate [empty maps][2]: Duplicate value: map[string]interface {}{}",
                "FieldValueDuplicate [map values][2]: Duplicate value: map[string]interface {}{\"a\":\"b\"}",
                "FieldValueDuplicate [array][3]: Duplicate value: []interface {}{\"a\"}",
                "FieldValueDuplicate [nil array][3]: Duplicate value: []interface {}{interface {}(nil)}",
                "FieldValueDuplicate [multiple duplicates][2]: Duplicate value: map[string]interface {}{\"a\":\"b\"}",
                "FieldValueDuplicate [multiple duplicates][3]: Duplicate value: map[string]interface {}{\"a\":\"c\"}"),
                errors(schema, obj));
    }

    @Test
    void mapsReportRepeatedKeysAndItemsThatAreNoObjects() {
        String one = "{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['a'],'items':{'type':'object'}}";
        String two = "{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['a','b'],'items':{'type':'object'}}";
        String schema = "{'type':'object','properties':{'strings':" + one + ",'integers':" + one + ",'nil':" + one + ",'array':" + one
                + ",'one key':" + one + ",'two keys':" + two + ",'undefined key':" + two + ",'compound key':" + one + ",'nil key':" + one
                + ",'nil item':" + one + ",'nil item multiple keys':" + two + ",'multiple duplicates':" + one + "}}";
        String obj = "{'strings':['a'],'integers':[1],'nil':[null],'array':[['a']],"
                + "'one key':[{'a':'0','c':'2'},{'a':'1','c':'1'},{'a':'1','c':'2'},{}],"
                + "'two keys':[{'a':'1','b':'1','c':'1'},{'a':'1','b':'2','c':'2'},{'a':'1','b':'2','c':'3'},{}],"
                + "'undefined key':[{'a':'1','b':'1','c':'1'},{'a':'1','c':'2'},{'a':'1','c':'3'},{}],"
                + "'compound key':[{'a':[],'c':'1'},{'a':null,'c':'1'},{'a':['a'],'c':'1'},{'a':['a',42],'c':'2'},{'a':['a',42],'c':['3']}],"
                + "'nil key':[{'a':[],'c':'1'},{'a':null,'c':'1'},{'c':'1'},{'a':null}],"
                + "'nil item':[null,{'a':'0','c':'1'},{'a':null},{'c':'1'}],"
                + "'nil item multiple keys':[null,{'b':'0','c':'1'},{'a':null},{'c':'1'}],"
                + "'multiple duplicates':[{'a':[],'c':'1'},{'a':null,'c':'1'},{'a':['a'],'c':'1'},{'a':['a',42],'c':'2'},"
                + "{'a':['a',42],'c':['3']},{'a':['a'],'c':'1','d':'1'},{'a':['a'],'c':'1','d':'2'}]}";
        assertEquals(List.of(
                "FieldValueInvalid strings[0]: Invalid value: \"a\": must be an object for an array of list-type map",
                "FieldValueInvalid integers[0]: Invalid value: 1: must be an object for an array of list-type map",
                "FieldValueInvalid array[0]: Invalid value: []interface {}{\"a\"}: must be an object for an array of list-type map",
                "FieldValueDuplicate one key[2]: Duplicate value: map[string]interface {}{\"a\":\"1\"}",
                "FieldValueDuplicate two keys[2]: Duplicate value: map[string]interface {}{\"a\":\"1\", \"b\":\"2\"}",
                "FieldValueDuplicate undefined key[2]: Duplicate value: map[string]interface {}{\"a\":\"1\"}",
                "FieldValueDuplicate compound key[4]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\", 42}}",
                "FieldValueDuplicate nil key[3]: Duplicate value: map[string]interface {}{\"a\":interface {}(nil)}",
                "FieldValueDuplicate nil item[3]: Duplicate value: map[string]interface {}{}",
                "FieldValueDuplicate nil item multiple keys[3]: Duplicate value: map[string]interface {}{}",
                "FieldValueDuplicate multiple duplicates[4]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\", 42}}",
                "FieldValueDuplicate multiple duplicates[5]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\"}}"),
                errors(schema, obj));
    }
}
