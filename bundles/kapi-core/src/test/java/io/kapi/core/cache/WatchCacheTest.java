package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.embedded.EmbeddedStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WatchCacheTest {

    private static final long TIMEOUT_SECONDS = 20;

    @TempDir
    Path dir;

    private EmbeddedStorage backend;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void open() {
        backend = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(false));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        backend.close();
    }

    private WatchCache cache(io.kapi.api.storage.Storage over, WatchCache.Options options) {
        WatchCache c = new WatchCache(over, "/registry/", options);
        toClose.add(c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a condition that has no event to wait on (a counter in the cache). */
    private static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Records events and counts down when it has seen {@code until}. */
    static class Recorder implements WatchListener {
        final List<WatchEvent> events = new ArrayList<>();
        /** The threads the events were delivered on. */
        final java.util.Set<String> threads = new java.util.TreeSet<>();
        final List<Long> progress = new ArrayList<>();
        final CompletableFuture<StorageException> closed = new CompletableFuture<>();
        final CountDownLatch reached;
        final long until;
        final CountDownLatch progressed = new CountDownLatch(1);

        Recorder(long until) {
            this.until = until;
            this.reached = new CountDownLatch(1);
        }

        @Override
        public synchronized void onEvent(WatchEvent event) {
            events.add(event);
            threads.add(Thread.currentThread().getName());
            if (event.revision() >= until) {
                reached.countDown();
            }
        }

        @Override
        public synchronized void onProgress(long revision) {
            progress.add(revision);
            progressed.countDown();
        }

        @Override
        public void onClose(StorageException error) {
            closed.complete(error);
        }

        void awaitReached() throws InterruptedException {
            assertTrue(reached.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "events up to " + until + " not seen");
        }

        synchronized List<Long> revisions() {
            List<Long> out = new ArrayList<>();
            for (WatchEvent e : events) {
                out.add(e.revision());
            }
            return out;
        }
    }

    @Test
    void aCatchingUpWatcherIsReplayedTheSameEventInstancesAndOldMemosAreDropped() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options().watcherQueueCapacity(4));
        cache.create("/registry/m/first", bytes("v")); // a start revision above 0 (0 would mean "from now")
        long start = cache.currentRevision();
        Recorder live = new Recorder(start + 10);
        toClose.add(cache.watch("/registry/", 0, live));
        for (int i = 0; i < 10; i++) {
            cache.create("/registry/m/k" + i, bytes("v"));
        }
        live.awaitReached();
        Recorder late = new Recorder(start + 10);
        toClose.add(cache.watch("/registry/", start, late));
        late.awaitReached();
        List<WatchEvent> seen;
        synchronized (live) {
            seen = new ArrayList<>(live.events);
        }
        synchronized (late) {
            assertEquals(seen.size(), late.events.size());
            for (int i = 0; i < seen.size(); i++) {
                // the ring holds the event the live watchers got: what they memoized on it is shared with the replay
                assertSame(seen.get(i), late.events.get(i));
            }
        }
        Object key = new Object();
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        WatchEvent newest = seen.get(9);
        newest.memo(key, e -> computed.incrementAndGet());
        newest.memo(key, e -> computed.incrementAndGet());
        assertEquals(1, computed.get(), "memoized: computed once");
        // once more than watcherQueueCapacity newer events are in, the cache drops the memo (the bytes stay)
        for (int i = 10; i < 15; i++) {
            cache.create("/registry/m/k" + i, bytes("v"));
        }
        awaitCondition("newer events", () -> live.revisions().size() == 15);
        newest.memo(key, e -> computed.incrementAndGet());
        assertEquals(2, computed.get(), "the memo of an event far behind the head was dropped");
        assertArrayEquals(bytes("v"), newest.value());
    }

    @Test
    void manyWatchersSeeTheSameOrderedEventsUnderConcurrentWriters() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options());
        int writers = 4;
        int perWriter = 150;
        long start = cache.currentRevision();
        long end = start + writers * perWriter * 2L;
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Recorder r = new Recorder(end);
            recorders.add(r);
            toClose.add(cache.watch(i % 2 == 0 ? "/registry/" : "/registry/things/", 0, r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        KeyValue kv = cache.create("/registry/things/w" + id + "-" + i, bytes("a"));
                        cache.update(kv.key(), kv.modRevision(), bytes("b"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(end, cache.currentRevision());
        List<Long> expected = new ArrayList<>();
        for (long r = start + 1; r <= end; r++) {
            expected.add(r);
        }
        WatchEvent[] reference = null;
        for (Recorder r : recorders) {
            r.awaitReached();
            assertEquals(expected, r.revisions(), "every watcher sees every change once, in order");
            WatchEvent[] got;
            synchronized (r) {
                got = r.events.toArray(new WatchEvent[0]);
            }
            if (reference == null) {
                reference = got;
            } else {
                for (int i = 0; i < got.length; i++) {
                    // one event object fanned out to every watcher: no per-watcher copy
                    assertSame(reference[i], got[i]);
                }
            }
            assertNull(r.closed.getNow(null));
        }
    }

    /** A recorder that never blocks, so the cache may call it on its dispatching thread. */
    static final class NonBlockingRecorder extends Recorder implements NonBlocking {
        NonBlockingRecorder(long until) {
            super(until);
        }
    }

    @Test
    void nonBlockingWatchersAreCalledOnTheDispatchingThreadAndSeeTheSameOrderedEvents() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options());
        long start = cache.currentRevision();
        int writes = 400;
        long end = start + writes;
        List<Recorder> plain = new ArrayList<>();
        List<Recorder> inline = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Recorder p = new Recorder(end);
            Recorder n = new NonBlockingRecorder(end);
            plain.add(p);
            inline.add(n);
            toClose.add(cache.watch("/registry/", 0, p));
            toClose.add(cache.watch("/registry/", 0, n));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < writes / 2; i++) {
                        cache.create("/registry/inline/w" + id + "-" + i, bytes("a"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> expected = new ArrayList<>();
        for (long r = start + 1; r <= end; r++) {
            expected.add(r);
        }
        for (Recorder r : plain) {
            r.awaitReached();
            assertEquals(expected, r.revisions());
            synchronized (r) {
                assertTrue(r.threads.stream().allMatch(t -> t.startsWith("kapi-watchcache-delivery-")), r.threads::toString);
            }
        }
        for (Recorder r : inline) {
            r.awaitReached();
            assertEquals(expected, r.revisions(), "every change once, in order, on whichever thread");
            synchronized (r) {
                assertTrue(r.threads.stream().anyMatch(t -> !t.startsWith("kapi-watchcache-delivery-")),
                        "a live event with nothing waiting is delivered by the dispatching thread: " + r.threads);
            }
            assertNull(r.closed.getNow(null));
        }
    }

    @Test
    void slowWatcherIsClosedWhileFastOnesKeepGoing() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options()
                .watcherQueueCapacity(8).slowWatcherBudgetMillis(200));
        long start = cache.currentRevision();
        int writes = 300;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        List<WatchEvent> slowSeen = new ArrayList<>();
        CompletableFuture<StorageException> slowClosed = new CompletableFuture<>();
        toClose.add(cache.watch("/registry/", 0, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                synchronized (slowSeen) {
                    slowSeen.add(event);
                }
                blocked.countDown();
                try {
                    release.await(); // a client that stopped reading
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onClose(StorageException error) {
                slowClosed.complete(error);
            }
        }));
        List<Recorder> fast = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder r = new Recorder(start + writes);
            fast.add(r);
            toClose.add(cache.watch("/registry/", 0, r));
        }
        for (int i = 0; i < writes; i++) {
            cache.create("/registry/s/k" + i, bytes("v"));
        }
        assertTrue(blocked.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        for (Recorder r : fast) {
            r.awaitReached();
            assertEquals(writes, r.revisions().size());
        }
        awaitCondition("the slow watcher to be closed", () -> cache.slowWatchersClosed() == 1);
        assertEquals(3, cache.watcherCount());
        release.countDown();
        StorageException error = slowClosed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error);
        assertEquals(StorageException.Code.UNAVAILABLE, error.code());
        assertTrue(error.getMessage().contains("too slow"), error.getMessage());
        synchronized (slowSeen) {
            assertEquals(1, slowSeen.size(), "nothing is delivered after the close");
        }
        // the fast ones are unaffected and keep receiving
        KeyValue more = cache.create("/registry/s/after", bytes("v"));
        for (Recorder r : fast) {
            Recorder next = r;
            awaitCondition("the next event", () -> next.revisions().contains(more.modRevision()));
            assertNull(r.closed.getNow(null));
        }
    }

    @Test
    void watchBeforeTheWindowIsCompactedAndInsideItReplays() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options().historyCapacity(10));
        List<KeyValue> writes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            writes.add(cache.create("/registry/h/k" + i, bytes("v" + i)));
        }
        long last = writes.get(29).modRevision();
        awaitCondition("the cache to catch up", () -> cache.cachedRevision() == last);
        long windowStart = cache.windowStartRevision();
        assertEquals(last - 10, windowStart);

        StorageException e = assertThrows(StorageException.class,
                () -> cache.watch("/registry/h/", windowStart - 1, new Recorder(0)));
        assertEquals(StorageException.Code.COMPACTED, e.code());
        assertEquals(windowStart, e.revision());
        assertTrue(e.getMessage().startsWith("too old resource version"), e.getMessage());

        Recorder r = new Recorder(last);
        toClose.add(cache.watch("/registry/h/", windowStart, r));
        r.awaitReached();
        List<Long> expected = new ArrayList<>();
        for (long rev = windowStart + 1; rev <= last; rev++) {
            expected.add(rev);
        }
        assertEquals(expected, r.revisions());
    }

    @Test
    void listAndGetFromMemoryEqualTheBackend() {
        WatchCache cache = cache(backend, new WatchCache.Options());
        for (int i = 0; i < 300; i++) {
            String ns = "ns" + (i % 3);
            cache.create("/registry/pods/" + ns + "/p" + i, bytes("pod" + i));
            if (i % 5 == 0) {
                cache.create("/registry/configmaps/" + ns + "/c" + i, bytes("cm" + i));
            }
        }
        for (int i = 0; i < 300; i += 7) {
            KeyValue kv = cache.get("/registry/pods/ns" + (i % 3) + "/p" + i);
            cache.update(kv.key(), kv.modRevision(), bytes("updated" + i));
        }
        for (int i = 1; i < 300; i += 11) {
            cache.delete("/registry/pods/ns" + (i % 3) + "/p" + i, 0);
        }
        cache.create("/registry/pods/ns", bytes("sibling, not under /registry/pods/ns/"));
        cache.create("/other/outside-root", bytes("x"));
        long before = cache.readsFromMemory();

        for (String prefix : List.of("/registry/", "/registry/pods/", "/registry/pods/ns1/",
                "/registry/configmaps/ns2/", "/registry/none/")) {
            assertSameList(backend.list(prefix, 0, null, 0), cache.list(prefix, 0, null, 0));
            assertSameList(backend.list(prefix, 0, null, 7), cache.list(prefix, 0, null, 7));
            assertSameList(backend.list(prefix, 0, "/registry/pods/ns1/p50", 5),
                    cache.list(prefix, 0, "/registry/pods/ns1/p50", 5));
            // paging on at the list's revision: served from memory while nothing changed
            ListResult first = cache.list(prefix, 0, null, 10);
            if (first.more()) {
                String lastKey = first.items().get(first.items().size() - 1).key();
                assertSameList(backend.list(prefix, first.revision(), lastKey, 10),
                        cache.list(prefix, first.revision(), lastKey, 10));
            }
        }
        for (int i = 0; i < 300; i++) {
            String key = "/registry/pods/ns" + (i % 3) + "/p" + i;
            assertSameKeyValue(backend.get(key), cache.get(key));
        }
        assertNull(cache.get("/registry/pods/ns0/missing"));
        assertTrue(cache.readsFromMemory() - before >= 300, "reads were answered from memory");
        assertEquals(0, cache.readsFromBackend());

        // an older revision is the backend's business
        long old = cache.currentRevision() - 50;
        assertSameList(backend.list("/registry/pods/", old, null, 0), cache.list("/registry/pods/", old, null, 0));
        assertEquals(1, cache.readsFromBackend());
        // outside the root: straight to the backend
        assertEquals("x", new String(cache.get("/other/outside-root").value(), StandardCharsets.UTF_8));
        assertEquals(backend.count("/registry/pods/"), cache.count("/registry/pods/"));
    }

    @Test
    void theNextPagesOfAListComeFromItsSnapshotAfterWritesUntilTheRevisionIsCompacted() {
        WatchCache cache = cache(backend, new WatchCache.Options());
        for (int i = 0; i < 100; i++) {
            cache.create(String.format("/registry/pods/ns/p%03d", i), bytes("pod" + i));
        }
        ListResult first = cache.list("/registry/pods/ns/", 0, null, 30);
        assertEquals(70, first.remaining());
        // writes after the first page: updated, deleted, created, inside the pages still to come
        KeyValue p50 = cache.get("/registry/pods/ns/p050");
        cache.update(p50.key(), p50.modRevision(), bytes("changed"));
        cache.delete("/registry/pods/ns/p060", 0);
        cache.create("/registry/pods/ns/p070a", bytes("new"));
        awaitCondition("the cache applied the writes", () -> cache.cachedRevision() == backend.currentRevision());
        long fromBackend = cache.readsFromBackend();

        String after = first.items().get(29).key();
        List<KeyValue> rest = new ArrayList<>();
        ListResult page;
        do {
            page = cache.list("/registry/pods/ns/", first.revision(), after, 30);
            assertSameList(backend.list("/registry/pods/ns/", first.revision(), after, 30), page);
            rest.addAll(page.items());
            after = page.items().get(page.items().size() - 1).key();
        } while (page.more());
        assertEquals(70, rest.size(), "the list as it was at its revision");
        assertEquals(fromBackend, cache.readsFromBackend(), "every later page served from memory");

        backend.compact(backend.currentRevision());
        StorageException e = assertThrows(StorageException.class,
                () -> cache.list("/registry/pods/ns/", first.revision(), first.items().get(29).key(), 30));
        assertEquals(StorageException.Code.COMPACTED, e.code(), "a compacted revision is too old, as the backend says");
    }

    @Test
    void consistentReadSeesAWriteAcknowledgedJustBefore() {
        WatchCache cache = cache(backend, new WatchCache.Options());
        for (int i = 0; i < 200; i++) {
            KeyValue kv = cache.create("/registry/rw/k" + i, bytes("v" + i));
            KeyValue got = cache.get(kv.key());
            assertNotNull(got, "read-your-writes through the cache");
            assertEquals(kv.modRevision(), got.modRevision());
            assertEquals(i + 1, cache.list("/registry/rw/", 0, null, 0).items().size());
        }
    }

    @Test
    void consistentReadAfterAWriteOutsideTheRootAsksTheBackendForProgress() throws Exception {
        // No periodic progress at all: only a progress request can tell the cache that it has seen
        // everything up to a revision that belongs to a write outside its root.
        EmbeddedStorage quiet = EmbeddedStorage.open(dir.resolve("quiet"),
                new EmbeddedStorage.Options().syncWrites(false).progressIntervalMillis(0));
        toClose.add(quiet);
        WatchCache cache = new WatchCache(quiet, "/registry/pods/", new WatchCache.Options().consistentReadWaitMillis(30_000));
        toClose.add(cache);
        KeyValue pod = cache.create("/registry/pods/ns/a", bytes("a"));
        assertEquals(pod.modRevision(), cache.get(pod.key()).modRevision());
        long memory = cache.readsFromMemory();
        for (int i = 0; i < 5; i++) {
            KeyValue other = quiet.create("/registry/configmaps/ns/c" + i, bytes("c"));
            assertTrue(other.modRevision() > cache.cachedRevision());
            assertEquals(1, cache.list("/registry/pods/", 0, null, 0).items().size());
            assertTrue(cache.cachedRevision() >= other.modRevision(), "the cache learnt it is at the newest revision");
        }
        assertEquals(memory + 5, cache.readsFromMemory());
        assertEquals(0, cache.readsFromBackend(), "no read waited out the 30 s and fell back to the backend");
    }

    @Test
    void backendWatchLossResumesWithoutGapsOrDuplicates() throws Exception {
        FlakyStorage flaky = new FlakyStorage(backend);
        WatchCache cache = cache(flaky, new WatchCache.Options().maxRetryBackoffMillis(50));
        long start = cache.currentRevision();
        Recorder r = new Recorder(start + 40);
        toClose.add(cache.watch("/registry/", 0, r));
        for (int i = 0; i < 20; i++) {
            cache.create("/registry/f/k" + i, bytes("v"));
        }
        // Resuming needs a revision to resume from: a cache still at revision 0 has to re-list,
        // because the contract reads watch(prefix, 0) as "from now" (see WatchCache#recover).
        awaitCondition("the cache to apply the first writes", () -> cache.cachedRevision() == start + 20);
        flaky.cutWatches();
        for (int i = 20; i < 40; i++) {
            cache.create("/registry/f/k" + i, bytes("v"));
        }
        r.awaitReached();
        List<Long> expected = new ArrayList<>();
        for (long rev = start + 1; rev <= start + 40; rev++) {
            expected.add(rev);
        }
        assertEquals(expected, r.revisions());
        assertNull(r.closed.getNow(null), "the cache's watchers do not notice a resumable backend failure");
        assertTrue(cache.resumeCount() >= 1);
        assertEquals(0, cache.relistCount());
    }

    @Test
    void backendHistoryLostRelistsAndClosesWatchersWithCompacted() throws Exception {
        FlakyStorage flaky = new FlakyStorage(backend);
        WatchCache cache = cache(flaky, new WatchCache.Options().maxRetryBackoffMillis(50)
                .consistentReadWaitMillis(20));
        for (int i = 0; i < 10; i++) {
            cache.create("/registry/g/k" + i, bytes("v" + i));
        }
        Recorder r = new Recorder(Long.MAX_VALUE);
        toClose.add(cache.watch("/registry/", 0, r));
        flaky.refuseWatches(true);
        flaky.cutWatches();
        // while the backend is unreachable for watches, writes go on and history is compacted away
        for (int i = 0; i < 10; i++) {
            KeyValue kv = cache.get("/registry/g/k" + i); // the cache is behind: falls back to the backend
            cache.update(kv.key(), kv.modRevision(), bytes("w" + i));
        }
        cache.delete("/registry/g/k0", 0);
        cache.compact(cache.currentRevision());
        flaky.refuseWatches(false);

        StorageException error = r.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error);
        assertEquals(StorageException.Code.COMPACTED, error.code());
        awaitCondition("the re-list to finish", () -> cache.relistCount() == 1);
        assertTrue(cache.readsFromBackend() > 0);
        assertSameList(backend.list("/registry/", 0, null, 0), cache.list("/registry/", 0, null, 0));
        assertEquals(9, cache.objectCount());

        // watches work again from the new state
        Recorder again = new Recorder(cache.currentRevision() + 1);
        toClose.add(cache.watch("/registry/", 0, again));
        KeyValue created = cache.create("/registry/g/new", bytes("n"));
        again.awaitReached();
        assertEquals(List.of(created.modRevision()), again.revisions());
    }

    @Test
    void idleWatchersGetProgressAtTheCachesRevision() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options().progressIntervalMillis(20));
        KeyValue kv = cache.create("/registry/p/a", bytes("1"));
        Recorder r = new Recorder(Long.MAX_VALUE);
        toClose.add(cache.watch("/registry/p/", kv.modRevision(), r));
        assertTrue(r.progressed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        synchronized (r) {
            assertTrue(r.events.isEmpty());
            assertTrue(r.progress.get(0) >= kv.modRevision());
        }
        // a write outside the watched prefix moves the revision the idle watcher is told about
        KeyValue other = cache.create("/registry/q/b", bytes("1"));
        awaitCondition("progress past the other write", () -> {
            synchronized (r) {
                return r.progress.get(r.progress.size() - 1) >= other.modRevision();
            }
        });
    }

    @Test
    void closeEndsEveryWatchCleanlyAndLeavesTheBackendOpen() throws Exception {
        WatchCache cache = new WatchCache(backend, "/registry/");
        List<Recorder> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Recorder r = new Recorder(Long.MAX_VALUE);
            rs.add(r);
            cache.watch("/registry/", 0, r);
        }
        cache.close();
        for (Recorder r : rs) {
            assertNull(r.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(StorageException.Code.UNAVAILABLE,
                assertThrows(StorageException.class, () -> cache.watch("/registry/", 0, new Recorder(0))).code());
        assertNotNull(backend.create("/registry/still/open", bytes("x")));
    }

    @Test
    void watchClosedByItsClientGetsOneCleanClose() throws Exception {
        WatchCache cache = cache(backend, new WatchCache.Options());
        Recorder r = new Recorder(Long.MAX_VALUE);
        Watch w = cache.watch("/registry/c/", 0, r);
        w.close();
        w.close();
        assertNull(r.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, cache.watcherCount());
    }

    private static void assertSameList(ListResult expected, ListResult actual) {
        assertEquals(expected.revision(), actual.revision(), "revision");
        assertEquals(expected.more(), actual.more(), "more");
        assertEquals(expected.remaining(), actual.remaining(), "remaining");
        assertEquals(expected.items().size(), actual.items().size(), "size");
        for (int i = 0; i < expected.items().size(); i++) {
            assertSameKeyValue(expected.items().get(i), actual.items().get(i));
        }
    }

    private static void assertSameKeyValue(KeyValue expected, KeyValue actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertNotNull(actual, expected.key());
        assertEquals(expected.key(), actual.key());
        assertArrayEquals(expected.value(), actual.value(), expected.key());
        assertEquals(expected.createRevision(), actual.createRevision(), expected.key());
        assertEquals(expected.modRevision(), actual.modRevision(), expected.key());
    }
}
