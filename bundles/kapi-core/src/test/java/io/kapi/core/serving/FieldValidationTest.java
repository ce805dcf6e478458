package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fieldValidation} on create, update and patch of a kind with a schema, through the server:
 * unknown fields are never stored; Strict refuses them and duplicates with kube's 400, Warn (the
 * default) answers {@code Warning: 299} headers, Ignore says nothing. YAML bodies too.
 */
class FieldValidationTest extends ServingTestBase {
    private static final String GADGETS = "/apis/things.example.com/v1/gadgets";

    @BeforeEach
    void gadgets() throws Exception {
        ObjectNode schema = (ObjectNode) Json.MAPPER.readTree(("{'type':'object','properties':{'apiVersion':{'type':'string'},"
                + "'kind':{'type':'string'},'metadata':{'allOf':[{'$ref':'#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}]},"
                + "'spec':{'type':'object','properties':{'size':{'type':'integer'}}}}}").replace('\'', '"'));
        serve(provider("things.example.com", "gadgets", "Gadget", schema));
    }

    private JsonNode get(String name) throws Exception {
        return Json.MAPPER.readTree(call("GET", GADGETS + "/" + name, null).text());
    }

    private static String message(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text()).path("message").asText();
    }

    @Test
    void strictRefusesUnknownAndDuplicateFieldsAndStoresNothing() throws Exception {
        FakeHttp.Response r = call("POST", GADGETS + "?fieldValidation=Strict",
                "{\"metadata\":{\"name\":\"g1\",\"name\":\"g1\",\"labelz\":{}},\"spec\":{\"size\":1,\"colour\":\"red\"}}");
        assertEquals(400, r.status, r.text());
        assertEquals("Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: duplicate field "
                + "\"metadata.name\", unknown field \"metadata.labelz\", unknown field \"spec.colour\"", message(r));
        assertEquals(404, call("GET", GADGETS + "/g1", null).status);
    }

    @Test
    void warnIsTheDefaultAndDropsTheUnknownFieldWithAWarning() throws Exception {
        FakeHttp.Response r = call("POST", GADGETS, "{\"metadata\":{\"name\":\"g1\"},\"spec\":{\"size\":1,\"colour\":\"red\"},\"extra\":1}");
        assertEquals(201, r.status, r.text());
        // the fake response keeps the last header of a name; both are sent
        assertEquals("299 - \"unknown field \\\"extra\\\"\"", r.headers.get("Warning"));
        assertNull(get("g1").at("/spec/colour").textValue(), "never stored");
        assertTrue(get("g1").path("extra").isMissingNode());
        assertEquals(1, get("g1").at("/spec/size").asInt());
    }

    @Test
    void ignoreDropsSilently() throws Exception {
        FakeHttp.Response r = call("POST", GADGETS + "?fieldValidation=Ignore", "{\"metadata\":{\"name\":\"g1\"},\"spec\":{\"colour\":\"red\"}}");
        assertEquals(201, r.status, r.text());
        assertNull(r.headers.get("Warning"));
        assertTrue(get("g1").at("/spec/colour").isMissingNode());
    }

    @Test
    void updatesAndPatchesAreCheckedOnTheirResult() throws Exception {
        assertEquals(201, call("POST", GADGETS, "{\"metadata\":{\"name\":\"g1\"},\"spec\":{\"size\":1}}").status);
        String rv = get("g1").at("/metadata/resourceVersion").asText();
        FakeHttp.Response put = call("PUT", GADGETS + "/g1?fieldValidation=Strict",
                "{\"metadata\":{\"name\":\"g1\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"size\":2,\"sise\":3}}");
        assertEquals(400, put.status, put.text());
        assertEquals("Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: unknown field \"spec.sise\"",
                message(put));
        FakeHttp.Response strict = call("PATCH", GADGETS + "/g1?fieldValidation=Strict", "application/merge-patch+json", "{\"spec\":{\"sise\":3}}");
        assertEquals(422, strict.status, strict.text());
        assertTrue(message(strict).startsWith(" \"\" is invalid: patch: Invalid value: \"{"), message(strict));
        assertTrue(message(strict).endsWith("}\": strict decoding error: unknown field \"spec.sise\""), message(strict));
        FakeHttp.Response warn = call("PATCH", GADGETS + "/g1", "application/merge-patch+json", "{\"spec\":{\"size\":5,\"sise\":3}}");
        assertEquals(200, warn.status, warn.text());
        assertEquals("299 - \"unknown field \\\"spec.sise\\\"\"", warn.headers.get("Warning"));
        assertEquals(Json.MAPPER.readTree("{\"size\":5}"), get("g1").get("spec"));
    }

    @Test
    void yamlBodiesAreDecodedAsKubeDecodesThem() throws Exception {
        FakeHttp.Response created = call("POST", GADGETS + "?fieldValidation=Strict", "application/yaml",
                "metadata:\n  name: g1\n  labels: &l {a: b}\n  annotations: *l\nspec:\n  size: 3\n");
        assertEquals(201, created.status, created.text());
        assertEquals("b", get("g1").at("/metadata/annotations/a").asText(), "the alias is expanded");
        FakeHttp.Response dup = call("POST", GADGETS + "?fieldValidation=Strict", "application/yaml",
                "metadata:\n  name: g2\nspec:\n  size: 3\n  size: 4\n");
        assertEquals(400, dup.status, dup.text());
        assertEquals("Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: error converting YAML "
                + "to JSON: yaml: unmarshal errors:\n  line 5: key \"size\" already set in map", message(dup));
        FakeHttp.Response bomb = call("POST", GADGETS, "application/yaml", "metadata:\n  name: g3\n  labels:\n"
                + "    a: &a [x,x,x,x,x,x,x,x,x]\n    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n");
        assertEquals(400, bomb.status, bomb.text());
        assertFalse(call("GET", GADGETS + "/g3", null).status == 200, "never stored");
    }

    /**
     * Every field of kube's ObjectMeta is omitempty: a create, an update or a patch that leaves an empty or null one
     * (kubectl's client-side apply sends {@code annotations: {}}) is stored and answered without it, and its managed
     * fields do not name it.
     */
    @Test
    void emptyAndNullMetadataFieldsAreLeftOutAsKubeLeavesThemOut() throws Exception {
        FakeHttp.Response created = call("POST", GADGETS, "{\"metadata\":{\"name\":\"g1\",\"annotations\":{},\"labels\":null,"
                + "\"finalizers\":[],\"generateName\":\"\",\"ownerReferences\":[]},\"spec\":{\"size\":1}}");
        assertEquals(201, created.status, created.text());
        JsonNode answer = Json.MAPPER.readTree(created.text()).path("metadata");
        for (String field : new String[] {"annotations", "labels", "finalizers", "generateName", "ownerReferences"}) {
            assertTrue(answer.path(field).isMissingNode(), field + " in the answer: " + answer);
            assertTrue(get("g1").path("metadata").path(field).isMissingNode(), field + " stored");
        }
        assertFalse(answer.toString().contains("f:annotations"), "managed fields name no empty annotations: " + answer);

        String rv = get("g1").at("/metadata/resourceVersion").asText();
        FakeHttp.Response put = call("PUT", GADGETS + "/g1", "{\"metadata\":{\"name\":\"g1\",\"resourceVersion\":\"" + rv
                + "\",\"labels\":{}},\"spec\":{\"size\":2}}");
        assertEquals(200, put.status, put.text());
        assertTrue(get("g1").at("/metadata/labels").isMissingNode());

        FakeHttp.Response patch = call("PATCH", GADGETS + "/g1", "application/merge-patch+json",
                "{\"metadata\":{\"annotations\":{\"a\":null}},\"spec\":{\"size\":3}}");
        assertEquals(200, patch.status, patch.text());
        assertTrue(get("g1").at("/metadata/annotations").isMissingNode(), get("g1").toString());
        FakeHttp.Response kept = call("PATCH", GADGETS + "/g1", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
        assertEquals(200, kept.status, kept.text());
        assertEquals("b", get("g1").at("/metadata/labels/a").asText(), "a field with content stays");
    }
}
