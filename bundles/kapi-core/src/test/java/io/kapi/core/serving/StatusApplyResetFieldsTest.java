package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply through {@code /status} of a kind whose status strategy states its reset fields, as
 * kube applies: the whole configuration is merged, the reset fields are nobody's and conflict with
 * nobody, and the status strategy then resets them on the merged object. Metadata it does not reset
 * (annotations here) is stored and owned by the applier under subresource {@code status}.
 */
class StatusApplyResetFieldsTest extends ServingTestBase {
    private static final String GIZMOS = "/apis/things.example.com/v1/gizmos";
    private static final String APPLY = "application/apply-patch+yaml";
    private static final String MERGE = "application/merge-patch+json";

    /** kube's built-in rule: the stored spec and labels stay; spec and metadata.labels are the reset fields. */
    static final class KeepSpecAndLabels implements StatusStrategy, ResetFields {
        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            StatusStrategy.keepStoredSpec(object, old);
            ObjectNode m = (ObjectNode) object.get("metadata");
            if (old.path("metadata").has("labels")) {
                m.set("labels", old.path("metadata").get("labels").deepCopy());
            } else {
                m.remove("labels");
            }
        }

        @Override
        public List<List<String>> resetFields() {
            return List.of(List.of("spec"), List.of("metadata", "labels"));
        }
    }

    @BeforeEach
    void gizmos() throws Exception {
        serve(provider("things.example.com", ResourceDefinition.builder("v1", "gizmos", "Gizmo").schema(SubresourcesTest.SCHEMA)
                .strategy(new SubresourcesTest.GizmoStrategy()).status(new KeepSpecAndLabels()).build()));
        FakeHttp.Response r = call("PATCH", GIZMOS + "/g1?fieldManager=owner", APPLY, """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, labels: {app: g}}
                spec: {replicas: 2, color: red}
                """);
        assertEquals(201, r.status, r.text());
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    private static JsonNode entry(JsonNode obj, String manager, String subresource) {
        for (JsonNode e : obj.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("subresource").asText().equals(subresource)) {
                return e;
            }
        }
        throw new AssertionError("no entry of " + manager + "/" + subresource + " in " + obj.at("/metadata/managedFields"));
    }

    private FakeHttp.Response applyStatus(String manager, String body) throws Exception {
        return call("PATCH", GIZMOS + "/g1/status?fieldManager=" + manager, APPLY, body);
    }

    @Test
    void anApplyThroughStatusSetsAndOwnsAnnotationsButNotTheResetFields() throws Exception {
        FakeHttp.Response r = applyStatus("controller", """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, annotations: {note: seen}, labels: {app: other, extra: x}}
                spec: {color: purple}
                status: {phase: Applied}
                """);
        assertEquals(200, r.status, "no conflict with the spec's and the labels' owner: " + r.text());
        JsonNode stored = json(call("GET", GIZMOS + "/g1", null));
        assertEquals(json(r), stored);
        assertEquals("seen", stored.at("/metadata/annotations/note").asText(), stored.toString());
        assertEquals("{\"app\":\"g\"}", stored.at("/metadata/labels").toString(), "labels are reset");
        assertEquals("red", stored.at("/spec/color").asText(), "spec is reset");
        assertEquals("Applied", stored.at("/status/phase").asText());
        assertEquals(1, stored.at("/metadata/generation").asInt());

        JsonNode mine = entry(stored, "controller", "status");
        assertEquals("Apply", mine.path("operation").asText());
        assertTrue(mine.at("/fieldsV1/f:metadata/f:annotations/f:note").isObject(), mine.toString());
        assertTrue(mine.at("/fieldsV1/f:status/f:phase").isObject(), mine.toString());
        assertTrue(mine.at("/fieldsV1/f:spec").isMissingNode(), "the spec is nobody's through /status: " + mine);
        assertTrue(mine.at("/fieldsV1/f:metadata/f:labels").isMissingNode(), "nor the labels: " + mine);
        JsonNode owner = entry(stored, "owner", "");
        assertTrue(owner.at("/fieldsV1/f:spec/f:color").isObject(), "the spec's owner keeps it: " + owner);
        assertTrue(owner.at("/fieldsV1/f:metadata/f:labels/f:app").isObject(), owner.toString());
    }

    @Test
    void aSecondApplierConflictsOnlyOverStatusAndOwnedMetadata() throws Exception {
        assertEquals(200, applyStatus("controller", """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, annotations: {note: seen}}
                status: {phase: Applied}
                """).status);
        FakeHttp.Response conflict = applyStatus("rival", """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, labels: {app: mine}}
                spec: {color: green}
                status: {phase: Rival}
                """);
        assertEquals(409, conflict.status, conflict.text());
        assertEquals("Apply failed with 1 conflict: conflict with \"controller\" with subresource \"status\": .status.phase",
                json(conflict).path("message").asText());

        FakeHttp.Response sameValues = applyStatus("rival", """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, annotations: {note: seen}}
                spec: {color: green}
                status: {phase: Applied, replicas: 3}
                """);
        assertEquals(200, sameValues.status, "equal values are shared, the spec conflicts with nobody: " + sameValues.text());
        JsonNode stored = json(sameValues);
        assertEquals(3, stored.at("/status/replicas").asInt());
        assertEquals("red", stored.at("/spec/color").asText());
        JsonNode rival = entry(stored, "rival", "status");
        assertTrue(rival.at("/fieldsV1/f:status/f:phase").isObject(), rival.toString());
        assertTrue(rival.at("/fieldsV1/f:metadata/f:annotations/f:note").isObject(), rival.toString());
        assertTrue(entry(stored, "controller", "status").at("/fieldsV1/f:status/f:phase").isObject());
    }

    @Test
    void theApplierDropsAnAnnotationItNoLongerApplies() throws Exception {
        applyStatus("controller", "apiVersion: things.example.com/v1\nkind: Gizmo\nmetadata: {name: g1, annotations: {note: seen}}\n");
        FakeHttp.Response again = applyStatus("controller", "apiVersion: things.example.com/v1\nkind: Gizmo\nmetadata: {name: g1}\n"
                + "status: {phase: Done}\n");
        assertEquals(200, again.status, again.text());
        JsonNode stored = json(again);
        assertTrue(stored.at("/metadata/annotations/note").isMissingNode(), stored.toString());
        assertEquals("Done", stored.at("/status/phase").asText());
    }

    @Test
    void dryRunAndAMissingObjectAreAsBefore() throws Exception {
        String before = store();
        FakeHttp.Response dry = call("PATCH", GIZMOS + "/g1/status?fieldManager=controller&dryRun=All", APPLY, """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, annotations: {note: seen}}
                spec: {color: purple}
                status: {phase: Applied}
                """);
        assertEquals(200, dry.status, dry.text());
        assertEquals("seen", json(dry).at("/metadata/annotations/note").asText());
        assertEquals("red", json(dry).at("/spec/color").asText());
        assertEquals(before, store());

        FakeHttp.Response missing = call("PATCH", GIZMOS + "/nope/status?fieldManager=controller", APPLY,
                "apiVersion: things.example.com/v1\nkind: Gizmo\nmetadata: {name: nope, annotations: {a: b}}\nstatus: {phase: X}\n");
        assertEquals(404, missing.status, missing.text());
        assertEquals("gizmos.things.example.com \"nope\" not found", json(missing).path("message").asText());
    }

    @Test
    void theResourceItselfMergesButNeitherStoresNorOwnsTheStatus() throws Exception {
        assertEquals(200, call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"phase\":\"Running\"}}").status);
        FakeHttp.Response r = call("PATCH", GIZMOS + "/g1?fieldManager=owner", APPLY, """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1, labels: {app: g}}
                spec: {replicas: 2, color: blue}
                status: {phase: Hijacked}
                """);
        assertEquals(200, r.status, "no conflict with the status' writer: " + r.text());
        JsonNode stored = json(r);
        assertEquals("blue", stored.at("/spec/color").asText());
        assertEquals("Running", stored.at("/status/phase").asText());
        assertFalse(entry(stored, "owner", "").at("/fieldsV1/f:status").isObject(), stored.toString());
    }

    /** kube's CRD status strategy: the stored spec stays, metadata goes through, both are reset fields. */
    static final class KeepSpecMetadataUnowned implements StatusStrategy, ResetFields {
        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            StatusStrategy.keepStoredSpec(object, old);
        }

        @Override
        public List<List<String>> resetFields() {
            return List.of(List.of("metadata"), List.of("spec"));
        }
    }

    @Test
    void resetFieldsTheStrategyLetsThroughAreStoredButOwnedByNobody() throws Exception {
        String sprockets = "/apis/things.example.com/v1/sprockets";
        serve(provider("things.example.com", ResourceDefinition.builder("v1", "sprockets", "Sprocket").schema(SubresourcesTest.SCHEMA)
                .strategy(new SubresourcesTest.GizmoStrategy()).status(new KeepSpecMetadataUnowned()).build()));
        assertEquals(201, call("POST", sprockets, """
                {"apiVersion":"things.example.com/v1","kind":"Sprocket","metadata":{"name":"s1"},"spec":{"color":"red"}}""").status);
        FakeHttp.Response applied = call("PATCH", sprockets + "/s1/status?fieldManager=controller", APPLY, """
                apiVersion: things.example.com/v1
                kind: Sprocket
                metadata: {name: s1, labels: {by: apply}}
                status: {phase: Applied}
                """);
        assertEquals(200, applied.status, applied.text());
        assertEquals("apply", json(applied).at("/metadata/labels/by").asText());
        JsonNode mine = entry(json(applied), "controller", "status");
        assertTrue(mine.at("/fieldsV1/f:metadata").isMissingNode(), mine.toString());
        assertTrue(mine.at("/fieldsV1/f:status/f:phase").isObject(), mine.toString());

        FakeHttp.Response patched = call("PATCH", sprockets + "/s1/status?fieldManager=writer", MERGE,
                "{\"metadata\":{\"annotations\":{\"by\":\"patch\"}},\"status\":{\"replicas\":4}}");
        assertEquals(200, patched.status, patched.text());
        assertEquals("patch", json(patched).at("/metadata/annotations/by").asText());
        JsonNode writer = entry(json(patched), "writer", "status");
        assertEquals("Update", writer.path("operation").asText());
        assertTrue(writer.at("/fieldsV1/f:metadata").isMissingNode(), writer.toString());
        assertTrue(writer.at("/fieldsV1/f:status/f:replicas").isObject(), writer.toString());
    }

    private String store() {
        StringBuilder b = new StringBuilder("revision ").append(storage.currentRevision()).append('\n');
        for (KeyValue kv : storage.list("/registry/", 0, null, 0).items()) {
            b.append(kv.key()).append(' ').append(kv.modRevision()).append(' ')
                    .append(new String(kv.value(), StandardCharsets.UTF_8)).append('\n');
        }
        return b.toString();
    }
}
