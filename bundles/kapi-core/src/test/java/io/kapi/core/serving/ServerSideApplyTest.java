package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.core.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server-side apply through the server: create by apply, the options kube requires, conflicts, dry run, the 415. */
class ServerSideApplyTest extends ServingTestBase {
    private static final String CMS = "/api/v1/configmaps";
    private static final String APPLY = "application/apply-patch+yaml";

    @BeforeEach
    void configmaps() {
        serve(provider("", "configmaps", "ConfigMap"));
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @Test
    void applyCreatesThenConflictsAndForceTakesTheField() throws Exception {
        FakeHttp.Response created = call("PATCH", CMS + "/c?fieldManager=one", APPLY, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: '1'\n");
        assertEquals(201, created.status, created.text());
        assertEquals("one", json(created).at("/metadata/managedFields/0/manager").asText());
        assertEquals("Apply", json(created).at("/metadata/managedFields/0/operation").asText());
        FakeHttp.Response conflict = call("PATCH", CMS + "/c?fieldManager=two", APPLY, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: '2'\n");
        assertEquals(409, conflict.status, conflict.text());
        assertEquals("Apply failed with 1 conflict: conflict with \"one\": .data.a", json(conflict).path("message").asText());
        assertEquals("FieldManagerConflict", json(conflict).at("/details/causes/0/reason").asText());
        FakeHttp.Response dry = call("PATCH", CMS + "/c?fieldManager=two&force=true&dryRun=All", APPLY,
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: '2'\n");
        assertEquals(200, dry.status, dry.text());
        assertEquals("1", json(call("GET", CMS + "/c", null)).at("/data/a").asText(), "a dry run writes nothing");
        FakeHttp.Response forced = call("PATCH", CMS + "/c?fieldManager=two&force=true", APPLY, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"2\"}}");
        assertEquals(200, forced.status, forced.text());
        assertEquals("2", json(forced).at("/data/a").asText());
    }

    @Test
    void applyNeedsAFieldManagerAndTheKind() throws Exception {
        FakeHttp.Response noManager = call("PATCH", CMS + "/c", APPLY, "apiVersion: v1\nkind: ConfigMap\n");
        assertEquals(422, noManager.status);
        assertEquals("PatchOptions.meta.k8s.io \"c\" is invalid: fieldManager: Required value: is required for apply patch",
                json(noManager).path("message").asText());
        FakeHttp.Response noKind = call("PATCH", CMS + "/c?fieldManager=m", APPLY, "data:\n  a: '1'\n");
        assertEquals(400, noKind.status);
        assertEquals("invalid object type: /, Kind=", json(noKind).path("message").asText());
        FakeHttp.Response other = call("PATCH", CMS + "/c?fieldManager=m", "application/xml", "<x/>");
        assertEquals(415, other.status);
        assertTrue(json(other).path("message").asText().endsWith("application/strategic-merge-patch+json, application/apply-patch+yaml"));
    }

    @Test
    void writesThatAreNotAppliesRecordTheirManager() throws Exception {
        FakeHttp.Response created = call("POST", CMS + "?fieldManager=maker", "{\"metadata\":{\"name\":\"u\"},\"data\":{\"a\":\"1\"}}");
        assertEquals(Json.MAPPER.readTree("{\"f:data\":{\".\":{},\"f:a\":{}}}"), json(created).at("/metadata/managedFields/0/fieldsV1"));
        FakeHttp.Response patched = call("PATCH", CMS + "/u", "application/merge-patch+json", "{\"data\":{\"b\":\"2\"}}");
        JsonNode entries = json(patched).at("/metadata/managedFields");
        assertEquals(2, entries.size(), entries.toString());
        // no fieldManager and no User-Agent: the manager has no name, as in kube; each owns what it wrote
        for (JsonNode e : entries) {
            String owns = e.path("fieldsV1").path("f:data").has("f:b") ? "b" : "a";
            assertEquals(e.path("manager").asText().equals("maker") ? "a" : "b", owns, entries.toString());
        }
    }
}
