package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.api.rest.Strategy;
import io.kapi.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status and scale subresources a group declares, served by the core as kube's StatusREST and
 * ScaleREST: who may change what through which path, what each answers, and how discovery and
 * OpenAPI show them.
 */
class SubresourcesTest extends ServingTestBase {
    private static final String GIZMOS = "/apis/things.example.com/v1/gizmos";
    private static final String MERGE = "application/merge-patch+json";
    private static final String APPLY = "application/apply-patch+yaml";

    static final ObjectNode SCHEMA = obj("""
            {"type":"object","properties":{
              "apiVersion":{"type":"string"},"kind":{"type":"string"},
              "metadata":{"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
              "spec":{"type":"object","properties":{
                "replicas":{"type":"integer","format":"int32"},
                "color":{"type":"string"},
                "selector":{"type":"object","properties":{
                  "matchLabels":{"type":"object","additionalProperties":{"type":"string"}}}}}},
              "status":{"type":"object","properties":{
                "replicas":{"type":"integer","format":"int32"},
                "phase":{"type":"string"}}}}}""");

    /** Tracks generation; a status phase of "Bad" is invalid; spec.replicas above 100 is invalid. */
    static final class GizmoStrategy implements Strategy {
        @Override
        public boolean tracksGeneration() {
            return true;
        }

        @Override
        public List<FieldCause> validate(ObjectNode object) {
            return object.path("spec").path("replicas").asLong() > 100
                    ? List.of(FieldCause.invalid("spec.replicas", object.path("spec").path("replicas").asLong(), "must be at most 100"))
                    : List.of();
        }
    }

