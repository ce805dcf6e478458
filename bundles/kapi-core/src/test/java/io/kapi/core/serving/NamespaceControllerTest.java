package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
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
                            + "{\"name\":\"going\",\"deletionTimestamp\":\"2026-12-06T00:00:00Z\"},\"status\":{\"phase\":\"Terminating\"}}")
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
}
