package io.kapi.core.registry;

import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.core.cache.WatchCache;
import io.kapi.storage.embedded.EmbeddedStorage;
import io.kapi.storage.testsupport.ForwardingStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StorageNamespaceGuardTest {

    @TempDir
    Path dir;

    private EmbeddedStorage store;
    private CountingStorage backend;
    private WatchCache cache;

    @BeforeEach
    void open() {
        store = EmbeddedStorage.open(dir.resolve("store"));
        backend = new CountingStorage(store);
        cache = new WatchCache(backend, "/registry/");
    }

    @AfterEach
    void close() {
        cache.close();
        store.close();
    }

    private static byte[] ns(String name, String phase) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"status\":{\"phase\":\"" + phase + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private void awaitCached(String key, long revision) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((cache.peek(key) == null || cache.peek(key).modRevision() < revision) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(revision, cache.peek(key).modRevision());
    }

    @Test
    void aCachedNamespaceCostsNoBackendRead() throws Exception {
        KeyValue kv = store.create("/registry/namespaces/team", ns("team", "Active"));
        awaitCached("/registry/namespaces/team", kv.modRevision());
        NamespaceGuard guard = new StorageNamespaceGuard(cache);
        int before = backend.gets.get();
        for (int i = 0; i < 100; i++) {
            guard.checkCreate("team");
        }
        assertEquals(before, backend.gets.get());
    }

    @Test
    void aNamespaceNotCachedYetIsReadFromTheBackend() {
        // written below the cache's back: the cache may not have seen it, the guard must still accept it
        NamespaceGuard guard = new StorageNamespaceGuard(cache);
        store.create("/registry/namespaces/fresh", ns("fresh", "Active"));
        guard.checkCreate("fresh");
        StatusException missing = assertThrows(StatusException.class, () -> guard.checkCreate("nowhere"));
        assertEquals(404, missing.code());
    }

    @Test
    void aTerminatingNamespaceRefusesCreates() throws Exception {
        KeyValue kv = store.create("/registry/namespaces/old", ns("old", "Terminating"));
        awaitCached("/registry/namespaces/old", kv.modRevision());
        StatusException e = assertThrows(StatusException.class, () -> new StorageNamespaceGuard(cache).checkCreate("old"));
        assertEquals(403, e.code());
        // the same answer straight from storage
        e = assertThrows(StatusException.class, () -> new StorageNamespaceGuard(store).checkCreate("old"));
        assertEquals(403, e.code());
    }

    /** What the guard found of a namespace is kept only while the namespace is unchanged. */
    @Test
    void aNamespaceThatStartsTerminatingRefusesCreatesFromThen() throws Exception {
        KeyValue kv = store.create("/registry/namespaces/team", ns("team", "Active"));
        awaitCached("/registry/namespaces/team", kv.modRevision());
        NamespaceGuard guard = new StorageNamespaceGuard(cache);
        guard.checkCreate("team");
        guard.checkCreate("team");
        KeyValue terminating = store.update("/registry/namespaces/team", kv.modRevision(), ns("team", "Terminating"));
        awaitCached("/registry/namespaces/team", terminating.modRevision());
        assertEquals(403, assertThrows(StatusException.class, () -> guard.checkCreate("team")).code());
    }

    /** Counts the consistent single-key reads that reach the backend. */
    private static final class CountingStorage extends ForwardingStorage {
        final AtomicInteger gets = new AtomicInteger();

        CountingStorage(Storage delegate) {
            super(delegate);
        }

        @Override
        public KeyValue get(String key) {
            gets.incrementAndGet();
            return delegate.get(key);
        }
    }
}
