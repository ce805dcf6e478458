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
    void configmaps() throws Exception {
        serve(provider("", "configmaps", "ConfigMap", (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
                ("{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
                        + "'metadata':{'allOf':[{'$ref':'#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}]},"
                        + "'data':{'type':'object','additionalProperties':{'type':'string'}}}}").replace('\'', '"'))));
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
        // kube 1.32 lists apply-patch+cbor only with its alpha CBORServingAndStorage gate on (off by default)
        FakeHttp.Response cbor = call("PATCH", CMS + "/c?fieldManager=m", "application/apply-patch+cbor", "\u00a0");
        assertEquals(415, cbor.status);
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

    @Test
    void anApplyIsTypedAndOwnsNoManagedFieldsOfItsOwn() throws Exception {
        FakeHttp.Response unknown = call("PATCH", CMS + "/c?fieldManager=m&fieldValidation=Ignore", APPLY,
                "apiVersion: v1\nkind: ConfigMap\nextra: 1\n");
        assertEquals(400, unknown.status);
        assertEquals("failed to create typed patch object (c; /v1, Kind=ConfigMap): .extra: field not declared in schema",
                json(unknown).path("message").asText());
        FakeHttp.Response managed = call("PATCH", CMS + "/c?fieldManager=m", APPLY,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  managedFields: []\n");
        assertEquals(400, managed.status);
        assertEquals("metadata.managedFields must be nil", json(managed).path("message").asText());
        assertEquals(404, call("GET", CMS + "/c", null).status, "nothing created");
    }

    @Test
    void badManagedFieldsAndBodiesOfPatchTypesAreRefused() throws Exception {
        FakeHttp.Response op = call("POST", CMS, "{\"metadata\":{\"name\":\"m\",\"managedFields\":[{\"manager\":\"x\","
                + "\"operation\":\"Bogus\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{}}}]}}");
        assertEquals(422, op.status, op.text());
        assertTrue(json(op).path("message").asText().contains("metadata.managedFields[0].operation: Invalid value: \"Bogus\": "
                + "must be `Apply` or `Update`"), op.text());
        // an entry of a version the resource is not served in is dropped before anything looks at it, as kube's
        // field manager drops the entries of a version it cannot convert to (structured-merge-diff's missing version)
        FakeHttp.Response unserved = call("POST", CMS, "{\"metadata\":{\"name\":\"n\",\"managedFields\":[{\"manager\":\"x\","
                + "\"operation\":\"Bogus\",\"apiVersion\":\"v9\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{}}}]}}");
        assertEquals(201, unserved.status, unserved.text());
        assertTrue(json(unserved).at("/metadata/managedFields").toString().indexOf("v9") < 0, unserved.text());
        FakeHttp.Response mergeBody = call("POST", CMS, "application/merge-patch+json", "{\"metadata\":{\"name\":\"m\"}}");
        assertEquals(415, mergeBody.status);
    }
}