    static final StatusStrategy STATUS = new StatusStrategy() {
        @Override
        public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
            return "Bad".equals(object.path("status").path("phase").asText())
                    ? List.of(FieldCause.invalid("status.phase", "Bad", "is not a phase")) : List.of();
        }
    };

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @BeforeEach
    void gizmos() throws Exception {
        serve(provider("things.example.com", ResourceDefinition.builder("v1", "gizmos", "Gizmo")
                .schema(SCHEMA).strategy(new GizmoStrategy()).status(STATUS).scale(ScaleSubresource.replicas()).build()));
        FakeHttp.Response r = call("POST", GIZMOS, """
                {"apiVersion":"things.example.com/v1","kind":"Gizmo","metadata":{"name":"g1"},
                 "spec":{"replicas":2,"color":"red","selector":{"matchLabels":{"app":"g","tier":"web"}}},
                 "status":{"replicas":9,"phase":"Set by the creator"}}""");
        assertEquals(201, r.status, r.text());
    }

    @Test
    void createDropsStatusAndTheResourceItselfKeepsIt() throws Exception {
        JsonNode created = json(call("GET", GIZMOS + "/g1", null));
        assertTrue(created.path("status").isMissingNode(), created.toString());
        assertEquals(1, created.at("/metadata/generation").asInt());

        FakeHttp.Response put = call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"replicas\":1,\"phase\":\"Running\"}}");
        assertEquals(200, put.status, put.text());
        FakeHttp.Response main = call("PATCH", GIZMOS + "/g1", MERGE, "{\"spec\":{\"color\":\"blue\"},\"status\":{\"phase\":\"Hijacked\"}}");
        assertEquals(200, main.status, main.text());
        JsonNode after = json(main);
        assertEquals("blue", after.at("/spec/color").asText());
        assertEquals("Running", after.at("/status/phase").asText(), "the resource itself does not write status");
        assertEquals(2, after.at("/metadata/generation").asInt(), "a spec change bumps the generation");
    }

    @Test
    void statusWritesChangeOnlyTheStatus() throws Exception {
        JsonNode g = json(call("GET", GIZMOS + "/g1/status", null));
        assertEquals("Gizmo", g.path("kind").asText(), "GET /status answers the whole object");
        ObjectNode body = (ObjectNode) g.deepCopy();
        ((ObjectNode) body.get("spec")).put("color", "green");
        ((ObjectNode) body.get("metadata")).putObject("labels").put("sneaky", "yes");
        body.putObject("status").put("replicas", 2).put("phase", "Running");
        FakeHttp.Response put = call("PUT", GIZMOS + "/g1/status", body.toString());
        assertEquals(200, put.status, put.text());
        JsonNode stored = json(call("GET", GIZMOS + "/g1", null));
        assertEquals("red", stored.at("/spec/color").asText(), "spec sent to /status is not stored");
        assertTrue(stored.at("/metadata/labels").isMissingNode(), "nor is metadata (kube's rule for custom resources)");
        assertEquals("Running", stored.at("/status/phase").asText());
        assertEquals(1, stored.at("/metadata/generation").asInt(), "a status write does not bump the generation");
        assertEquals(json(put), stored);

        // the writer owns the status fields it changed, under the status subresource
        JsonNode entry = managedEntry(stored, "Update", "status");
        assertTrue(entry.at("/fieldsV1/f:status/f:phase").isObject(), entry.toString());
        assertTrue(entry.at("/fieldsV1/f:spec").isMissingNode(), "not the spec it sent: " + entry);
    }

    @Test
    void statusValidationAndErrors() throws Exception {
        FakeHttp.Response bad = call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"phase\":\"Bad\"}}");
        assertEquals(422, bad.status, bad.text());
        assertEquals("Gizmo.things.example.com \"g1\" is invalid: status.phase: Invalid value: \"Bad\": is not a phase",
                json(bad).path("message").asText());
        FakeHttp.Response missing = call("PATCH", GIZMOS + "/nope/status", MERGE, "{\"status\":{\"phase\":\"X\"}}");
        assertEquals(404, missing.status, missing.text());
        assertEquals("gizmos.things.example.com \"nope\" not found", json(missing).path("message").asText());
        FakeHttp.Response putMissing = call("PUT", GIZMOS + "/nope/status",
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"nope\"}}");
        assertEquals(404, putMissing.status, "a status write never creates: " + putMissing.text());
        assertEquals(405, call("DELETE", GIZMOS + "/g1/status", null).status);
        assertEquals(405, call("POST", GIZMOS + "/g1/status", "{}").status);
        FakeHttp.Response unknown = call("GET", GIZMOS + "/g1/finalize", null);
        assertEquals(404, unknown.status, unknown.text());
    }

    @Test
    void applyToStatusOwnsOnlyTheStatus() throws Exception {
        FakeHttp.Response r = call("PATCH", GIZMOS + "/g1/status?fieldManager=controller", APPLY, """
                apiVersion: things.example.com/v1
                kind: Gizmo
                metadata: {name: g1}
                spec: {color: purple}
                status: {phase: Applied}
                """);
        assertEquals(200, r.status, r.text());
        JsonNode obj = json(r);
        assertEquals("Applied", obj.at("/status/phase").asText());
        assertEquals("red", obj.at("/spec/color").asText());
        JsonNode entry = managedEntry(obj, "Apply", "status");
        assertEquals("controller", entry.path("manager").asText());
        assertTrue(entry.at("/fieldsV1/f:spec").isMissingNode(), entry.toString());
        FakeHttp.Response missing = call("PATCH", GIZMOS + "/nope/status?fieldManager=controller", APPLY,
                "apiVersion: things.example.com/v1\nkind: Gizmo\nmetadata: {name: nope}\nstatus: {phase: X}\n");
        assertEquals(404, missing.status, "apply through /status does not create: " + missing.text());
    }

    @Test
    void scaleReadsAndWritesTheReplicas() throws Exception {
        call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"replicas\":1}}");
        JsonNode g = json(call("GET", GIZMOS + "/g1", null));
        FakeHttp.Response get = call("GET", GIZMOS + "/g1/scale", null);
        assertEquals(200, get.status, get.text());
        ObjectNode expected = obj("""
                {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"g1","uid":"%s","resourceVersion":"%s",
                 "creationTimestamp":"%s"},"spec":{"replicas":2},"status":{"replicas":1,"selector":"app=g,tier=web"}}"""
                .formatted(g.at("/metadata/uid").asText(), g.at("/metadata/resourceVersion").asText(),
                        g.at("/metadata/creationTimestamp").asText()));
        assertEquals(expected, json(get));

        ObjectNode scale = (ObjectNode) json(get);
        ((ObjectNode) scale.get("spec")).put("replicas", 5);
        FakeHttp.Response put = call("PUT", GIZMOS + "/g1/scale?fieldManager=hpa", scale.toString());
        assertEquals(200, put.status, put.text());
        assertEquals(5, json(put).at("/spec/replicas").asInt());
        JsonNode after = json(call("GET", GIZMOS + "/g1", null));
        assertEquals(5, after.at("/spec/replicas").asInt());
        assertEquals(2, after.at("/metadata/generation").asInt());
        assertEquals(after.at("/metadata/resourceVersion"), json(put).at("/metadata/resourceVersion"));
        JsonNode entry = managedEntry(after, "Update", "scale");
        assertEquals("hpa", entry.path("manager").asText());
        assertTrue(entry.at("/fieldsV1/f:spec/f:replicas").isObject(), entry.toString());

        // scaling to the count it has is no write: same resourceVersion, same generation
        FakeHttp.Response same = call("PATCH", GIZMOS + "/g1/scale", MERGE, "{\"spec\":{\"replicas\":5}}");
        assertEquals(200, same.status, same.text());
        assertEquals(after.at("/metadata/resourceVersion"), json(same).at("/metadata/resourceVersion"));
        assertEquals(2, json(call("GET", GIZMOS + "/g1", null)).at("/metadata/generation").asInt());
        FakeHttp.Response patch = call("PATCH", GIZMOS + "/g1/scale", MERGE, "{\"spec\":{\"replicas\":0}}");
        assertEquals(200, patch.status, patch.text());
        assertTrue(json(patch).at("/spec/replicas").isMissingNode(), "0 is omitted, as autoscaling/v1 does: " + patch.text());
        assertEquals(0, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt());
    }

    /** Server-side apply of a Scale owns the object's replicas under the scale subresource, as kube's scale handler. */
    @Test
    void applyToScaleOwnsTheReplicas() throws Exception {
        String scale3 = "apiVersion: autoscaling/v1\nkind: Scale\nmetadata: {name: g1}\nspec: {replicas: 3}\n";
        FakeHttp.Response conflict = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa", APPLY, scale3);
        assertEquals(409, conflict.status, "the creator owns the replicas: " + conflict.text());
        assertTrue(json(conflict).path("message").asText().startsWith("Apply failed with 1 conflict: conflict with "),
                conflict.text());
        assertTrue(json(conflict).path("message").asText().endsWith(" using autoscaling/v1: .spec.replicas"),
                "the creator's update seen through the Scale, as kube reports it: " + conflict.text());
        assertEquals(2, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt(), "a conflict writes nothing");

        FakeHttp.Response dry = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa&force=true&dryRun=All", APPLY, scale3);
        assertEquals(200, dry.status, dry.text());
        assertEquals(3, json(dry).at("/spec/replicas").asInt());
        assertEquals(2, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt(), "a dry run writes nothing");

        FakeHttp.Response forced = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa&force=true", APPLY, scale3);
        assertEquals(200, forced.status, forced.text());
        assertEquals("Scale", json(forced).path("kind").asText());
        assertEquals(3, json(forced).at("/spec/replicas").asInt());
        JsonNode g = json(call("GET", GIZMOS + "/g1", null));
        assertEquals(3, g.at("/spec/replicas").asInt());
        assertEquals("red", g.at("/spec/color").asText(), "the rest of the object stays");
        JsonNode mine = managedEntry(g, "Apply", "scale");
        assertEquals("hpa", mine.path("manager").asText());
        assertEquals("{\"f:spec\":{\"f:replicas\":{}}}", mine.path("fieldsV1").toString());
        for (JsonNode e : g.at("/metadata/managedFields")) {
            if (e != mine) {
                assertTrue(e.at("/fieldsV1/f:spec/f:replicas").isMissingNode(), "taken from " + e);
            }
        }
        // the owner applies again without force; a non-owner's merge patch is an update, not a conflict
        FakeHttp.Response again = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa", APPLY, scale3.replace("3", "4"));
        assertEquals(200, again.status, again.text());
        assertEquals(4, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt());

        FakeHttp.Response unknown = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa", APPLY,
                scale3 + "extra: 1\n");
        assertEquals(400, unknown.status, unknown.text());
        FakeHttp.Response wrongKind = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa", APPLY,
                "apiVersion: things.example.com/v1\nkind: Gizmo\nmetadata: {name: g1}\nspec: {replicas: 3}\n");
        assertEquals(400, wrongKind.status, wrongKind.text());
        FakeHttp.Response negative = call("PATCH", GIZMOS + "/g1/scale?fieldManager=hpa", APPLY, scale3.replace("3", "-1"));
        assertEquals(422, negative.status, negative.text());
        FakeHttp.Response missing = call("PATCH", GIZMOS + "/nope/scale?fieldManager=hpa", APPLY,
                scale3.replace("g1", "nope"));
        assertEquals(404, missing.status, "apply through /scale does not create: " + missing.text());
        assertEquals(4, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt());
    }

    @Test
    void scaleRefusesWhatKubeRefuses() throws Exception {
        FakeHttp.Response negative = call("PATCH", GIZMOS + "/g1/scale", MERGE, "{\"spec\":{\"replicas\":-1}}");
        assertEquals(422, negative.status, negative.text());
        assertEquals("Scale.autoscaling \"g1\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                json(negative).path("message").asText());
        FakeHttp.Response tooMany = call("PATCH", GIZMOS + "/g1/scale", MERGE, "{\"spec\":{\"replicas\":101}}");
        assertEquals(422, tooMany.status, "the resource's own validation runs: " + tooMany.text());
        String before = json(call("GET", GIZMOS + "/g1/scale", null)).at("/metadata/resourceVersion").asText();
        assertEquals(200, call("PATCH", GIZMOS + "/g1/status", MERGE, "{\"status\":{\"phase\":\"Moved on\"}}").status);
        FakeHttp.Response stale = call("PUT", GIZMOS + "/g1/scale",
                "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"g1\",\"resourceVersion\":\"" + before
                        + "\"},\"spec\":{\"replicas\":3}}");
        assertEquals(409, stale.status, stale.text());
        FakeHttp.Response otherName = call("PUT", GIZMOS + "/g1/scale",
                "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"g2\"},\"spec\":{\"replicas\":3}}");
        assertEquals(400, otherName.status, otherName.text());
        FakeHttp.Response wrongKind = call("PUT", GIZMOS + "/g1/scale",
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"g1\"},\"spec\":{\"replicas\":3}}");
        assertEquals(400, wrongKind.status, wrongKind.text());
        FakeHttp.Response missing = call("GET", GIZMOS + "/nope/scale", null);
        assertEquals(404, missing.status);
        assertEquals("gizmos.things.example.com \"nope\" not found", json(missing).path("message").asText());
        FakeHttp.Response dry = call("PATCH", GIZMOS + "/g1/scale?dryRun=All", MERGE, "{\"spec\":{\"replicas\":4}}");
        assertEquals(200, dry.status, dry.text());
        assertEquals(4, json(dry).at("/spec/replicas").asInt());
        assertEquals(2, json(call("GET", GIZMOS + "/g1", null)).at("/spec/replicas").asInt(), "a dry run writes nothing");
        assertEquals(2, json(call("GET", GIZMOS + "/g1/scale", null)).at("/spec/replicas").asInt(), "and nothing changed");
    }

    @Test
    void discoveryAndOpenApiShowTheSubresources() throws Exception {
        JsonNode list = json(call("GET", "/apis/things.example.com/v1", null));
        List<String> names = new ArrayList<>();
        list.path("resources").forEach(r -> names.add(r.path("name").asText()));
        assertEquals(List.of("gizmos", "gizmos/scale", "gizmos/status"), names);
        JsonNode scale = list.path("resources").get(1);
        assertEquals("autoscaling", scale.path("group").asText());
        assertEquals("v1", scale.path("version").asText());
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals("[\"get\",\"patch\",\"update\"]", scale.path("verbs").toString());
        JsonNode status = list.path("resources").get(2);
        assertEquals("Gizmo", status.path("kind").asText());
        assertFalse(status.has("group"));

        FakeHttp.Response agg = call("GET", "/apis", null);
        assertEquals(200, agg.status);
        JsonNode aggregated = Json.MAPPER.readTree(callAccept("/apis",
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").text());
        JsonNode subs = null;
        for (JsonNode item : aggregated.path("items")) {
            if (item.at("/metadata/name").asText().equals("things.example.com")) {
                subs = item.at("/versions/0/resources/0/subresources");
            }
        }
        assertEquals(obj("""
                {"s":[{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},
                      {"subresource":"status","responseKind":{"group":"things.example.com","version":"v1","kind":"Gizmo"},"verbs":["get","patch","update"]}]}""")
                .get("s"), subs);

        JsonNode doc = json(call("GET", "/openapi/v3/apis/things.example.com/v1", null));
        JsonNode paths = doc.path("paths");
        assertEquals("readGizmoStatus", paths.at("/" + jsonPointer(GIZMOS + "/{name}/status") + "/get/operationId").asText());
        assertEquals("io.k8s.api.autoscaling.v1.Scale".length() > 0 ? "#/components/schemas/io.k8s.api.autoscaling.v1.Scale" : "",
                paths.at("/" + jsonPointer(GIZMOS + "/{name}/scale") + "/put/requestBody/content/*~1*/schema/$ref").asText());
        assertTrue(doc.at("/components/schemas/io.k8s.api.autoscaling.v1.Scale").isObject());
    }

    @Test
    void definitionsAreCheckedWhenBuilt() {
        ResourceDefinition d = ResourceDefinition.builder("v1", "gizmos", "Gizmo").build();
        assertEquals("gizmo", d.singular());
        assertEquals(null, d.status());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ScaleSubresource("spec.replicas", ".status.replicas", null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ScaleSubresource(".spec.items[0].replicas", ".status.replicas", null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResourceDefinition.builder("v1", "gizmos", "Gizmo").storage(binding -> null).status(STATUS).build(),
                "a custom storage without a strategy cannot have the core serve its status");
        // the 2.0 constructor still builds a definition without subresources
        ResourceDefinition old = new ResourceDefinition("v1", "gizmos", "gizmo", "Gizmo", false, List.of(), List.of(), null, null, null);
        assertEquals(null, old.scale());
        assertEquals(null, old.storageVersion());
    }

    private FakeHttp.Response callAccept(String uri, String accept) throws Exception {
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response r = start("GET", uri, accept, null, async);
        async.awaitCompletion();
        return r;
    }

    private static String jsonPointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode managedEntry(JsonNode obj, String operation, String subresource) {
        for (JsonNode e : obj.at("/metadata/managedFields")) {
            if (e.path("operation").asText().equals(operation) && e.path("subresource").asText().equals(subresource)) {
                return e;
            }
        }
        throw new AssertionError("no " + operation + " entry for " + subresource + " in " + obj.at("/metadata/managedFields"));
    }

    @Test
    void aSubresourceOfItsOwnKindTakesAPostOnOneObject() throws Exception {
        // a group's own subresource: "gadgets/poke" takes a things.example.com/v1 Poke and answers a Status
        java.util.List<String> pokes = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.kapi.api.rest.NamedCreater poke = (ctx, name, body) -> {
            pokes.add(ctx.namespace() + "/" + name + ":" + body.path("strength").asInt() + (ctx.dryRun() ? " dry" : ""));
            return obj("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}");
        };
        ObjectNode pokeSchema = obj("{\"type\":\"object\",\"properties\":{\"apiVersion\":{\"type\":\"string\"},"
                + "\"kind\":{\"type\":\"string\"},\"strength\":{\"type\":\"integer\"}}}");
        serve(provider("things.example.com", ResourceDefinition.builder("v1", "gadgets", "Gadget")
                .subresource(new io.kapi.api.rest.Subresource("poke", "things.example.com", "v1", "Poke", pokeSchema, b -> poke))
                .build()));
        assertEquals(201, call("POST", "/apis/things.example.com/v1/gadgets", "{\"metadata\":{\"name\":\"d1\"}}").status);
        FakeHttp.Response r = call("POST", "/apis/things.example.com/v1/gadgets/d1/poke",
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Poke\",\"strength\":3}");
        assertEquals(201, r.status, r.text());
        assertEquals("Success", json(r).path("status").asText());
        call("POST", "/apis/things.example.com/v1/gadgets/d1/poke?dryRun=All", "{\"kind\":\"Poke\",\"strength\":1}");
        assertEquals(java.util.List.of("/d1:3", "/d1:1 dry"), pokes);
        // the kind is checked, and a strict decode refuses a field its schema does not have
        FakeHttp.Response wrongKind = call("POST", "/apis/things.example.com/v1/gadgets/d1/poke", "{\"kind\":\"Gadget\"}");
        assertEquals(400, wrongKind.status, wrongKind.text());
        FakeHttp.Response strict = call("POST", "/apis/things.example.com/v1/gadgets/d1/poke?fieldValidation=Strict",
                "{\"kind\":\"Poke\",\"force\":true}");
        assertEquals(400, strict.status, strict.text());
        assertTrue(strict.text().contains("unknown field \\\"force\\\""), strict.text());
        // discovery lists it with its kind and verb; OpenAPI has kube's operation for it
        JsonNode list = json(call("GET", "/apis/things.example.com/v1", null));
        JsonNode sub = null;
        for (JsonNode res : list.path("resources")) {
            if (res.path("name").asText().equals("gadgets/poke")) {
                sub = res;
            }
        }
        assertNotNull(sub, list.toString());
        assertEquals("Poke", sub.path("kind").asText());
        assertEquals("[\"create\"]", sub.path("verbs").toString());
        JsonNode doc = json(call("GET", "/openapi/v3/apis/things.example.com/v1", null));
        assertEquals("createGadgetPoke", doc.at("/paths/~1apis~1things.example.com~1v1~1gadgets~1{name}~1poke/post/operationId").asText(),
                doc.path("paths").toString());
        assertEquals(0, pokes.stream().filter(p -> p.contains("force")).count());
    }
}
