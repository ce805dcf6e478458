package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dryRun=All} on every verb, through the whole server: the answer is what would be stored, and
 * the store is left byte for byte as it was, same revision. A dry-run value kube does not know is
 * refused before anything runs. kubectl sends a delete's dryRun in the DeleteOptions body, not the query.
 */
class DryRunTest extends ServingTestBase {
    private static final String WIDGETS = "/apis/things.example.com/v1/widgets";
    private static final String MERGE = "application/merge-patch+json";

    @BeforeEach
    void widgets() throws Exception {
        serveWidgets();
        assertEquals(201, call("POST", WIDGETS, "{\"metadata\":{\"name\":\"w1\",\"labels\":{\"a\":\"1\"}}}").status);
        assertEquals(201, call("POST", WIDGETS, "{\"metadata\":{\"name\":\"w2\",\"labels\":{\"a\":\"1\"}}}").status);
        assertEquals(201, call("POST", WIDGETS, "{\"metadata\":{\"name\":\"kept\",\"finalizers\":[\"example.com/keep\"]}}").status);
    }

    /** The store's revision and every key with its value and revisions. */
    private String store() {
        StringBuilder b = new StringBuilder("revision ").append(storage.currentRevision()).append('\n');
        for (KeyValue kv : storage.list("/registry/", 0, null, 0).items()) {
            b.append(kv.key()).append(' ').append(kv.createRevision()).append(' ').append(kv.modRevision()).append(' ')
                    .append(new String(kv.value(), StandardCharsets.UTF_8)).append('\n');
        }
        return b.toString();
    }

    private JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @Test
    void createAnswersTheObjectAndWritesNothing() throws Exception {
        String before = store();
        FakeHttp.Response r = call("POST", WIDGETS + "?dryRun=All", "{\"metadata\":{\"name\":\"w9\"}}");
        assertEquals(201, r.status, r.text());
        JsonNode obj = json(r);
        assertEquals("w9", obj.at("/metadata/name").asText());
        assertFalse(obj.at("/metadata/uid").asText().isEmpty(), "defaulted as for a real create");
        assertTrue(obj.at("/metadata/resourceVersion").isMissingNode(), "never stored, so no resourceVersion");
        assertEquals(before, store());
        assertEquals(404, call("GET", WIDGETS + "/w9", null).status);
    }

    @Test
    void updateAndPatchAnswerTheChangeAndWriteNothing() throws Exception {
        String before = store();
        String rv = json(call("GET", WIDGETS + "/w1", null)).at("/metadata/resourceVersion").asText();
        FakeHttp.Response put = call("PUT", WIDGETS + "/w1?dryRun=All",
                "{\"metadata\":{\"name\":\"w1\",\"resourceVersion\":\"" + rv + "\",\"labels\":{\"a\":\"2\"}}}");
        assertEquals(200, put.status, put.text());
        assertEquals("2", json(put).at("/metadata/labels/a").asText());
        FakeHttp.Response patch = call("PATCH", WIDGETS + "/w1?dryRun=All", MERGE, "{\"metadata\":{\"labels\":{\"a\":\"3\"}}}");
        assertEquals(200, patch.status, patch.text());
        assertEquals("3", json(patch).at("/metadata/labels/a").asText());
        assertEquals(before, store());
    }

    @Test
    void deleteWithDryRunInTheBodyAsKubectlSendsIt() throws Exception {
        String before = store();
        FakeHttp.Response r = call("DELETE", WIDGETS + "/w1", "{\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}");
        assertEquals(200, r.status, r.text());
        assertEquals(before, store());
        assertEquals(200, call("GET", WIDGETS + "/w1", null).status);
        // an object with finalizers is only marked for deletion: the mark is answered, not written
        FakeHttp.Response marked = call("DELETE", WIDGETS + "/kept", "{\"dryRun\":[\"All\"]}");
        assertEquals(200, marked.status, marked.text());
        assertFalse(json(marked).at("/metadata/deletionTimestamp").asText().isEmpty());
        assertEquals(before, store());
    }

    @Test
    void deleteWithDryRunInTheQuery() throws Exception {
        String before = store();
        assertEquals(200, call("DELETE", WIDGETS + "/w1?dryRun=All", null).status);
        assertEquals(before, store());
    }

    @Test
    void deleteCollectionWithDryRunInTheBodyOrTheQuery() throws Exception {
        String before = store();
        FakeHttp.Response body = call("DELETE", WIDGETS + "?labelSelector=a%3D1", "{\"dryRun\":[\"All\"]}");
        assertEquals(200, body.status, body.text());
        List<String> names = new ArrayList<>();
        json(body).path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
        assertEquals(List.of("w1", "w2"), names, "answers what would be deleted");
        FakeHttp.Response query = call("DELETE", WIDGETS + "?dryRun=All", null);
        assertEquals(200, query.status, query.text());
        assertEquals(3, json(query).path("items").size());
        assertEquals(before, store());
    }

