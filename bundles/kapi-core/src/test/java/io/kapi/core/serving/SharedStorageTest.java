package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.SharedStorage;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A resource whose objects are another group's resource's, as kube's events.k8s.io Events are core/v1
 * Events: one object, written through either, stored in the other's shape and key, served in each
 * shape (get, list, watch), with one resourceVersion and uid.
 */
class SharedStorageTest extends ServingTestBase {
    private static final String NOTES = "/api/v1/namespaces/default/notes";
    private static final String MEMOS = "/apis/memos.example.com/v1/namespaces/default/memos";

    /** core/v1 Note {message} is memos.example.com/v1 Memo {text}. */
    static final SharedStorage.Converter SHAPES = new SharedStorage.Converter() {
        @Override
        public ObjectNode toStored(ObjectNode served, String servedVersion) {
            if (served.has("text")) {
                served.set("message", served.remove("text"));
            }
            return served;
        }

        @Override
        public ObjectNode toServed(ObjectNode stored, String servedVersion) {
            if (stored.has("message")) {
                stored.set("text", stored.remove("message"));
            }
            return stored;
        }
    };

    private void serveBoth() {
        server.contributions().addProvider(c(group("", ResourceDefinition.builder("v1", "notes", "Note").namespaced(true).build()),
                0, "core", Map.of()));
        serve(group("memos.example.com", ResourceDefinition.builder("v1", "memos", "Memo").namespaced(true)
                .sharedStorage(new SharedStorage("", "notes", "v1", "Note", SHAPES)).build()));
        storage.create("/registry/namespaces/default", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}"
                .getBytes(StandardCharsets.UTF_8));
    }

    private static APIGroupProvider group(String name, ResourceDefinition def) {
        return provider(name, def);
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @Test
    void oneObjectInTwoShapes() throws Exception {
        serveBoth();
        FakeHttp.Response created = call("POST", MEMOS, "{\"apiVersion\":\"memos.example.com/v1\",\"kind\":\"Memo\","
                + "\"metadata\":{\"name\":\"m1\"},\"text\":\"hello\"}");
        assertEquals(201, created.status, created.text());
        assertEquals("hello", json(created).path("text").asText());
        KeyValue kv = storage.get("/registry/notes/default/m1");
        JsonNode raw = Json.MAPPER.readTree(new String(kv.value(), StandardCharsets.UTF_8));
        assertEquals("v1", raw.path("apiVersion").asText(), raw.toString());
        assertEquals("Note", raw.path("kind").asText());
        assertEquals("hello", raw.path("message").asText());
        assertTrue(storage.list("/registry/memos.example.com/", 0, null, 0).items().isEmpty(), "nothing under its own prefix");

        JsonNode note = json(call("GET", NOTES + "/m1", null));
        assertEquals("hello", note.path("message").asText());
        JsonNode memo = json(call("GET", MEMOS + "/m1", null));
        assertEquals("Memo", memo.path("kind").asText());
        assertEquals(note.at("/metadata/uid"), memo.at("/metadata/uid"));
        assertEquals(note.at("/metadata/resourceVersion"), memo.at("/metadata/resourceVersion"));
        // written through the other and listed through this one
        assertEquals(200, call("PATCH", NOTES + "/m1", "application/merge-patch+json", "{\"message\":\"changed\"}").status);
        JsonNode list = json(call("GET", MEMOS, null));
        assertEquals("changed", list.at("/items/0/text").asText(), list.toString());
        assertEquals("memos.example.com/v1", list.at("/items/0/apiVersion").asText());
        // discovery's storage version hash is the stored kind's for both
        JsonNode core = json(call("GET", "/api/v1", null));
        JsonNode memos = json(call("GET", "/apis/memos.example.com/v1", null));
        assertEquals(core.at("/resources/0/storageVersionHash"), memos.at("/resources/0/storageVersionHash"));
    }

    @Test
    void aWatchThroughOneSeesWritesThroughTheOther() throws Exception {
        serveBoth();
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = start("GET", MEMOS + "?watch=true&timeoutSeconds=600", "application/json", null, async);
        assertEquals(201, call("POST", NOTES, "{\"metadata\":{\"name\":\"n1\"},\"message\":\"hi\"}").status);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!watch.text().contains("\"n1\"") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        String line = watch.text().lines().filter(l -> l.contains("\"n1\"")).findFirst().orElseThrow(() -> new AssertionError(watch.text()));
        JsonNode event = Json.MAPPER.readTree(line);
        assertEquals("ADDED", event.path("type").asText());
        assertEquals("Memo", event.at("/object/kind").asText());
        assertEquals("hi", event.at("/object/text").asText(), line);
    }
}
