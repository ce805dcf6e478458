package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.testsupport.StorageContractSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedStorageTest extends StorageContractSuite {

    @TempDir
    Path dir;

    private int opened;

    @Override
    protected Storage newStorage() {
        return EmbeddedStorage.open(dir.resolve("store" + (opened++)));
    }

    @Override
    protected Storage restart(Storage s) {
        EmbeddedStorage e = (EmbeddedStorage) s;
        e.close();
        return EmbeddedStorage.open(e.directory());
    }

    private EmbeddedStorage open(EmbeddedStorage.Options options) {
        return track(EmbeddedStorage.open(dir.resolve("custom" + (opened++)), options));
    }

    @Test
    void valueOverTheLimitIsTooLarge() {
        EmbeddedStorage s = open(new EmbeddedStorage.Options().maxValueBytes(1024));
        s.create("/registry/big/ok", new byte[1024]);
        StorageException e = assertThrows(StorageException.class, () -> s.create("/registry/big/no", new byte[1025]));
        assertEquals(StorageException.Code.TOO_LARGE, e.code());
        KeyValue ok = s.get("/registry/big/ok");
        assertEquals(StorageException.Code.TOO_LARGE,
                assertThrows(StorageException.class, () -> s.update("/registry/big/ok", ok.modRevision(), new byte[2000])).code());
        assertNull(s.get("/registry/big/no"));
    }

    @Test
    void pagesAtOneRevisionKeepTheirRemainingCountsWhileWritesGoOn() {
        for (int i = 0; i < 50; i++) {
            store.create(String.format("/registry/pages/k%02d", i), new byte[] {(byte) i});
        }
        store.delete("/registry/pages/k07", 0);
        ListResult first = store.list("/registry/pages/", 0, null, 10);
        assertEquals(39, first.remaining());
        List<KeyValue> all = new ArrayList<>(first.items());
        String after = first.items().get(9).key();
        int page = 0;
        ListResult r;
        do {
            // writes between the pages, after and before where the next page starts: none is seen at the list's revision
            store.create("/registry/pages/k" + (60 + page), new byte[] {1});
            store.delete(String.format("/registry/pages/k%02d", 45 - page), 0);
            r = store.list("/registry/pages/", first.revision(), after, 10);
            ListResult whole = store.list("/registry/pages/", first.revision(), after, 0);
            assertEquals(whole.items().size() - r.items().size(), r.remaining(), "page " + page);
            assertEquals(r.remaining() > 0, r.more());
            all.addAll(r.items());
            after = r.items().get(r.items().size() - 1).key();
            page++;
        } while (r.more());
        assertEquals(49, all.size(), "the list as it was at its revision");
        assertEquals(store.list("/registry/pages/", first.revision(), null, 0).items().stream().map(KeyValue::key).toList(),
                all.stream().map(KeyValue::key).toList());
    }

    @Test
    void pagesRemainingIsAskedOnceAndBounded() {
        PagesRemaining pages = new PagesRemaining();
        pages.put("/p/", 5, "/p/a", 7);
        assertEquals(7L, pages.after("/p/", 5, "/p/a"));
        assertNull(pages.after("/p/", 5, "/p/a"), "one next page per page");
        assertNull(pages.after("/p/", 6, "/p/a"));
        for (int i = 0; i < PagesRemaining.CAPACITY + 10; i++) {
            pages.put("/p/", i, "/p/a", i);
        }
        assertEquals(PagesRemaining.CAPACITY, pages.size());
        assertNull(pages.after("/p/", 0, "/p/a"), "the oldest went");
    }

    @Test
    void defaultLimitAcceptsThreeMebibytes() {
        store.create("/registry/big/three", new byte[3 * 1024 * 1024]);
        assertEquals(3 * 1024 * 1024, store.get("/registry/big/three").value().length);
        assertEquals(StorageException.Code.TOO_LARGE, assertThrows(StorageException.class,
                () -> store.create("/registry/big/four", new byte[4 * 1024 * 1024])).code());
    }

    @Test
    void concurrentWritersShareSyncs() throws Exception {
        EmbeddedStorage s = (EmbeddedStorage) store;
        long syncsBefore = s.syncCount();
        int writers = 16;
        int perWriter = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perWriter; i++) {
                        s.create("/registry/gc/" + id + "-" + i, new byte[100]);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long syncs = s.syncCount() - syncsBefore;
        assertEquals(writers * perWriter, s.count("/registry/gc/"));
        // Every acknowledged write was synced, but writers waiting together shared a sync.
        assertTrue(syncs > 0);
        assertTrue(syncs < writers * perWriter, "syncs: " + syncs);
    }

    @Test
    void slowWatcherIsClosedWithAnError() throws Exception {
        EmbeddedStorage s = open(new EmbeddedStorage.Options().watchBufferEvents(10));
        CountDownLatch release = new CountDownLatch(1);
        Recorder slowRecord = new Recorder();
        track(s.watch("/registry/slow/", 0, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onClose(StorageException error) {
                slowRecord.onClose(error);
            }
        }));
        // Only a live watcher has a bounded queue; one still catching up reads the history at its own pace.
        // Its delivery thread may start late on a busy machine, so wait until it has joined the live set.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.liveWatchCount() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, s.liveWatchCount());
        // These complete while the listener is still blocked: writers never wait for watchers.
        for (int i = 0; i < 50; i++) {
            s.create("/registry/slow/k" + i, new byte[10]);
        }
        assertFalse(slowRecord.closed.isDone() && slowRecord.closeCalls.get() > 1);
        release.countDown();
        StorageException error = slowRecord.awaitClose();
        assertNotNull(error);
        assertEquals(StorageException.Code.UNAVAILABLE, error.code());
        assertTrue(error.getMessage().contains("too slow"), error.getMessage());
        assertEquals(1, slowRecord.closeCalls.get());
        Recorder next = new Recorder();
        track(s.watch("/registry/slow/", 0, next));
        KeyValue after = s.create("/registry/slow/after", new byte[1]);
        assertEquals(after.modRevision(), next.next().revision());
    }

    @Test
    void idleWatchersGetProgress() throws Exception {
        EmbeddedStorage s = open(new EmbeddedStorage.Options().progressIntervalMillis(50));
        KeyValue kv = s.create("/registry/other/a", new byte[1]);
        Recorder r = new Recorder();
        track(s.watch("/registry/idle/", 0, r));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.lastProgress < kv.modRevision() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(kv.modRevision(), r.lastProgress);
        assertTrue(r.events.isEmpty());
    }

    @Test
    void closingTheStoreEndsWatchesCleanlyAndRejectsCalls() throws Exception {
        EmbeddedStorage s = EmbeddedStorage.open(dir.resolve("closing"));
        Recorder live = new Recorder();
        s.watch("/registry/z/", 0, live);
        s.create("/registry/z/a", new byte[1]);
        live.next();
        s.close();
        assertNull(live.awaitClose());
        assertEquals(1, live.closeCalls.get());
        assertEquals(StorageException.Code.UNAVAILABLE,
                assertThrows(StorageException.class, () -> s.get("/registry/z/a")).code());
        assertEquals(StorageException.Code.UNAVAILABLE,
                assertThrows(StorageException.class, () -> s.create("/registry/z/b", new byte[1])).code());
        assertEquals(StorageException.Code.UNAVAILABLE,
                assertThrows(StorageException.class, () -> s.watch("/registry/z/", 0, new Recorder())).code());
        s.close();
    }

    @Test
    void automaticCompactionKeepsOnePeriodOfHistory() throws Exception {
        EmbeddedStorage s = open(new EmbeddedStorage.Options().autoCompactionIntervalMillis(100));
        KeyValue first = s.create("/registry/ac/a", new byte[1]);
        s.create("/registry/ac/b", new byte[1]); // compaction stops short of the current revision
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.compactedRevision() < first.modRevision() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(first.modRevision(), s.compactedRevision());
        assertNotNull(s.get("/registry/ac/a"));
    }

    @Test
    void automaticCompactionLeavesTheCurrentRevisionReadable() throws Exception {
        // Idle for several compaction periods: a list paged at the current revision (the watch
        // cache's initial list after a restart) still reads its second page.
        EmbeddedStorage s = open(new EmbeddedStorage.Options().autoCompactionIntervalMillis(50));
        KeyValue a = s.create("/registry/ai/a", bytes("a"));
        KeyValue b = s.create("/registry/ai/b", bytes("b"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.compactedRevision() < a.modRevision() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(a.modRevision(), s.compactedRevision());
        ListResult first = s.list("/registry/ai/", 0, null, 1);
        assertEquals(b.modRevision(), first.revision());
        assertEquals(List.of("/registry/ai/b"), keys(s.list("/registry/ai/", first.revision(), "/registry/ai/a", 1)));
    }

    @Test
    void nonRecursiveListAndCountMatchTheKeyOnly() {
        store.create("/registry/nr/a", new byte[1]);
        store.create("/registry/nr/ab", new byte[1]);
        assertEquals(List.of("/registry/nr/a"), keys(store.list("/registry/nr/a", 0, null, 0)));
        assertEquals(1, store.count("/registry/nr/a"));
    }

    @Test
    void compactionReclaimsHistoryAcrossRestart() throws Exception {
        KeyValue kv = store.create("/registry/cr/a", new byte[1]);
        for (int i = 0; i < 2000; i++) {
            kv = store.update("/registry/cr/a", kv.modRevision(), new byte[] {(byte) i});
        }
        store.compact(kv.modRevision() - 2);
        EmbeddedStorage s = (EmbeddedStorage) restart(store);
        store = track(s);
        assertEquals(kv.modRevision() - 2, s.compactedRevision());
        Recorder r = new Recorder();
        track(s.watch("/registry/cr/a", kv.modRevision() - 1, r));
        WatchEvent e = r.next();
        assertEquals(kv.modRevision(), e.revision());
        assertEquals((byte) 1998, e.prevValue()[0]);
        assertTrue(Files.size(s.directory().resolve(EmbeddedStorage.FILE_NAME)) > 0);
    }

    @Test
    void invalidKeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> store.create("/registry/x/", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.create("/registry/x\0y", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.create("", new byte[1]));
        assertFalse(store.list("/registry/", 0, null, 0).more());
    }

    @Test
    void versionKeysSortByRevision() {
        assertTrue(VersionCodec.versionKey("/a", 9).compareTo(VersionCodec.versionKey("/a", 10)) < 0);
        assertTrue(VersionCodec.versionKey("/a", 10).compareTo(VersionCodec.versionKey("/a/b", 1)) < 0);
        assertEquals(1234567890123L, VersionCodec.parseRevision(VersionCodec.versionKey("/x", 1234567890123L)));
    }
}