    @Test
    void aDeleteBodyOverridesTheQueryAsInKube() throws Exception {
        // kube reads DeleteOptions from the body when there is one and then ignores the query's
        String before = store();
        assertEquals(200, call("DELETE", WIDGETS + "/w1?dryRun=Bogus", "{\"dryRun\":[\"All\"]}").status);
        assertEquals(before, store());
    }

    @Test
    void unknownDryRunValuesAreRefusedBeforeAnythingRuns() throws Exception {
        String before = store();
        FakeHttp.Response create = call("POST", WIDGETS + "?dryRun=Some", "{\"metadata\":{\"name\":\"w9\"}}");
        assertEquals(422, create.status, create.text());
        assertEquals("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: supported values: \"All\"",
                json(create).path("message").asText());
        FakeHttp.Response repeated = call("PATCH", WIDGETS + "/w1?dryRun=All&dryRun=x", MERGE, "{}");
        assertEquals(422, repeated.status, repeated.text());
        assertEquals("PatchOptions.meta.k8s.io \"w1\" is invalid: dryRun: Unsupported value: []string{\"All\", \"x\"}: supported values: \"All\"",
                json(repeated).path("message").asText());
        FakeHttp.Response delete = call("DELETE", WIDGETS + "/w1", "{\"dryRun\":[\"all\"]}");
        assertEquals(422, delete.status, delete.text());
        assertEquals("DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"all\"}: supported values: \"All\"",
                json(delete).path("message").asText());
        FakeHttp.Response collection = call("DELETE", WIDGETS + "?dryRun=true", null);
        assertEquals(422, collection.status, collection.text());
        assertEquals(before, store());
    }

    @Test
    void deleteOptionsAreValidatedAsKubeDoes() throws Exception {
        String before = store();
        FakeHttp.Response both = call("DELETE", WIDGETS + "/w1", "{\"orphanDependents\":true,\"propagationPolicy\":\"Orphan\"}");
        assertEquals(422, both.status);
        assertEquals("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Orphan\": "
                + "orphanDependents and deletionPropagation cannot be both set", json(both).path("message").asText());
        FakeHttp.Response policy = call("DELETE", WIDGETS + "/w1?propagationPolicy=Later", null);
        assertEquals(422, policy.status);
        assertEquals("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Later\": "
                + "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", json(policy).path("message").asText());
        FakeHttp.Response type = call("DELETE", WIDGETS + "/w1", "{\"dryRun\":\"All\"}");
        assertEquals(400, type.status, type.text());
        assertEquals("json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string",
                json(type).path("message").asText());
        FakeHttp.Response kind = call("DELETE", WIDGETS + "/w1", "{\"kind\":\"Widget\"}");
        assertEquals(400, kind.status, kind.text());
        FakeHttp.Response grace = call("DELETE", WIDGETS + "/w1?gracePeriodSeconds=soon", null);
        assertEquals(400, grace.status);
        assertEquals("strconv.ParseInt: parsing \"soon\": invalid syntax", json(grace).path("message").asText());
        assertEquals(before, store());
    }

    @Test
    void patchOptionsAreValidatedAsKubeDoes() throws Exception {
        String before = store();
        FakeHttp.Response force = call("PATCH", WIDGETS + "/w1?force=true", MERGE, "{}");
        assertEquals(422, force.status, force.text());
        assertEquals("PatchOptions.meta.k8s.io \"w1\" is invalid: force: Forbidden: may not be specified for non-apply patch",
                json(force).path("message").asText());
        FakeHttp.Response manager = call("PUT", WIDGETS + "/w1?fieldManager=" + "m".repeat(129), "{\"metadata\":{\"name\":\"w1\"}}");
        assertEquals(422, manager.status, manager.text());
        assertEquals("UpdateOptions.meta.k8s.io \"w1\" is invalid: fieldManager: Too long: may not be more than 128 bytes",
                json(manager).path("message").asText());
        FakeHttp.Response control = call("POST", WIDGETS + "?fieldManager=a%09b", "{\"metadata\":{\"name\":\"w9\"}}");
        assertEquals(422, control.status, control.text());
        assertEquals("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Invalid value: \"a\\tb\": "
                + "invalid character U+0009 (at position 1)", json(control).path("message").asText());
        FakeHttp.Response validation = call("POST", WIDGETS + "?fieldValidation=strict", "{\"metadata\":{\"name\":\"w9\"}}");
        assertEquals(422, validation.status, validation.text());
        assertEquals(before, store());
    }
}
