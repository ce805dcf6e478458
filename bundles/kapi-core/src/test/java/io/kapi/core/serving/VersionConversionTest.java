package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.VersionConverter;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A group serving one resource in two versions: objects are stored in the storage version and
 * converted on every way out (get, list, watch, write answers) and in (create, update, patch), as kube's
 * storage codec converts; without a converter only apiVersion changes (kube's None strategy).
 */
class VersionConversionTest extends ServingTestBase {
    private static final String V1 = "/apis/convert.example.com/v1/gadgets";
    private static final String V2 = "/apis/convert.example.com/v2/gadgets";
    private static final String KEY = "/registry/convert.example.com/gadgets/";

    /** v1 has spec.size; v2 moved it to spec.dimensions.size. */
    static final VersionConverter SIZES = (object, toVersion) -> {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (toVersion.equals("v2") && spec.has("size")) {
            spec.putObject("dimensions").set("size", spec.remove("size"));
        } else if (toVersion.equals("v1") && spec.has("dimensions")) {
            spec.set("size", spec.remove("dimensions").get("size"));
        }
        object.put("apiVersion", "convert.example.com/" + toVersion);
        return object;
    };

    static APIGroupProvider gadgets(VersionConverter converter, String storageVersion) {
        return new APIGroupProvider() {
            @Override
            public String group() {
                return "convert.example.com";
            }

            @Override
            public List<String> versions() {
                return List.of("v2", "v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                List<ResourceDefinition> out = new ArrayList<>();
                for (String v : versions()) {
                    out.add(ResourceDefinition.builder(v, "gadgets", "Gadget").storageVersion(storageVersion)
                            .converter(converter).build());
                }
                return out;
            }
        };
    }

    private JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    private JsonNode stored(String name) throws Exception {
        KeyValue kv = storage.get(KEY + name);
        return Json.MAPPER.readTree(new String(kv.value(), StandardCharsets.UTF_8));
    }

    @Test
    void objectsAreStoredInTheStorageVersionAndServedInEach() throws Exception {
        serve(gadgets(SIZES, "v1"));
        FakeHttp.Response created = call("POST", V2, """
                {"apiVersion":"convert.example.com/v2","kind":"Gadget","metadata":{"name":"a"},"spec":{"dimensions":{"size":3}}}""");
        assertEquals(201, created.status, created.text());
        assertEquals(3, json(created).at("/spec/dimensions/size").asInt(), "answered in the request's version");
        assertEquals("convert.example.com/v2", json(created).path("apiVersion").asText());
        JsonNode raw = stored("a");
        assertEquals("convert.example.com/v1", raw.path("apiVersion").asText());
        assertEquals(3, raw.at("/spec/size").asInt(), "stored in v1's shape: " + raw);

        JsonNode v1 = json(call("GET", V1 + "/a", null));
        assertEquals("convert.example.com/v1", v1.path("apiVersion").asText());
        assertEquals(3, v1.at("/spec/size").asInt());
        JsonNode v2 = json(call("GET", V2 + "/a", null));
        assertEquals(3, v2.at("/spec/dimensions/size").asInt());
        assertEquals(v1.at("/metadata"), v2.at("/metadata"), "one object: same uid, resourceVersion, ...");

        // a list in a version that is not the storage version converts every item
        JsonNode list = json(call("GET", V2, null));
        assertEquals("convert.example.com/v2", list.at("/items/0/apiVersion").asText());
        assertEquals(3, list.at("/items/0/spec/dimensions/size").asInt(), list.toString());
        assertEquals(3, json(call("GET", V1, null)).at("/items/0/spec/size").asInt());

        // a patch in v2 is applied to the v2 form and stored as v1
        FakeHttp.Response patched = call("PATCH", V2 + "/a", "application/merge-patch+json", "{\"spec\":{\"dimensions\":{\"size\":4}}}");
        assertEquals(200, patched.status, patched.text());
        assertEquals(4, json(patched).at("/spec/dimensions/size").asInt());
        assertEquals(4, stored("a").at("/spec/size").asInt());
        assertTrue(stored("a").at("/spec/dimensions").isMissingNode());
    }

    @Test
    void aWatchInAnotherVersionGetsConvertedEvents() throws Exception {
        serve(gadgets(SIZES, "v1"));
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = start("GET", V2 + "?watch=true&timeoutSeconds=600", "application/json", null, async);
        assertEquals(201, call("POST", V1, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"size\":7}}").status);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!watch.text().contains("\"b\"") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        String line = watch.text().lines().filter(l -> l.contains("\"b\"")).findFirst().orElseThrow(() -> new AssertionError(watch.text()));
        JsonNode event = Json.MAPPER.readTree(line);
        assertEquals("ADDED", event.path("type").asText());
        assertEquals("convert.example.com/v2", event.at("/object/apiVersion").asText());
        assertEquals(7, event.at("/object/spec/dimensions/size").asInt(), line);
    }

    @Test
    void withoutAConverterOnlyTheApiVersionChanges() throws Exception {
        serve(gadgets(null, null)); // storage version: the preferred one, v2
        assertEquals(201, call("POST", V1, "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"size\":1}}").status);
        assertEquals("convert.example.com/v2", stored("c").path("apiVersion").asText());
        JsonNode v2 = json(call("GET", V2 + "/c", null));
        assertEquals("convert.example.com/v2", v2.path("apiVersion").asText());
        assertEquals(1, v2.at("/spec/size").asInt(), "fields as they are");
        assertEquals("convert.example.com/v1", json(call("GET", V1 + "/c", null)).path("apiVersion").asText());
    }

    @Test
    void anObjectStoredInAnOlderStorageVersionIsConvertedFromIt() throws Exception {
        serve(gadgets(SIZES, "v1"));
        // written while v2 was the storage version
        storage.create(KEY + "old", """
                {"apiVersion":"convert.example.com/v2","kind":"Gadget","metadata":{"name":"old","uid":"u-1",
                 "creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{"dimensions":{"size":9}}}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(9, json(call("GET", V1 + "/old", null)).at("/spec/size").asInt());
        JsonNode list = json(call("GET", V1, null));
        assertEquals(9, list.at("/items/0/spec/size").asInt(), "the list's fast path does not copy it as stored: " + list);
        assertEquals(9, json(call("GET", V2 + "/old", null)).at("/spec/dimensions/size").asInt());
        // the next write stores it in the storage version
        assertEquals(200, call("PATCH", V2 + "/old", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}").status);
        assertEquals("convert.example.com/v1", stored("old").path("apiVersion").asText());
        assertEquals("u-1", stored("old").at("/metadata/uid").asText());
    }

    @Test
    void aFailingConverterIsAnInternalErrorAndWritesNothing() throws Exception {
        serve(gadgets((object, toVersion) -> {
            throw new IllegalStateException("no way to " + toVersion);
        }, "v1"));
        FakeHttp.Response r = call("POST", V2, "{\"metadata\":{\"name\":\"d\"},\"spec\":{}}");
        assertEquals(500, r.status, r.text());
        assertTrue(json(r).path("message").asText().contains("conversion of gadgets \"d\" from convert.example.com/v2 to convert.example.com/v1 failed"),
                r.text());
        assertEquals(null, storage.get(KEY + "d"));
        // an object in the storage version needs no conversion, so the broken converter is not called
        storage.create(KEY + "e", "{\"apiVersion\":\"convert.example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"e\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, call("GET", V1 + "/e", null).status, "no conversion needed in the storage version");
    }

    @Test
    void aConverterCannotRenameTheObject() throws Exception {
        serve(gadgets((object, toVersion) -> {
            Json.metadata(object).put("name", "renamed");
            object.put("apiVersion", "convert.example.com/" + toVersion);
            return object;
        }, "v1"));
        assertEquals(201, call("POST", V1, "{\"metadata\":{\"name\":\"f\"}}").status);
        assertEquals("f", json(call("GET", V2 + "/f", null)).at("/metadata/name").asText());
    }

    /** Every served version names the storage version in discovery, as kube's storageVersionHash does. */
    @Test
    void discoveryHashesTheStorageVersionInEveryVersion() throws Exception {
        Contribution<APIGroupProvider> first = serve(gadgets(SIZES, "v1"));
        String v1 = hash(json(call("GET", "/apis/convert.example.com/v1", null)));
        String v2 = hash(json(call("GET", "/apis/convert.example.com/v2", null)));
        byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                .digest("convert.example.com/v1/Gadget".getBytes(StandardCharsets.UTF_8));
        String expected = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, 8));
        assertEquals(expected, v1);
        assertEquals(expected, v2);
        server.contributions().removeProvider(first.serviceId());
        server.contributions().addProvider(c(gadgets(SIZES, "v2"), 0, "b2", java.util.Map.of()));
        server.rebuild();
        assertTrue(!expected.equals(hash(json(call("GET", "/apis/convert.example.com/v1", null)))),
                "a new storage version changes the hash");
    }

    private static String hash(JsonNode resourceList) {
        for (JsonNode r : resourceList.path("resources")) {
            if (r.path("name").asText().equals("gadgets")) {
                return r.path("storageVersionHash").asText();
            }
        }
        throw new AssertionError("no gadgets in " + resourceList);
    }

    private static final String APPLY = "application/apply-patch+yaml";

    /** The managedFields entry of {@code manager} in {@code object}. */
    private static JsonNode entry(JsonNode object, String manager) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager)) {
                return e;
            }
        }
        return null;
    }

    /**
     * As kube's field manager converts the object to each managedFields entry's version: a manager that
     * applied in v2 owns v2's {@code spec.dimensions.size}, and an apply of v1's {@code spec.size} (the same
     * value, converted) conflicts with it, named in the owner's version (an Apply manager by its name alone,
     * as kube names it); a forced apply takes it.
     */
    @Test
    void managersOfAnotherVersionAreComparedInTheirOwnVersion() throws Exception {
        serve(gadgets(SIZES, "v1"));
        FakeHttp.Response first = call("PATCH", V2 + "/d?fieldManager=two", APPLY, """
                {"apiVersion":"convert.example.com/v2","kind":"Gadget","metadata":{"name":"d"},"spec":{"dimensions":{"size":3}}}""");
        assertEquals(201, first.status, first.text());

        FakeHttp.Response conflict = call("PATCH", V1 + "/d?fieldManager=one", APPLY, """
                {"apiVersion":"convert.example.com/v1","kind":"Gadget","metadata":{"name":"d"},"spec":{"size":5}}""");
        assertEquals(409, conflict.status, conflict.text());
        JsonNode status = json(conflict);
        assertEquals("Apply failed with 1 conflict: conflict with \"two\": .spec.dimensions.size",
                status.path("message").asText());
        assertEquals(".spec.dimensions.size", status.at("/details/causes/0/field").asText(), status.toString());
        assertEquals(3, stored("d").at("/spec/size").asInt(), "nothing written");

        // the same value applied in v1 is shared, not a conflict
        FakeHttp.Response shared = call("PATCH", V1 + "/d?fieldManager=one", APPLY, """
                {"apiVersion":"convert.example.com/v1","kind":"Gadget","metadata":{"name":"d"},"spec":{"size":3}}""");
        assertEquals(200, shared.status, shared.text());

        FakeHttp.Response forced = call("PATCH", V1 + "/d?fieldManager=one&force=true", APPLY, """
                {"apiVersion":"convert.example.com/v1","kind":"Gadget","metadata":{"name":"d"},"spec":{"size":5}}""");
        assertEquals(200, forced.status, forced.text());
        JsonNode v2 = json(call("GET", V2 + "/d", null));
        assertEquals(5, v2.at("/spec/dimensions/size").asInt());
        JsonNode two = entry(v2, "two");
        assertTrue(two == null || !two.at("/fieldsV1/f:spec").toString().contains("f:size"),
                "the forced apply took spec.dimensions.size from its v2 manager: " + v2.at("/metadata/managedFields"));
        assertEquals("convert.example.com/v1", entry(v2, "one").path("apiVersion").asText());
        assertTrue(entry(v2, "one").at("/fieldsV1/f:spec/f:size").isObject(), v2.at("/metadata/managedFields").toString());
    }

    /**
     * An update in v1 that changes what a v2 manager owns takes it from that manager, as the change shows in
     * v2; the manager keeps the rest.
     */
    @Test
    void anUpdateInOneVersionTakesTheFieldFromAManagerOfAnother() throws Exception {
        serve(gadgets(SIZES, "v1"));
        assertEquals(201, call("PATCH", V2 + "/e?fieldManager=two", APPLY, """
                {"apiVersion":"convert.example.com/v2","kind":"Gadget","metadata":{"name":"e"},"spec":{"color":"red","dimensions":{"size":3}}}""").status);
        FakeHttp.Response updated = call("PATCH", V1 + "/e?fieldManager=editor", "application/merge-patch+json", "{\"spec\":{\"size\":8}}");
        assertEquals(200, updated.status, updated.text());
        JsonNode v1 = json(updated);
        JsonNode two = entry(v1, "two");
        assertTrue(two != null && two.at("/fieldsV1/f:spec/f:color").isObject()
                        && two.at("/fieldsV1/f:spec/f:dimensions/f:size").isMissingNode(),
                "the v2 manager lost the size it owned and kept its color: " + v1.at("/metadata/managedFields"));
        assertEquals("convert.example.com/v2", two.path("apiVersion").asText());
        assertTrue(entry(v1, "editor").at("/fieldsV1/f:spec/f:size").isObject(), v1.at("/metadata/managedFields").toString());
    }
}
