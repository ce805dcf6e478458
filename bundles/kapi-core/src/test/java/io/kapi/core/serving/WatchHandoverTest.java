package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.APIGroupProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A group replaced while watches are open on it (a bundle update: the old provider leaves, the new
 * one comes): the watches go on over the new version, resumed after the last change they delivered,
 * and the client sees neither an end nor a 410; while the group is away its requests answer 503.
 */
class WatchHandoverTest extends ServingTestBase {
    private static final String WATCH = "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600";

    private static void await(FakeHttp.Response r, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!r.text().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(r.text().contains(text), "expected " + text + " in " + r.text());
    }

    /** Opens a watch on widgets, creates w1 and waits until the watch has delivered it. */
    private FakeHttp.Response watchSeeingW1(FakeHttp.Async async) throws Exception {
        FakeHttp.Response watch = start("GET", WATCH, "application/json", null, async);
        create("w1");
        await(watch, "\"w1\"");
        return watch;
    }

    private void create(String name) throws Exception {
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"" + name + "\"}}").status);
    }

    @Test
    void aWatchGoesOnOverTheGroupsNewVersionInTheSameRebuild() throws Exception {
        Contribution<APIGroupProvider> v1 = serveWidgets();
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = watchSeeingW1(async);
        // the bundle's new version registers before the old one is gone: one rebuild swaps them
        server.contributions().removeProvider(v1.serviceId());
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.rebuild();
        create("w2");
        await(watch, "\"w2\"");
        assertFalse(async.isComplete(), "the watch goes on");
        List<String> lines = watch.text().lines().toList();
        assertEquals(2, lines.size(), watch.text());
        assertTrue(lines.get(1).startsWith("{\"type\":\"ADDED\"") && lines.get(1).contains("\"w2\""), watch.text());
    }

    @Test
    void aGroupAwayForAnUpdateHoldsItsWatchesAnswers503AndMissesNoChange() throws Exception {
        server.handoverGrace(Duration.ofSeconds(30));
        Contribution<APIGroupProvider> v1 = serveWidgets();
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = watchSeeingW1(async);
        server.contributions().removeProvider(v1.serviceId());
        server.rebuild();
        FakeHttp.Response away = call("GET", "/apis/things.example.com/v1/widgets", null);
        assertEquals(503, away.status, away.text());
        assertEquals("1", away.headers.get("Retry-After"));
        // a change while the group is away (another Kapi on the same etcd, or data written before)
        storage.create("/registry/things.example.com/widgets/w2",
                "{\"apiVersion\":\"things.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w2\"}}".getBytes());
        server.contributions().addProvider(c(provider("things.example.com", "widgets", "Widget"), 0, "b", Map.of()));
        server.rebuild();
        await(watch, "\"w2\"");
        create("w3");
        await(watch, "\"w3\"");
        assertFalse(async.isComplete(), "the watch goes on");
        assertEquals(3, watch.text().lines().count(), watch.text());
        assertFalse(watch.text().contains("\"ERROR\""), watch.text());
        assertEquals(200, call("GET", "/apis/things.example.com/v1/widgets", null).status);
    }

    @Test
    void aGroupThatDoesNotComeBackEndsItsWatchesCleanlyAfterTheGrace() throws Exception {
        server.handoverGrace(Duration.ofMillis(300));
        Contribution<APIGroupProvider> v1 = serveWidgets();
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = watchSeeingW1(async);
        server.contributions().removeProvider(v1.serviceId());
        server.rebuild();
        async.awaitCompletion();
        assertEquals(1, watch.text().lines().count(), "ended without an ERROR: " + watch.text());
        assertEquals(404, call("GET", "/apis/things.example.com/v1/widgets", null).status);
    }

    @Test
    void aWatchDoesNotMoveToAnotherStorageBackend() throws Exception {
        Contribution<APIGroupProvider> v1 = serveWidgets();
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = watchSeeingW1(async);
        // a higher-ranked backend takes over: its revisions are another history, the watch ends cleanly
        io.kapi.storage.embedded.EmbeddedStorage other = io.kapi.storage.embedded.EmbeddedStorage.open(dir.resolve("other"));
        try {
            server.contributions().addStorage(c(other, 10, "store2", Map.of()));
            server.rebuild();
            async.awaitCompletion();
            assertEquals(1, watch.text().lines().count(), watch.text());
        } finally {
            server.shutdown();
            other.close();
        }
    }

    /** A store that records the options of every watch opened on it, over the generic store. */
    private static final class Recording implements io.kapi.api.rest.RestStore {
        private final io.kapi.api.rest.RestStore store;
        private final List<io.kapi.api.rest.ListOptions> watches;

        Recording(io.kapi.api.rest.RestStore store, List<io.kapi.api.rest.ListOptions> watches) {
            this.store = store;
            this.watches = watches;
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode get(io.kapi.api.rest.RequestContext ctx, String name, String rv) {
            return store.get(ctx, name, rv);
        }

        @Override
        public UpdateResult update(io.kapi.api.rest.RequestContext ctx, String name,
                                   java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> transform) {
            return store.update(ctx, name, transform);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode list(io.kapi.api.rest.RequestContext ctx, io.kapi.api.rest.ListOptions options) {
            return store.list(ctx, options);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode create(io.kapi.api.rest.RequestContext ctx, com.fasterxml.jackson.databind.node.ObjectNode object) {
            return store.create(ctx, object);
        }

        @Override
        public DeleteResult delete(io.kapi.api.rest.RequestContext ctx, String name, com.fasterxml.jackson.databind.node.ObjectNode options) {
            return store.delete(ctx, name, options);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode deleteCollection(io.kapi.api.rest.RequestContext ctx,
                com.fasterxml.jackson.databind.node.ObjectNode deleteOptions, io.kapi.api.rest.ListOptions listOptions) {
            return store.deleteCollection(ctx, deleteOptions, listOptions);
        }

        @Override
        public AutoCloseable watch(io.kapi.api.rest.RequestContext ctx, io.kapi.api.rest.ListOptions options, io.kapi.api.rest.WatchSink sink) {
            watches.add(options);
            return store.watch(ctx, options, sink);
        }
    }

    private static APIGroupProvider recording(List<io.kapi.api.rest.ListOptions> watches) {
        return provider("things.example.com", new io.kapi.api.rest.ResourceDefinition("v1", "widgets", "widget", "Widget", false, List.of(), List.of(),
                        null, null, binding -> new Recording(binding.genericStore(new io.kapi.api.rest.Strategy() { }), watches)));
    }

    /** The new store watch resumes exactly after the last change the stream delivered: its resourceVersion. */
    @Test
    void theMovedWatchResumesAfterTheLastDeliveredChange() throws Exception {
        List<io.kapi.api.rest.ListOptions> watches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Contribution<APIGroupProvider> v1 = serve(recording(watches));
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response watch = start("GET", WATCH, "application/json", null, async);
        create("w1");
        create("w2");
        await(watch, "\"w2\"");
        String lastRv = watch.text().lines().reduce((a, b) -> b).orElseThrow().replaceAll(".*\"resourceVersion\":\"(\\d+)\".*", "$1");
        server.contributions().removeProvider(v1.serviceId());
        server.contributions().addProvider(c(recording(watches), 0, "b", Map.of()));
        server.rebuild();
        assertEquals(2, watches.size(), "one store watch per version");
        io.kapi.api.rest.ListOptions resumed = watches.get(1);
        assertEquals(lastRv, resumed.resourceVersion());
        assertEquals(null, resumed.sendInitialEvents(), "no initial state again");
        create("w3");
        await(watch, "\"w3\"");
        assertEquals(3, watch.text().lines().count(), "nothing repeated: " + watch.text());
    }
}
