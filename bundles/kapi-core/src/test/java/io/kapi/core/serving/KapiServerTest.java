package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.KapiRuntime;
import io.kapi.api.server.ServerContext;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dynamics of the serving snapshot, without OSGi: chain order, ranked conflicts, fail-closed security, 503s. */
class KapiServerTest extends ServingTestBase {
    @Test
    void chainIsOrderedAndConflictsAreRanked() throws Exception {
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addServer(c(target("aggregator"), 0, "agg-bundle", Map.of(DelegationTarget.ORDER, 100)));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 5, "winner", Map.of()));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 1, "loser", Map.of()));
        ServingSnapshot s = server.rebuild();
        assertEquals(List.of("aggregator", "kube"), s.servers().stream().map(KapiRuntime.ServerInfo::name).toList());
        KapiRuntime.GroupResourceInfo loser = s.resources().stream().filter(r -> r.bundle().equals("loser")).findFirst().orElseThrow();
        assertEquals("winner", loser.shadowedBy());
        assertEquals(s.generation(), server.generation());
    }

    @Test
    void securityFailsClosedAndAnonymousGets401() throws Exception {
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.rebuild();
        // the security bundle not there yet: a valid credential is not judged at all (no 401 that a client takes as final)
        assertPending(call("GET", "/apis/things.example.com/v1/widgets", null));
        FakeHttp.Response noCredential = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/apis", Map.of(), null), noCredential.proxy);
        assertPending(noCredential);
        wireAuthentication();
        server.rebuild();
        // its authenticators, not yet its authorizer: still no 403 for what the authorizer will allow
        assertPending(call("GET", "/apis/things.example.com/v1/widgets", null));
        FakeHttp.Response notReady = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/readyz?verbose", Map.of(), null), notReady.proxy);
        assertEquals(500, notReady.status);
        assertTrue(notReady.text().contains("[-]authorization failed: reason withheld"), notReady.text());
        FakeHttp.Response live = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/livez", Map.of(), null), live.proxy);
        assertEquals(200, live.status, "an authorizer missing is not a reason to restart the process");
        wireAuthorization();
        server.rebuild();
        FakeHttp.Response anonymous = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/apis", Map.of(), null), anonymous.proxy);
        assertEquals(401, anonymous.status);
        FakeHttp.Response health = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/healthz", Map.of(), null), health.proxy);
        assertEquals(200, health.status);
        assertEquals(200, call("GET", "/apis/things.example.com/v1/widgets", null).status);
    }

    private static void assertPending(FakeHttp.Response r) {
        assertEquals(503, r.status, r.text());
        assertEquals("1", r.headers.get("Retry-After"));
        assertTrue(r.text().contains("\"reason\":\"ServiceUnavailable\""), r.text());
        assertTrue(r.text().contains("the server is currently unable to handle the request"), r.text());
    }

    @Test
    void removalTakesRoutesAndDiscoveryAwayButKeepsData() throws Exception {
        server.handoverGrace(java.time.Duration.ZERO); // no wait for the group to come back (WatchHandoverTest)
        Contribution<APIGroupProvider> widgets = serveWidgets();
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
        assertTrue(call("GET", "/apis", null).text().contains("things.example.com"));
        server.contributions().removeProvider(widgets.serviceId());
        server.rebuild();
        assertEquals(404, call("GET", "/apis/things.example.com/v1/widgets/w1", null).status);
        assertTrue(!call("GET", "/apis", null).text().contains("things.example.com"));
        server.contributions().addProvider(widgets);
        server.rebuild();
        FakeHttp.Response back = call("GET", "/apis/things.example.com/v1/widgets/w1", null);
        assertEquals(200, back.status);
    }

    @Test
    void incompleteSurfaceAnswers503NotFound404() throws Exception {
        wireSecurity();
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.rebuild();
        FakeHttp.Response unknown = call("GET", "/apis/nothing.example.com/v1/things", null);
        assertEquals(503, unknown.status, "no storage yet: try again, not 404");
        assertEquals("1", unknown.headers.get("Retry-After"));
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.rebuild();
        assertEquals(404, call("GET", "/apis/nothing.example.com/v1/things", null).status);
        server.deploymentStarted();
        assertEquals(503, call("GET", "/apis/nothing.example.com/v1/things", null).status);
        server.deploymentFinished();
    }

    @Test
    void onceShutdownBeganRequestsAreAnswered429AsKubesAndReadyzFails() throws Exception {
        serveWidgets();
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
        server.terminationStarted();
        FakeHttp.Response r = call("GET", "/apis/things.example.com/v1/widgets/w1", null);
        assertEquals(429, r.status);
        assertEquals("5", r.headers.get("Retry-After"));
        assertEquals("close", r.headers.get("Connection"));
        assertEquals("The apiserver is shutting down, please try again later.\n", r.text());
        FakeHttp.Response ready = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/readyz?verbose", Map.of(), null), ready.proxy);
        assertEquals(500, ready.status);
        assertTrue(ready.text().contains("[-]shutdown failed"), ready.text());
        FakeHttp.Response live = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/livez", Map.of(), null), live.proxy);
        assertEquals(200, live.status, "liveness is not readiness");
        assertTrue(!server.ready());
    }

    @Test
    void aConfiguredBackendThatHasNotRegisteredHoldsServingInsteadOfFallingBack() throws Exception {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "embedded-bundle", Map.of("kapi.storage", "embedded")));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.contributions().expectStorages(java.util.Set.of("etcd", "embedded"));
        ServingSnapshot waiting = server.rebuild();
        assertTrue(waiting.failures().stream().anyMatch(f -> f.contains("configured storage [etcd] is not registered")), waiting.failures().toString());
        FakeHttp.Response held = call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}");
        assertEquals(503, held.status, "no write may land in the embedded store while etcd is configured");
        FakeHttp.Response ready = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/readyz?verbose", Map.of(), null), ready.proxy);
        assertEquals(500, ready.status, "kube answers a failing /readyz with 500");
        assertTrue(ready.text().contains("[-]storage failed"), ready.text());
        // the configured backend arrives (higher ranked): served from it
        EmbeddedStorage etcdStandIn = EmbeddedStorage.open(dir.resolve("etcd-stand-in"));
        try {
            server.contributions().addStorage(c(etcdStandIn, 100, "etcd-bundle", Map.of("kapi.storage", "etcd")));
            server.rebuild();
            assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
            assertTrue(etcdStandIn.get("/registry/things.example.com/widgets/w1") != null, "written to the configured backend");
            assertEquals(null, storage.get("/registry/things.example.com/widgets/w1"));
            // the configuration goes: the embedded store serves again once etcd has left
            server.contributions().expectStorages(java.util.Set.of("embedded"));
            server.contributions().removeStorage(server.contributions().storages().get(0).serviceId());
            server.rebuild();
            assertEquals(404, call("GET", "/apis/things.example.com/v1/widgets/w1", null).status);
        } finally {
            etcdStandIn.close();
        }
    }

    @Test
    void postStartHooksRunAgainWhenAnotherBackendServes() throws Exception {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "embedded-bundle", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        io.kapi.api.server.PostStartHook hook = new io.kapi.api.server.PostStartHook() {
            @Override
            public String name() {
                return "bootstrap";
            }

            @Override
            public void run() {
                runs.incrementAndGet();
            }
        };
        server.contributions().addHook(c(hook, 0, "hook-bundle", Map.of()));
        server.rebuild();
        awaitHooksDone();
        server.rebuild();
        Thread.sleep(100);
        assertEquals(1, runs.get(), "a rebuild on the same backend does not run a hook again");
        EmbeddedStorage etcdStandIn = EmbeddedStorage.open(dir.resolve("etcd-stand-in"));
        try {
            server.contributions().addStorage(c(etcdStandIn, 100, "etcd-bundle", Map.of()));
            server.rebuild();
            awaitHooksDone();
            assertEquals(2, runs.get(), "run again against the new backend");
        } finally {
            etcdStandIn.close();
        }
    }

    private void awaitHooksDone() throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!server.hooks().stream().allMatch(h -> h.state().equals("done")) || server.hooks().isEmpty()) {
            assertTrue(System.nanoTime() < end, "hooks not done within 10 s: " + server.hooks());
            Thread.sleep(5);
        }
    }

    @Test
    void discoveryEtagsBodyLimitAndTerminatingNamespaces() throws Exception {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addProvider(c(new APIGroupProvider() {
            @Override
            public String group() {
                return "";
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(new ResourceDefinition("v1", "namespaces", "namespace", "Namespace", false, List.of(), List.of(), null, null, null),
                        new ResourceDefinition("v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of(), null, null, null));
            }
        }, 0, "core", Map.of()));
        server.rebuild();
        String agg = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
        FakeHttp.Response first = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/api", Map.of("Authorization", "Bearer t", "Accept", agg), null), first.proxy);
        assertEquals(200, first.status);
        assertTrue(first.text().contains("\"resource\":\"configmaps\""), first.text());
        String etag = first.headers.get("ETag");
        FakeHttp.Response again = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/api", Map.of("Authorization", "Bearer t", "Accept", agg, "If-None-Match", etag), null), again.proxy);
        assertEquals(304, again.status);

        assertEquals(201, call("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"ns1\"}}").status);
        String big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}}";
        FakeHttp.Response tooLarge = call("POST", "/api/v1/namespaces/ns1/configmaps", big);
        assertEquals(413, tooLarge.status);
        assertTrue(tooLarge.text().contains("RequestEntityTooLarge"));
        assertEquals(404, call("GET", "/api/v1/namespaces/ns1/configmaps/big", null).status, "nothing half-written");

        // a namespace being deleted refuses new content (the namespace controller is not given time to finish here)
        storage.update("/registry/namespaces/ns1", storage.get("/registry/namespaces/ns1").modRevision(),
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns1\"},\"status\":{\"phase\":\"Terminating\"}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // the check reads the namespace as the watch cache has it (as kube's admission reads its informer): a
        // consistent GET returns once the cache has the write above
        assertTrue(call("GET", "/api/v1/namespaces/ns1", null).text().contains("Terminating"));
        FakeHttp.Response refused = call("POST", "/api/v1/namespaces/ns1/configmaps", "{\"metadata\":{\"name\":\"late\"}}");
        assertEquals(403, refused.status);
        assertTrue(refused.text().contains("because it is being terminated"), refused.text());
        assertEquals(404, call("POST", "/api/v1/namespaces/ghost/configmaps", "{\"metadata\":{\"name\":\"x\"}}").status);
    }

    @Test
    void concurrentWatchesAreServedAsynchronouslyWithTheSameFramesAndEndWhenTheirResourceLeaves() throws Exception {
        Contribution<APIGroupProvider> widgets = serveWidgets();
        List<FakeHttp.Async> asyncs = new java.util.ArrayList<>();
        List<FakeHttp.Response> watches = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            FakeHttp.Async async = new FakeHttp.Async();
            // service returns while the watch goes on: no thread is held per watcher
            watches.add(start("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600", "application/json", null, async));
            asyncs.add(async);
        }
        FakeHttp.Async metaAsync = new FakeHttp.Async();
        FakeHttp.Response meta = start("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600",
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", null, metaAsync);
        for (FakeHttp.Async a : asyncs) {
            assertTrue(a.started && !a.isComplete(), "the watch runs asynchronously");
        }
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
        assertEquals(200, call("DELETE", "/apis/things.example.com/v1/widgets/w1", null).status);
        for (FakeHttp.Response w : watches) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!w.text().contains("\"DELETED\"") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        String reference = watches.get(0).text();
        assertEquals(2, reference.lines().count(), reference);
        List<String> lines = reference.lines().toList();
        assertTrue(lines.get(0).startsWith("{\"type\":\"ADDED\",\"object\":{") && lines.get(0).contains("\"kind\":\"Widget\""), reference);
        assertTrue(lines.get(1).startsWith("{\"type\":\"DELETED\",\"object\":{") && lines.get(1).contains("\"name\":\"w1\""), reference);
        for (FakeHttp.Response w : watches) {
            assertEquals(200, w.status);
            assertEquals(reference, w.text(), "every watcher writes the same frames");
        }
        // the resource leaves: every watch ends cleanly and its request completes
        server.contributions().removeProvider(widgets.serviceId());
        server.rebuild();
        for (FakeHttp.Async a : asyncs) {
            a.awaitCompletion();
        }
        metaAsync.awaitCompletion();
        for (FakeHttp.Response w : watches) {
            assertEquals(reference, w.text(), "ended without an ERROR");
        }
        assertEquals(2, meta.text().lines().filter(l -> l.contains("\"kind\":\"PartialObjectMetadata\"")).count(), meta.text());
    }

    @Test
    void aWatchStartsWithAnInitialStateLargerThanItsLiveBufferAndANamedWatchSeesOneObject() throws Exception {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.rebuild();
        for (int i = 0; i < 1500; i++) {
            storage.create("/registry/things.example.com/widgets/w" + i,
                    ("{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w" + i + "\"}}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        FakeHttp.Response all = call("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=1", null);
        assertEquals(1500, all.text().lines().filter(l -> l.contains("\"ADDED\"")).count());
        assertTrue(all.text().lines().noneMatch(l -> l.contains("\"ERROR\"")));
        FakeHttp.Response one = call("GET", "/apis/things.example.com/v1/watch/widgets/w7?timeoutSeconds=1", null);
        assertEquals(1, one.text().lines().filter(l -> l.contains("\"ADDED\"")).count(), one.text());
        assertTrue(one.text().contains("\"name\":\"w7\""));
    }
    @Test
    void aWatchFromATooOldResourceVersionIsOneErrorEventAndFromTheCompactedOneStarts() throws Exception {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.rebuild();
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w2\"}}").status);
        long compacted = storage.currentRevision();
        storage.compact(compacted);

        // kube (cacher.Watch → newErrWatcher): HTTP 200, exactly one ERROR event with the 410 Expired Status, end
        FakeHttp.Response old = call("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=30&resourceVersion="
                + (compacted - 1), null);
        assertEquals(200, old.status, old.text());
        List<String> lines = old.text().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), old.text());
        com.fasterxml.jackson.databind.JsonNode event = io.kapi.core.json.Json.MAPPER.readTree(lines.get(0));
        assertEquals("ERROR", event.path("type").asText(), old.text());
        assertEquals("Status", event.path("object").path("kind").asText(), old.text());
        assertEquals(410, event.path("object").path("code").asInt(), old.text());
        assertEquals("Expired", event.path("object").path("reason").asText(), old.text());
        assertEquals("too old resource version: " + (compacted - 1) + " (" + compacted + ")",
                event.path("object").path("message").asText(), old.text());

        // from the compacted revision itself (a LIST's resourceVersion on a quiet server): starts, ends cleanly
        FakeHttp.Response exact = call("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=1&resourceVersion="
                + compacted, null);
        assertEquals(200, exact.status, exact.text());
        assertEquals("", exact.text().trim());

        // from a resourceVersion not reached yet (kube's watch cache accepts it): starts, ends cleanly
        FakeHttp.Response future = call("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=1&resourceVersion="
                + (compacted + 1000), null);
        assertEquals(200, future.status, future.text());
        assertEquals("", future.text().trim());

        // other errors keep their HTTP status
        FakeHttp.Response invalid = call("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=1"
                + "&resourceVersionMatch=NotOlderThan", null);
        assertEquals(422, invalid.status, invalid.text());
    }
}
