package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dryRun=All} on the status subresource and on server-side apply: each answers the object it
 * would store and leaves the store byte for byte as it was (keys, values, create and mod revisions,
 * current revision), as {@link DryRunTest} checks for the main verbs.
 */
class StatusDryRunTest extends ServingTestBase {
    private static final String GIZMOS = "/apis/things.example.com/v1/gizmos";
    private static final String MERGE = "application/merge-patch+json";
    private static final String APPLY = "application/apply-patch+yaml";

    @BeforeEach
    void gizmos() throws Exception {
        serve(provider("things.example.com", ResourceDefinition.builder("v1", "gizmos", "Gizmo").schema(SubresourcesTest.SCHEMA)
                .strategy(new SubresourcesTest.GizmoStrategy()).status(SubresourcesTest.STATUS).scale(ScaleSubresource.replicas()).build()));
        FakeHttp.Response r = call("POST", GIZMOS, """
                {"apiVersion":"things.example.com/v1","kind":"Gizmo","metadata":{"name":"g1"},"spec":{"replicas":2,"color":"red"}}""");
        assertEquals(201, r.status, r.text());
        assertEquals(200, call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"phase\":\"Running\"}}").status);
    }

    private String store() {
        StringBuilder b = new StringBuilder("revision ").append(storage.currentRevision()).append('\n');
        for (KeyValue kv : storage.list("/registry/", 0, null, 0).items()) {
            b.append(kv.key()).append(' ').append(kv.createRevision()).append(' ').append(kv.modRevision()).append(' ')
                    .append(new String(kv.value(), StandardCharsets.UTF_8)).append('\n');
        }
        return b.toString();
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @Test
    void putToStatusWithDryRunAnswersTheChangeAndWritesNothing() throws Exception {
        String before = store();
        ObjectNode body = (ObjectNode) json(call("GET", GIZMOS + "/g1/status", null));
        ((ObjectNode) body.path("status")).put("phase", "Stopped");
        ((ObjectNode) body.path("spec")).put("color", "blue");
        FakeHttp.Response put = call("PUT", GIZMOS + "/g1/status?dryRun=All", body.toString());
        assertEquals(200, put.status, put.text());
        assertEquals("Stopped", json(put).at("/status/phase").asText());
        assertEquals("red", json(put).at("/spec/color").asText(), "the would-be object: spec is not written through /status");
        assertEquals(before, store());
        assertEquals("Running", json(call("GET", GIZMOS + "/g1", null)).at("/status/phase").asText());
    }

    @Test
    void patchToStatusWithDryRunAnswersTheChangeAndWritesNothing() throws Exception {
        String before = store();
        FakeHttp.Response patch = call("PATCH", GIZMOS + "/g1/status?dryRun=All", MERGE, "{\"status\":{\"phase\":\"Stopped\",\"replicas\":3}}");
        assertEquals(200, patch.status, patch.text());
        assertEquals("Stopped", json(patch).at("/status/phase").asText());
        assertEquals(3, json(patch).at("/status/replicas").asInt());
        assertEquals(before, store());
        // validation still runs on a dry run, and still writes nothing
        FakeHttp.Response bad = call("PATCH", GIZMOS + "/g1/status?dryRun=All", MERGE, "{\"status\":{\"phase\":\"Bad\"}}");
        assertEquals(422, bad.status, bad.text());
        assertEquals(before, store());
    }

    @Test
    void serverSideApplyWithDryRunAnswersTheAppliedObjectAndWritesNothing() throws Exception {
        String before = store();
        FakeHttp.Response apply = call("PATCH", GIZMOS + "/g1?dryRun=All&fieldManager=tool&force=true", APPLY,
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"g1\"},\"spec\":{\"color\":\"green\"}}");
        assertEquals(200, apply.status, apply.text());
        JsonNode applied = json(apply);
        assertEquals("green", applied.at("/spec/color").asText());
        boolean managed = false;
        for (JsonNode entry : applied.at("/metadata/managedFields")) {
            managed |= entry.path("manager").asText().equals("tool") && entry.path("operation").asText().equals("Apply");
        }
        assertTrue(managed, "the answer carries the applier's managed fields: " + applied.at("/metadata/managedFields"));
        assertEquals(before, store());

        FakeHttp.Response create = call("PATCH", GIZMOS + "/g2?dryRun=All&fieldManager=tool", APPLY,
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"g2\"},\"spec\":{\"color\":\"green\"}}");
        assertEquals(201, create.status, create.text());
        assertEquals("g2", json(create).at("/metadata/name").asText());
        assertEquals(before, store());
        assertEquals(404, call("GET", GIZMOS + "/g2", null).status);

        FakeHttp.Response status = call("PATCH", GIZMOS + "/g1/status?dryRun=All&fieldManager=tool&force=true", APPLY,
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"g1\"},\"status\":{\"phase\":\"Stopped\"}}");
        assertEquals(200, status.status, status.text());
        assertEquals("Stopped", json(status).at("/status/phase").asText());
        assertEquals(before, store());
    }
}
