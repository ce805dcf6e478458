package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.core.json.Json;
import io.kapi.storage.embedded.EmbeddedStorage;
import io.kapi.storage.testsupport.ForwardingStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceControllerTest {
    @TempDir
    Path dir;

    private EmbeddedStorage backend;
    private NamespaceController controller;

    @BeforeEach
    void open() {
        backend = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(false));
    }

    @AfterEach
    void close() {
        if (controller != null) {
            controller.close();
        }
        backend.close();
    }

    /**
     * Started on a store nothing was ever written to, the controller still sees a namespace marked for
     * deletion between its list and its watch (a watch from revision 0 would start "from now", after it).
     */
    @Test
    void aNamespaceWrittenWhileTheControllerStartsOnAnEmptyStoreIsDeleted() throws Exception {
        AtomicBoolean firstList = new AtomicBoolean(true);
        Storage hooked = new ForwardingStorage(backend) {
            @Override
            public ListResult list(String prefix, long revision, String startAfter, int limit) {
                ListResult r = super.list(prefix, revision, startAfter, limit);
                if (firstList.getAndSet(false)) {
                    // written after the list answered, before the watch starts
                    backend.create("/registry/namespaces/going", ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
                            + "{\"name\":\"going\",\"deletionTimestamp\":\"2026-12-06T00:00:00Z\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},"
                            + "\"status\":{\"phase\":\"Terminating\"}}")
                            .getBytes(StandardCharsets.UTF_8));
                }
                return r;
            }
        };
        controller = new NamespaceController(hooked, List::of);
        controller.start();
        Thread.sleep(300);
        if (backend.currentRevision() == 0) {
            // the controller waits for a first write before it lists: give it one, then the namespace follows its list
            backend.create("/registry/kapi.io/test/first-write", "{}".getBytes(StandardCharsets.UTF_8));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((firstList.get() || backend.get("/registry/namespaces/going") != null) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(!firstList.get(), "the controller listed");
        assertNull(backend.get("/registry/namespaces/going"), "the namespace marked for deletion was seen and removed");
        assertEquals(0, backend.count("/registry/namespaces/"));
    }

    /**
     * kube's finalize: the controller takes only its own {@code kubernetes} finalizer off; a namespace that another
     * finalizer (in its spec or its metadata) holds stays Terminating for that finalizer's owner, and one without
     * the {@code kubernetes} finalizer is not touched. The namespaces are considered in the order listed, so once the
     * last one is gone the others have been seen.
     */
    @Test
    void onlyTheKubernetesFinalizerIsTakenOffAndOtherFinalizersHoldTheNamespace() throws Exception {
        backend.create("/registry/namespaces/a-held", terminating("a-held", "[\"kubernetes\",\"example.com/hold\"]", "[]"));
        backend.create("/registry/namespaces/b-held-by-metadata", terminating("b-held-by-metadata", "[\"kubernetes\"]",
                "[\"example.com/meta\"]"));
        backend.create("/registry/namespaces/c-finalized", terminating("c-finalized", "[\"example.com/hold\"]", "[]"));
        backend.create("/registry/namespaces/z-going", terminating("z-going", "[\"kubernetes\"]", "[]"));
        long untouched = backend.get("/registry/namespaces/c-finalized").modRevision();
        controller = new NamespaceController(backend, List::of);
        controller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (backend.get("/registry/namespaces/z-going") != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNull(backend.get("/registry/namespaces/z-going"), "nothing but kubernetes held it: gone");
        ObjectNode held = Json.parseObject(backend.get("/registry/namespaces/a-held").value());
        assertEquals("[\"example.com/hold\"]", held.path("spec").path("finalizers").toString());
        assertEquals("Terminating", held.path("status").path("phase").asText());
        assertTrue(held.path("status").path("conditions").toString().contains("All content successfully removed"), held.toString());
        ObjectNode heldByMetadata = Json.parseObject(backend.get("/registry/namespaces/b-held-by-metadata").value());
        assertEquals("[]", heldByMetadata.path("spec").path("finalizers").toString());
        assertEquals("[\"example.com/meta\"]", heldByMetadata.path("metadata").path("finalizers").toString());
        assertEquals(untouched, backend.get("/registry/namespaces/c-finalized").modRevision(), "finalized already: left alone");
    }

    private static byte[] terminating(String name, String specFinalizers, String metadataFinalizers) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"finalizers\":"
                + metadataFinalizers + ",\"deletionTimestamp\":\"2026-12-06T00:00:00Z\"},\"spec\":{\"finalizers\":" + specFinalizers
                + "},\"status\":{\"phase\":\"Terminating\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
