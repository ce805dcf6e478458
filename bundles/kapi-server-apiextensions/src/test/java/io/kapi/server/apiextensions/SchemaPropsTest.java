package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.StructuralRulesTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a JSONSchemaProps reads after kube's decoding: Go's zero values, pointers, slices; and kube's SchemaHas walk. */
class SchemaPropsTest {
    @Test
    void zeroValuesAsGoHasThem() {
        JsonNode s = j("{'description':'','nullable':false,'enum':[],'required':[],'maximum':0,'default':false,'items':[],"
                + "'x-kubernetes-list-type':null,'properties':{},'title':'t','x-kubernetes-list-map-keys':[]}");
        for (String zero : List.of("description", "nullable", "enum", "x-kubernetes-list-type", "properties", "format")) {
            assertTrue(SchemaProps.isZero(s, zero), zero);
        }
        // pointers are set by any value but null; some slices are copied as they are, so [] is set
        for (String set : List.of("maximum", "default", "items", "title", "required", "x-kubernetes-list-map-keys")) {
            assertFalse(SchemaProps.isZero(s, set), set);
        }
        assertEquals(SchemaProps.FIELDS.size(), SchemaProps.GO_NAMES.size());
        assertNull(SchemaProps.items(s));
        assertNull(SchemaProps.optional(s, "x-kubernetes-list-type"));
        assertEquals("[]string{\"a\", \"b\"}", SchemaProps.goStrings(List.of("a", "b")));
    }

    @Test
    void schemaHasLooksEverywhere() {
        for (String where : List.of("{'items':%s}", "{'items':[{},%s]}", "{'allOf':[%s]}", "{'not':%s}", "{'properties':{'a':%s}}",
                "{'additionalProperties':%s}", "{'patternProperties':{'a':%s}}", "{'definitions':{'a':%s}}", "{'dependencies':{'a':%s}}",
                "{'additionalItems':%s}")) {
            JsonNode s = j(String.format(where, "{'type':'null'}"));
            assertTrue(SchemaWalk.any(s, n -> SchemaProps.type(n).equals("null")), where);
        }
        assertFalse(SchemaWalk.any(j("{'properties':{'a':{'type':'string'}}}"), n -> SchemaProps.type(n).equals("null")));
    }
}
