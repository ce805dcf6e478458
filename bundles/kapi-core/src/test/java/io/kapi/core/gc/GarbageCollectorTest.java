package io.kapi.core.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.json.Json;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector on the real embedded store and generic stores, with owners three levels deep across two
 * groups (a Deployment, its ReplicaSet, their Pods), deleted as kubectl's {@code --cascade} asks.
 */
class GarbageCollectorTest {
    @TempDir
    Path dir;
    EmbeddedStorage backend;
    /** What the stores and the collector use: the backend here, the watch cache over it in the server. */
    io.kapi.api.storage.Storage storage;
    GenericStore deployments;
    GenericStore replicasets;
    GenericStore pods;
    GenericStore jobs;
    final List<ServedResource> served = new CopyOnWriteArrayList<>();
    GarbageCollector gc;
    static final RequestContext NS = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, null);

    @BeforeEach
    void setUp() {
        backend = EmbeddedStorage.open(dir);
        storage = serving(backend);
        deployments = store("apps", "deployments", "Deployment", new Strategy() { });
        replicasets = store("apps", "replicasets", "ReplicaSet", new Strategy() { });
        pods = store("", "pods", "Pod", new Strategy() { });
        jobs = store("batch", "jobs", "Job", new OrphaningStrategy());
        gc = new GarbageCollector(storage, () -> served);
        gc.start();
    }

    io.kapi.api.storage.Storage serving(EmbeddedStorage backend) {
        return backend;
    }

    /** As kube's Job strategy: a delete that says nothing orphans the dependents. */
    static final class OrphaningStrategy implements Strategy, GarbageCollectionPolicy {
        @Override
        public Policy defaultGarbageCollectionPolicy(String version) {
            return Policy.ORPHAN_DEPENDENTS;
        }
    }

    private GenericStore store(String group, String resource, String kind, Strategy strategy) {
        ResourceMeta meta = new ResourceMeta(group, "v1", resource, kind, true);
        GenericStore s = new GenericStore(meta, strategy, storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN);
        served.add(new ServedResource(meta, null, s));
        return s;
    }

    @AfterEach
    void tearDown() throws Exception {
        gc.close();
        if (storage != backend) {
            ((AutoCloseable) storage).close();
        }
        backend.close();
    }

    private static ObjectNode object(String kind, String apiVersion, String name, ObjectNode... owners) {
        ObjectNode o = Json.object();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        ObjectNode m = o.putObject("metadata");
        m.put("name", name);
        for (ObjectNode owner : owners) {
            boolean first = !m.has("ownerReferences");
            ObjectNode ref = m.withArray("ownerReferences").addObject();
            ref.put("apiVersion", owner.path("apiVersion").asText());
            ref.put("kind", owner.path("kind").asText());
            ref.put("name", Json.name(owner));
            ref.put("uid", Json.text(owner.get("metadata"), "uid"));
            ref.put("controller", first);
            ref.put("blockOwnerDeletion", true);
        }
        return o;
    }

    /** deploy/web → rs/web-1 → pod/web-1-a, pod/web-1-b */
    private ObjectNode[] tree() {
        ObjectNode d = deployments.create(NS, object("Deployment", "apps/v1", "web"));
        ObjectNode rs = replicasets.create(NS, object("ReplicaSet", "apps/v1", "web-1", d));
        ObjectNode a = pods.create(NS, object("Pod", "v1", "web-1-a", rs));
        ObjectNode b = pods.create(NS, object("Pod", "v1", "web-1-b", rs));
        return new ObjectNode[] {d, rs, a, b};
    }

    private static ObjectNode options(String policy) {
        ObjectNode o = Json.object();
        o.put("propagationPolicy", policy);
        return o;
    }

    private static boolean gone(GenericStore s, String name) {
        try {
            s.get(NS, name, null);
            return false;
        } catch (StatusException e) {
            return "NotFound".equals(e.reason());
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (long end = System.nanoTime() + 10_000_000_000L; !condition.getAsBoolean(); ) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Kapi's own records (Service IP and node port reservations, plain values) are passed over without a warning. */
    @Test
    void kapisOwnRecordsAreNotObjectsAndAreNotWarnedAbout() throws Exception {
        List<java.util.logging.LogRecord> warnings = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(GraphBuilder.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            gc.close();
            backend.create("/registry/kapi.io/serviceips/10.96.0.1", "default/kubernetes".getBytes());
            backend.create("/registry/apps/deployments/default/broken", "{\"apiVersion\":".getBytes());
            gc = new GarbageCollector(storage, () -> served);
            gc.start(); // lists everything
            backend.create("/registry/kapi.io/serviceips/10.96.0.2", "default/other".getBytes()); // and watches
            ObjectNode[] t = tree();
            assertTrue(deployments.delete(NS, "web", options("Background")).immediate());
            await("the collector at work", () -> gone(pods, "web-1-a") && gone(pods, "web-1-b"));
            assertEquals(List.of("garbage collector: the object at /registry/apps/deployments/default/broken is not JSON; passed over"),
                    warnings.stream().map(java.util.logging.LogRecord::getMessage).toList(), "only the broken object is warned about");
            assertNotNull(t[0]);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void backgroundDeletesTheOwnerAtOnceAndItsDependentsAfter() throws Exception {
        tree();
        assertTrue(deployments.delete(NS, "web", options("Background")).immediate());
        await("replicaset and pods collected", () -> gone(replicasets, "web-1") && gone(pods, "web-1-a") && gone(pods, "web-1-b"));
    }

    @Test
    void foregroundDeletesTheDependentsFirstThenTheOwner() throws Exception {
        tree();
        var marked = deployments.delete(NS, "web", options("Foreground"));
        assertFalse(marked.immediate());
        assertEquals("[\"foregroundDeletion\"]", marked.object().path("metadata").path("finalizers").toString());
        assertFalse(marked.object().path("metadata").path("deletionTimestamp").asText().isEmpty());
        await("everything gone", () -> gone(pods, "web-1-a") && gone(pods, "web-1-b") && gone(replicasets, "web-1")
                && gone(deployments, "web"));
    }

    @Test
    void foregroundWaitsForABlockingDependentThatCannotGoYet() throws Exception {
        ObjectNode[] t = tree();
        // a pod held by someone else's finalizer: the replicaset (and so the deployment) wait for it
        pods.update(NS, "web-1-a", cur -> {
            ObjectNode c = cur.deepCopy();
            Json.metadata(c).putArray("finalizers").add("example.com/hold");
            return c;
        });
        deployments.delete(NS, "web", options("Foreground"));
        await("the other pod gone", () -> gone(pods, "web-1-b"));
        Thread.sleep(300);
        assertFalse(gone(deployments, "web"), "the owner waits for its blocking dependents");
        assertFalse(gone(replicasets, "web-1"));
        JsonNode held = pods.get(NS, "web-1-a", null).path("metadata");
        assertFalse(held.path("deletionTimestamp").asText().isEmpty(), "the held pod is being deleted");
        pods.update(NS, "web-1-a", cur -> {
            ObjectNode c = cur.deepCopy();
            Json.metadata(c).remove("finalizers");
            return c;
        });
        await("the rest follows", () -> gone(pods, "web-1-a") && gone(replicasets, "web-1") && gone(deployments, "web"));
        assertNotNull(t[0]);
    }

    @Test
    void orphanKeepsTheDependentsWithoutTheReference() throws Exception {
        tree();
        var marked = deployments.delete(NS, "web", options("Orphan"));
        assertFalse(marked.immediate());
        assertEquals("[\"orphan\"]", marked.object().path("metadata").path("finalizers").toString());
        await("owner gone once orphaned", () -> gone(deployments, "web"));
        JsonNode rs = replicasets.get(NS, "web-1", null).path("metadata");
        assertNull(rs.get("ownerReferences"), rs.toString());
        Thread.sleep(300);
        assertFalse(gone(pods, "web-1-a"), "the grandchildren keep their own owner");
        assertEquals("web-1", pods.get(NS, "web-1-a", null).path("metadata").path("ownerReferences").path(0).path("name").asText());
    }

    @Test
    void aResourceThatOrphansByDefaultDoesSoWhenTheDeleteSaysNothing() throws Exception {
        ObjectNode job = jobs.create(NS, object("Job", "batch/v1", "once"));
        pods.create(NS, object("Pod", "v1", "once-x", job));
        var marked = jobs.delete(NS, "once", Json.object());
        assertEquals("[\"orphan\"]", marked.object().path("metadata").path("finalizers").toString());
        await("job gone", () -> gone(jobs, "once"));
        Thread.sleep(200);
        assertFalse(gone(pods, "once-x"));
        // an explicit background delete of a job collects its pods
        ObjectNode job2 = jobs.create(NS, object("Job", "batch/v1", "twice"));
        pods.create(NS, object("Pod", "v1", "twice-x", job2));
        assertTrue(jobs.delete(NS, "twice", options("Background")).immediate());
        await("pod of the background-deleted job collected", () -> gone(pods, "twice-x"));
    }

    @Test
    void aDependentWhoseOwnerNeverExistedIsCollected() throws Exception {
        ObjectNode ghost = object("Deployment", "apps/v1", "ghost");
        Json.metadata(ghost).put("uid", "00000000-0000-0000-0000-000000000001");
        replicasets.create(NS, object("ReplicaSet", "apps/v1", "orphaned", ghost));
        await("collected", () -> gone(replicasets, "orphaned"));
    }

    @Test
    void aDependentWithOneOwnerLeftLosesOnlyTheReferenceToTheGoneOne() throws Exception {
        ObjectNode d1 = deployments.create(NS, object("Deployment", "apps/v1", "one"));
        ObjectNode d2 = deployments.create(NS, object("Deployment", "apps/v1", "two"));
        replicasets.create(NS, object("ReplicaSet", "apps/v1", "shared", d1, d2));
        deployments.delete(NS, "one", options("Background"));
        await("reference to the gone owner removed", () -> replicasets.get(NS, "shared", null).path("metadata")
                .path("ownerReferences").size() == 1);
        assertEquals("two", replicasets.get(NS, "shared", null).path("metadata").path("ownerReferences").path(0).path("name").asText());
        assertNotNull(d2);
    }

    @Test
    void anOwnerWhoseGroupIsNotServedKeepsItsDependentsUntilItIs() throws Exception {
        ObjectNode d = deployments.create(NS, object("Deployment", "apps/v1", "web"));
        ServedResource apps = served.stream().filter(r -> r.meta().resource().equals("deployments")).findFirst().orElseThrow();
        served.remove(apps);
        replicasets.create(NS, object("ReplicaSet", "apps/v1", "web-1", d));
        storage.delete("/registry/apps/deployments/default/web", 0);
        Thread.sleep(500);
        assertFalse(gone(replicasets, "web-1"), "an owner of a kind not served is not taken for gone");
        served.add(apps);
        await("collected once the owner's kind is served again", () -> gone(replicasets, "web-1"));
    }

    /**
     * Started on a store nothing was ever written to, the collector still sees what is written between its
     * list and its watch (a watch from revision 0 would start "from now", after those writes).
     */
    @Test
    void whatIsWrittenWhileTheCollectorStartsOnAnEmptyStoreIsSeen() throws Exception {
        gc.close();
        java.util.concurrent.atomic.AtomicBoolean firstList = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.kapi.api.storage.Storage hooked = new io.kapi.storage.testsupport.ForwardingStorage(storage) {
            @Override
            public io.kapi.api.storage.ListResult list(String prefix, long revision, String startAfter, int limit) {
                io.kapi.api.storage.ListResult r = super.list(prefix, revision, startAfter, limit);
                if (firstList.getAndSet(false)) {
                    tree(); // written after the list answered, before the watch starts
                }
                return r;
            }
        };
        gc = new GarbageCollector(hooked, () -> served);
        gc.start();
        if (storage.currentRevision() == 0) {
            Thread.sleep(300);
            // the collector waits for a first write before it lists: give it one, then the tree follows its list
            backend.create("/registry/kapi.io/test/first-write", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        await("the tree written during the start", () -> !firstList.get() && !gone(pods, "web-1-a"));
        assertTrue(deployments.delete(NS, "web", options("Background")).immediate());
        await("collected", () -> gone(replicasets, "web-1") && gone(pods, "web-1-a") && gone(pods, "web-1-b"));
    }

    @Test
    void theCollectorPicksUpWhatWasLeftWhileItWasNotRunning() throws Exception {
        gc.close();
        tree();
        assertTrue(deployments.delete(NS, "web", options("Background")).immediate());
        var marked = replicasets.get(NS, "web-1", null);
        assertNotNull(marked);
        gc = new GarbageCollector(storage, () -> served);
        gc.start();
        await("collected after a restart", () -> gone(replicasets, "web-1") && gone(pods, "web-1-a") && gone(pods, "web-1-b"));
    }
}
