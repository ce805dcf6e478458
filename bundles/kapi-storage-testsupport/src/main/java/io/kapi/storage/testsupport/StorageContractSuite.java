package io.kapi.storage.testsupport;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The storage contract, as kube-apiserver's {@code pkg/storage/testing} suite pins it down for
 * etcd3 and the cacher, restated for keys and bytes. Implementations extend this class and supply
 * {@link #newStorage()}; every test gets a fresh, empty store.
 *
 * <p>Upstream cases covered (by name): RunTestCreate / CreateWithKeyExist, RunTestGet (missing,
 * too-high revision), RunTestGetListRecursivePrefix, RunTestNamespaceScopedList, RunTestList (exact
 * and older revisions, limit, too-high revision), RunTestListContinuation / ListPaging /
 * ListInconsistentContinuation (compacted continue), RunTestGuaranteedUpdate / WithConflict,
 * RunTestUnconditionalDelete / DeleteWithConflict, RunTestWatch / WatchFromZero / WatchFromNonZero /
 * DeleteTriggerWatch / WatchDeleteEventObjectHaveLatestRV / WatchContextCancel, RunTestStats
 * (count), RunTestCompactRevision.
 */
public abstract class StorageContractSuite {

    /** How long a test waits for an expected event before failing. */
    protected static final long EVENT_TIMEOUT_MILLIS = 10_000;
    /** How long a test watches for an event that must not arrive. */
    protected static final long QUIET_MILLIS = 300;

    private final List<Object> opened = new ArrayList<>();
    protected Storage store;

    /** A new, empty store. It is closed after the test when it is {@link AutoCloseable}. */
    protected abstract Storage newStorage() throws Exception;

    /**
     * Closes {@code s} and opens the same data again; null (the default) when the implementation
     * cannot, which skips the tests that need it.
     */
    protected Storage restart(Storage s) throws Exception {
        return null;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = track(newStorage());
    }

    @AfterEach
    void closeAll() throws Exception {
        List<Object> copy = new ArrayList<>(opened);
        Collections.reverse(copy);
        opened.clear();
        for (Object o : copy) {
            if (o instanceof AutoCloseable) {
                ((AutoCloseable) o).close();
            }
        }
    }

    protected <T> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    protected static StorageException.Code codeOf(Executable call) {
        return assertThrows(StorageException.class, call).code();
    }

    // ------------------------------------------------------------ create / get

    @Test
    public void createThenGet() {
        long before = store.currentRevision();
        KeyValue kv = store.create("/registry/configmaps/default/a", bytes("v1"));
        assertEquals(before + 1, kv.modRevision());
        assertEquals(kv.modRevision(), kv.createRevision());
        assertEquals("v1", str(kv.value()));
        assertEquals(kv.modRevision(), store.currentRevision());

        KeyValue got = store.get("/registry/configmaps/default/a");
        assertNotNull(got);
        assertEquals("/registry/configmaps/default/a", got.key());
        assertEquals("v1", str(got.value()));
        assertEquals(kv.createRevision(), got.createRevision());
        assertEquals(kv.modRevision(), got.modRevision());
    }

    @Test
    public void createExistingFailsWithExists() {
        KeyValue first = store.create("/registry/pods/ns/p", bytes("one"));
        StorageException e = assertThrows(StorageException.class,
                () -> store.create("/registry/pods/ns/p", bytes("two")));
        assertEquals(StorageException.Code.EXISTS, e.code());
        assertEquals(first.modRevision(), store.currentRevision(), "a failed create must not consume a revision");
        assertEquals("one", str(store.get("/registry/pods/ns/p").value()));
    }

    @Test
    public void createAfterDeleteStartsNewIncarnation() {
        KeyValue first = store.create("/registry/pods/ns/p", bytes("one"));
        store.delete("/registry/pods/ns/p", 0);
        KeyValue second = store.create("/registry/pods/ns/p", bytes("two"));
        assertTrue(second.createRevision() > first.createRevision());
        assertEquals(second.modRevision(), second.createRevision());
        assertEquals(second.createRevision(), store.get("/registry/pods/ns/p").createRevision());
    }

    @Test
    public void getMissingIsNull() {
        assertNull(store.get("/registry/pods/ns/missing"));
        store.create("/registry/pods/ns/missing-not", bytes("x"));
        assertNull(store.get("/registry/pods/ns/missing"));
    }

    @Test
    public void storedValueIsNotAliasedToCallerArray() {
        byte[] value = bytes("abc");
        store.create("/registry/a/b", value);
        value[0] = 'z';
        assertEquals("abc", str(store.get("/registry/a/b").value()));
    }

    // ------------------------------------------------------------ revisions

    @Test
    public void everyWriteAdvancesRevisionByOne() {
        long rev = store.currentRevision();
        KeyValue a = store.create("/r/k/a", bytes("1"));
        assertEquals(++rev, a.modRevision());
        KeyValue b = store.create("/r/k/b", bytes("1"));
        assertEquals(++rev, b.modRevision());
        KeyValue a2 = store.update("/r/k/a", a.modRevision(), bytes("2"));
        assertEquals(++rev, a2.modRevision());
        assertEquals(a.createRevision(), a2.createRevision());
        KeyValue bDel = store.delete("/r/k/b", 0);
        assertEquals(++rev, bDel.modRevision());
        assertEquals(rev, store.currentRevision());
        codeOf(() -> store.update("/r/k/a", a.modRevision(), bytes("3")));
        codeOf(() -> store.delete("/r/k/b", 0));
        assertEquals(rev, store.currentRevision(), "failed writes must not consume revisions");
    }

    // ------------------------------------------------------------ list

    @Test
    public void listRecursiveDoesNotMatchSiblingPrefixes() {
        store.create("/registry/pods/ns/a", bytes("a"));
        store.create("/registry/pods/ns/b", bytes("b"));
        store.create("/registry/pods/ns2/c", bytes("c"));
        store.create("/registry/pods/ns-x/d", bytes("d"));
        store.create("/registry/podsx/ns/e", bytes("e"));
        store.create("/registry/pods/ns", bytes("not-under-prefix"));

        ListResult ns = store.list("/registry/pods/ns/", 0, null, 0);
        assertEquals(List.of("/registry/pods/ns/a", "/registry/pods/ns/b"), keys(ns));
        assertEquals(store.currentRevision(), ns.revision());
        assertFalse(ns.more());
        assertEquals(0, ns.remaining());

        ListResult all = store.list("/registry/pods/", 0, null, 0);
        assertEquals(List.of("/registry/pods/ns", "/registry/pods/ns-x/d", "/registry/pods/ns/a",
                "/registry/pods/ns/b", "/registry/pods/ns2/c"), keys(all));
    }

    @Test
    public void listIsInKeyOrderAndCarriesRevisions() {
        KeyValue c = store.create("/registry/x/c", bytes("c"));
        KeyValue a = store.create("/registry/x/a", bytes("a"));
        KeyValue b = store.create("/registry/x/b", bytes("b"));
        KeyValue a2 = store.update("/registry/x/a", a.modRevision(), bytes("a2"));
        ListResult r = store.list("/registry/x/", 0, null, 0);
        assertEquals(List.of("/registry/x/a", "/registry/x/b", "/registry/x/c"), keys(r));
        assertEquals(a2.modRevision(), r.items().get(0).modRevision());
        assertEquals(a.createRevision(), r.items().get(0).createRevision());
        assertEquals("a2", str(r.items().get(0).value()));
        assertEquals(b.modRevision(), r.items().get(1).modRevision());
        assertEquals(c.modRevision(), r.items().get(2).modRevision());
        assertTrue(store.list("/registry/none/", 0, null, 0).items().isEmpty());
    }

    @Test
    public void listAtOlderRevisionSeesThatSnapshot() {
        store.create("/registry/s/a", bytes("a1"));
        KeyValue b = store.create("/registry/s/b", bytes("b1"));
        long snapshot = b.modRevision();
        KeyValue a = store.get("/registry/s/a");
        store.update("/registry/s/a", a.modRevision(), bytes("a2"));
        store.delete("/registry/s/b", 0);
        store.create("/registry/s/c", bytes("c1"));

        ListResult old = store.list("/registry/s/", snapshot, null, 0);
        assertEquals(snapshot, old.revision());
        assertEquals(List.of("/registry/s/a", "/registry/s/b"), keys(old));
        assertEquals("a1", str(old.items().get(0).value()));
        assertEquals(a.modRevision(), old.items().get(0).modRevision());
        assertEquals("b1", str(old.items().get(1).value()));

        ListResult now = store.list("/registry/s/", 0, null, 0);
        assertEquals(List.of("/registry/s/a", "/registry/s/c"), keys(now));
        assertEquals("a2", str(now.items().get(0).value()));

        ListResult first = store.list("/registry/s/", a.modRevision(), null, 0);
        assertEquals(List.of("/registry/s/a"), keys(first));
    }

    @Test
    public void pagingStaysOnOneRevisionWhileWritesHappen() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = String.format("/registry/p/k%02d", i);
            store.create(key, bytes("v" + i));
            expected.add(key);
        }
        store.create("/registry/q/other", bytes("x"));

        ListResult page = store.list("/registry/p/", 0, null, 3);
        long rev = page.revision();
        assertEquals(store.currentRevision(), rev);
        List<String> seen = new ArrayList<>(keys(page));
        long[] remainingSeen = {page.remaining(), 0, 0, 0};
        assertTrue(page.more());
        int round = 0;
        while (page.more()) {
            String last = page.items().get(page.items().size() - 1).key();
            // writes between pages must not show through the snapshot
            round++;
            store.create("/registry/p/k0" + round + "-new", bytes("new"));
            store.delete(String.format("/registry/p/k%02d", 9 - round), 0);
            KeyValue k0 = store.get("/registry/p/k00");
            store.update("/registry/p/k00", k0.modRevision(), bytes("changed" + round));

            page = store.list("/registry/p/", rev, last, 3);
            assertEquals(rev, page.revision());
            if (round < remainingSeen.length) {
                remainingSeen[round] = page.remaining();
            }
            seen.addAll(keys(page));
            for (KeyValue kv : page.items()) {
                assertTrue(kv.modRevision() <= rev);
                assertEquals("v" + kv.key().substring(kv.key().length() - 1), str(kv.value()));
            }
        }
        assertEquals(expected, seen);
        assertEquals(3, round);
        assertEquals(7, remainingSeen[0]);
        assertEquals(4, remainingSeen[1]);
        assertEquals(1, remainingSeen[2]);
        assertEquals(0, remainingSeen[3]);
        assertFalse(page.more());
    }

    @Test
    public void limitLargerThanResultAndRemainingOnLatest() {
        for (int i = 0; i < 5; i++) {
            store.create("/registry/l/" + i, bytes("v"));
        }
        ListResult r = store.list("/registry/l/", 0, null, 2);
        assertEquals(2, r.items().size());
        assertTrue(r.more());
        assertEquals(3, r.remaining());
        ListResult all = store.list("/registry/l/", 0, null, 10);
        assertEquals(5, all.items().size());
        assertFalse(all.more());
        assertEquals(0, all.remaining());
    }

    @Test
    public void listAtFutureRevisionFails() {
        store.create("/registry/f/a", bytes("a"));
        long current = store.currentRevision();
        StorageException e = assertThrows(StorageException.class,
                () -> store.list("/registry/f/", current + 100, null, 0));
        assertEquals(StorageException.Code.FUTURE_REVISION, e.code());
        assertEquals(current, e.revision());
    }

    @Test
    public void listAtCompactedRevisionFails() {
        KeyValue a = store.create("/registry/c/a", bytes("a"));
        KeyValue b = store.create("/registry/c/b", bytes("b"));
        KeyValue last = store.update("/registry/c/a", a.modRevision(), bytes("a2"));
        ListResult page = store.list("/registry/c/", b.modRevision(), null, 1);
        assertTrue(page.more());
        store.compact(last.modRevision());
        // kube: "The provided continue parameter is too old ..." (410)
        StorageException e = assertThrows(StorageException.class,
                () -> store.list("/registry/c/", b.modRevision(), "/registry/c/a", 1));
        assertEquals(StorageException.Code.COMPACTED, e.code());
        assertEquals(last.modRevision(), e.revision());
        assertEquals(2, store.list("/registry/c/", 0, null, 0).items().size());
    }

    // ------------------------------------------------------------ count

    @Test
    public void countCountsLiveKeysUnderPrefix() {
        assertEquals(0, store.count("/registry/n/"));
        store.create("/registry/n/a", bytes("1"));
        store.create("/registry/n/b", bytes("1"));
        store.create("/registry/n2/c", bytes("1"));
        KeyValue b = store.get("/registry/n/b");
        store.update("/registry/n/b", b.modRevision(), bytes("2"));
        assertEquals(2, store.count("/registry/n/"));
        store.delete("/registry/n/a", 0);
        assertEquals(1, store.count("/registry/n/"));
        assertEquals(2, store.count("/registry/"));
    }

    // ------------------------------------------------------------ update

    @Test
    public void updateCompareAndSwap() {
        KeyValue v1 = store.create("/registry/u/a", bytes("1"));
        KeyValue v2 = store.update("/registry/u/a", v1.modRevision(), bytes("2"));
        assertEquals(v1.createRevision(), v2.createRevision());
        assertTrue(v2.modRevision() > v1.modRevision());
        assertEquals("2", str(store.get("/registry/u/a").value()));

        StorageException conflict = assertThrows(StorageException.class,
                () -> store.update("/registry/u/a", v1.modRevision(), bytes("3")));
        assertEquals(StorageException.Code.CONFLICT, conflict.code());
        assertEquals(v2.modRevision(), conflict.revision(), "conflict carries the key's current revision");
        assertEquals("2", str(store.get("/registry/u/a").value()));

        assertEquals(StorageException.Code.NOT_FOUND,
                codeOf(() -> store.update("/registry/u/missing", 1, bytes("x"))));
        store.delete("/registry/u/a", 0);
        assertEquals(StorageException.Code.NOT_FOUND,
                codeOf(() -> store.update("/registry/u/a", v2.modRevision(), bytes("x"))));
    }

    @Test
    public void guaranteedUpdateLosesNoIncrementUnderConcurrency() throws Exception {
        KeyValue start = store.create("/registry/counter/c", bytes("0"));
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        store.guaranteedUpdate("/registry/counter/c", kv -> new KeyValue(kv.key(),
                                bytes(Integer.toString(Integer.parseInt(str(kv.value())) + 1)),
                                kv.createRevision(), kv.modRevision()));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        KeyValue end = store.get("/registry/counter/c");
        assertEquals(Integer.toString(threads * perThread), str(end.value()));
        assertEquals(start.modRevision() + threads * perThread, end.modRevision());
        assertEquals(start.createRevision(), end.createRevision());
    }

    @Test
    public void guaranteedUpdateNoChangeAndMissing() {
        KeyValue v1 = store.create("/registry/g/a", bytes("1"));
        KeyValue same = store.guaranteedUpdate("/registry/g/a", kv -> kv);
        assertEquals(v1.modRevision(), same.modRevision());
        assertEquals(v1.modRevision(), store.currentRevision());
        assertEquals(StorageException.Code.NOT_FOUND,
                codeOf(() -> store.guaranteedUpdate("/registry/g/missing", kv -> kv)));
        RuntimeException abort = new IllegalStateException("abort");
        assertEquals(abort, assertThrows(IllegalStateException.class,
                () -> store.guaranteedUpdate("/registry/g/a", kv -> {
                    throw abort;
                })));
        assertEquals(v1.modRevision(), store.get("/registry/g/a").modRevision());
    }

    // ------------------------------------------------------------ delete

    @Test
    public void deleteUnconditionalConditionalConflictAndMissing() {
        KeyValue a = store.create("/registry/d/a", bytes("a"));
        KeyValue deleted = store.delete("/registry/d/a", 0);
        assertEquals("a", str(deleted.value()));
        assertEquals(a.createRevision(), deleted.createRevision());
        assertEquals(store.currentRevision(), deleted.modRevision(), "delete reports its own revision");
        assertNull(store.get("/registry/d/a"));

        KeyValue b = store.create("/registry/d/b", bytes("b"));
        KeyValue b2 = store.update("/registry/d/b", b.modRevision(), bytes("b2"));
        StorageException conflict = assertThrows(StorageException.class,
                () -> store.delete("/registry/d/b", b.modRevision()));
        assertEquals(StorageException.Code.CONFLICT, conflict.code());
        assertEquals(b2.modRevision(), conflict.revision());
        assertNotNull(store.get("/registry/d/b"));
        KeyValue bDel = store.delete("/registry/d/b", b2.modRevision());
        assertEquals("b2", str(bDel.value()));

        assertEquals(StorageException.Code.NOT_FOUND, codeOf(() -> store.delete("/registry/d/b", 0)));
        assertEquals(StorageException.Code.NOT_FOUND, codeOf(() -> store.delete("/registry/d/never", 0)));
    }

    // ------------------------------------------------------------ watch

    /** Collects what a watch delivers and checks that callbacks never overlap. */
    protected static final class Recorder implements WatchListener {
        public final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        public final CompletableFuture<StorageException> closed = new CompletableFuture<>();
        public final AtomicInteger closeCalls = new AtomicInteger();
        private final AtomicInteger inside = new AtomicInteger();
        public volatile boolean overlapped;
        public volatile long lastProgress;

        public Recorder() {
        }

        @Override
        public void onEvent(WatchEvent event) {
            enter();
            try {
                events.add(event);
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void onProgress(long revision) {
            enter();
            lastProgress = revision;
            inside.decrementAndGet();
        }

        @Override
        public void onClose(StorageException error) {
            enter();
            closeCalls.incrementAndGet();
            closed.complete(error);
            inside.decrementAndGet();
        }

        private void enter() {
            if (inside.incrementAndGet() != 1) {
                overlapped = true;
            }
        }

        public WatchEvent next() throws InterruptedException {
            WatchEvent e = events.poll(EVENT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (e == null) {
                fail("no event within " + EVENT_TIMEOUT_MILLIS + " ms");
            }
            return e;
        }

        public List<WatchEvent> next(int n) throws InterruptedException {
            List<WatchEvent> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next());
            }
            return out;
        }

        public void assertQuiet() throws InterruptedException {
            WatchEvent e = events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
            assertNull(e, () -> "unexpected event " + e);
        }

        public StorageException awaitClose() throws Exception {
            return closed.get(EVENT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    protected Watch watch(String keyOrPrefix, long from, Recorder r) {
        return track(store.watch(keyOrPrefix, from, r));
    }

    @Test
    public void watchFromZeroDeliversOnlyNewChanges() throws Exception {
        store.create("/registry/w/old", bytes("old"));
        Recorder r = new Recorder();
        watch("/registry/w/", 0, r);
        KeyValue created = store.create("/registry/w/new", bytes("new"));
        WatchEvent e = r.next();
        assertEquals("/registry/w/new", e.key());
        assertEquals(WatchEvent.Type.PUT, e.type());
        assertTrue(e.isCreate());
        assertEquals(created.modRevision(), e.revision());
        assertEquals(created.createRevision(), e.createRevision());
        assertEquals("new", str(e.value()));
        r.assertQuiet();
        assertFalse(r.overlapped);
    }

    @Test
    public void watchFromRevisionReplaysHistoryThenContinuesLive() throws Exception {
        List<KeyValue> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(store.create("/registry/h/k" + i, bytes("v" + i)));
        }
        long from = writes.get(1).modRevision();
        Recorder r = new Recorder();
        watch("/registry/h/", from, r);
        List<WatchEvent> replayed = r.next(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(writes.get(i + 2).modRevision(), replayed.get(i).revision());
            assertEquals("/registry/h/k" + (i + 2), replayed.get(i).key());
        }
        KeyValue live = store.update("/registry/h/k0", writes.get(0).modRevision(), bytes("again"));
        WatchEvent e = r.next();
        assertEquals(live.modRevision(), e.revision());
        assertEquals("v0", str(e.prevValue()));
        assertEquals("again", str(e.value()));
        r.assertQuiet();
    }

    @Test
    public void watchSwitchOverHasNoGapsOrDuplicatesUnderConcurrentWrites() throws Exception {
        int writers = 4;
        int perWriter = 150;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = store.currentRevision();
        List<Recorder> recorders = new ArrayList<>();
        List<Long> froms = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perWriter; i++) {
                        store.create("/registry/sw/w" + id + "-" + i, bytes("x"));
                    }
                    return null;
                }));
            }
            go.countDown();
            // Watches opened at different points, from history and from "now", while writes go on.
            for (int i = 0; i < 6; i++) {
                Thread.sleep(5);
                long from = i % 2 == 0 ? Math.max(start, store.currentRevision() - 20) : 0;
                Recorder r = new Recorder();
                long fromSeen = from == 0 ? store.currentRevision() : from;
                watch("/registry/sw/", from, r);
                recorders.add(r);
                froms.add(from == 0 ? -fromSeen : from);
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(start + (long) writers * perWriter, store.currentRevision());
        // One more write so that even a "from now" watch opened after the last write sees something.
        long end = store.create("/registry/sw/final", bytes("x")).modRevision();
        for (int i = 0; i < recorders.size(); i++) {
            Recorder r = recorders.get(i);
            long from = froms.get(i);
            List<WatchEvent> got = new ArrayList<>();
            long last = -1;
            while (last < end) {
                WatchEvent e = r.next();
                got.add(e);
                assertTrue(e.revision() > last, "events in strictly increasing revision order");
                if (last >= 0) {
                    assertEquals(last + 1, e.revision(), "no gap: every write here is under the prefix");
                }
                last = e.revision();
            }
            if (from > 0) {
                assertEquals(from + 1, got.get(0).revision(), "history starts right after the requested revision");
            } else {
                // "from now": starts no earlier than what was current just before the call
                assertTrue(got.get(0).revision() > -from);
            }
            r.assertQuiet();
            assertFalse(r.overlapped, "listener calls must not overlap");
        }
    }

    @Test
    public void watchKeyVersusPrefix() throws Exception {
        Recorder key = new Recorder();
        Recorder prefix = new Recorder();
        watch("/registry/wk/a", 0, key);
        watch("/registry/wk/", 0, prefix);
        store.create("/registry/wk/ab", bytes("x"));
        store.create("/registry/wkx/a", bytes("x"));
        store.create("/registry/wk/a", bytes("x"));
        WatchEvent k = key.next();
        assertEquals("/registry/wk/a", k.key());
        key.assertQuiet();
        List<WatchEvent> p = prefix.next(2);
        assertEquals("/registry/wk/ab", p.get(0).key());
        assertEquals("/registry/wk/a", p.get(1).key());
        prefix.assertQuiet();
    }

    @Test
    public void watchEventsCarryPreviousValuesAndRevisions() throws Exception {
        store.create("/registry/e0/first", bytes("so that the watched writes start above revision 1"));
        Recorder r = new Recorder();
        watch("/registry/e/", 0, r);
        KeyValue c = store.create("/registry/e/a", bytes("v1"));
        KeyValue u = store.update("/registry/e/a", c.modRevision(), bytes("v2"));
        KeyValue d = store.delete("/registry/e/a", 0);

        WatchEvent created = r.next();
        assertEquals(WatchEvent.Type.PUT, created.type());
        assertNull(created.prevValue());
        assertTrue(created.isCreate());
        assertEquals(c.modRevision(), created.revision());

        WatchEvent updated = r.next();
        assertEquals(WatchEvent.Type.PUT, updated.type());
        assertFalse(updated.isCreate());
        assertEquals("v1", str(updated.prevValue()));
        assertEquals("v2", str(updated.value()));
        assertEquals(u.modRevision(), updated.revision());
        assertEquals(c.createRevision(), updated.createRevision());

        WatchEvent deleted = r.next();
        assertEquals(WatchEvent.Type.DELETE, deleted.type());
        assertNull(deleted.value());
        assertEquals("v2", str(deleted.prevValue()));
        assertEquals(d.modRevision(), deleted.revision(), "DELETE carries the delete's revision");
        assertEquals(c.createRevision(), deleted.createRevision());

        // The same three, replayed from history.
        Recorder h = new Recorder();
        watch("/registry/e/a", c.modRevision() - 1, h);
        List<WatchEvent> replay = h.next(3);
        assertNull(replay.get(0).prevValue());
        assertEquals("v1", str(replay.get(1).prevValue()));
        assertEquals(WatchEvent.Type.DELETE, replay.get(2).type());
        assertEquals("v2", str(replay.get(2).prevValue()));
        assertEquals(d.modRevision(), replay.get(2).revision());
    }

    @Test
    public void watchFromBelowCompactedRevisionFails() throws Exception {
        KeyValue a = store.create("/registry/wc/a", bytes("1"));
        KeyValue b = store.update("/registry/wc/a", a.modRevision(), bytes("2"));
        store.compact(b.modRevision());
        // from A means "changes after A": the change at B is among them and compaction dropped it
        assertEquals(StorageException.Code.COMPACTED, watchOutcome("/registry/wc/", a.modRevision()));
        assertEquals(StorageException.Code.COMPACTED, watchOutcome("/registry/wc/", b.modRevision() - 1));
    }

    /**
     * A watch from exactly the compacted revision C needs only the changes after C, which compaction keeps
     * (etcd keeps revision C itself readable after compacting to C; kube's watch cache accepts a watch from
     * {@code oldest - 1}): it starts and gets exactly the later changes, replayed and live, with their
     * previous values. This is what a watch from a LIST's resourceVersion on a quiet store relies on.
     */
    @Test
    public void watchFromExactlyTheCompactedRevisionGetsTheLaterChanges() throws Exception {
        KeyValue a = store.create("/registry/wx/a", bytes("1"));
        KeyValue b = store.update("/registry/wx/a", a.modRevision(), bytes("2"));
        store.compact(b.modRevision());
        assertEquals(b.modRevision(), store.compactedRevision());
        KeyValue c = store.update("/registry/wx/a", b.modRevision(), bytes("3")); // replayed from history
        Recorder r = new Recorder();
        watch("/registry/wx/", b.modRevision(), r);
        KeyValue d = store.create("/registry/wx/d", bytes("4")); // live
        List<WatchEvent> events = r.next(2);
        assertEquals(WatchEvent.Type.PUT, events.get(0).type());
        assertEquals("/registry/wx/a", events.get(0).key());
        assertEquals(c.modRevision(), events.get(0).revision());
        assertEquals("3", str(events.get(0).value()));
        assertEquals("2", str(events.get(0).prevValue()));
        assertEquals("/registry/wx/d", events.get(1).key());
        assertEquals(d.modRevision(), events.get(1).revision());
        assertNull(events.get(1).prevValue());
        r.assertQuiet();
        assertFalse(r.closed.isDone(), () -> "a watch from the compacted revision must stay open, it ended with "
                + r.closed.getNow(null));
        assertFalse(r.overlapped);
    }

    /** kube surfaces this either at once or as the watch's first (error) event; both are accepted. */
    private StorageException.Code watchOutcome(String prefix, long from) throws Exception {
        Recorder r = new Recorder();
        try {
            watch(prefix, from, r);
        } catch (StorageException e) {
            return e.code();
        }
        StorageException error = r.awaitClose();
        assertNotNull(error, "watch from a compacted revision must end with an error");
        assertTrue(r.events.isEmpty());
        return error.code();
    }

    @Test
    public void closingAWatchStopsEventsAndCallsOnCloseOnce() throws Exception {
        Recorder r = new Recorder();
        Watch w = watch("/registry/cl/", 0, r);
        store.create("/registry/cl/a", bytes("1"));
        r.next();
        w.close();
        assertNull(r.awaitClose());
        store.create("/registry/cl/b", bytes("1"));
        r.assertQuiet();
        w.close();
        assertEquals(1, r.closeCalls.get());
    }

    @Test
    public void watchDeliversPerKeyInOrderToManyWatchers() throws Exception {
        List<Recorder> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Recorder r = new Recorder();
            watch("/registry/m/", 0, r);
            rs.add(r);
        }
        KeyValue kv = store.create("/registry/m/a", bytes("0"));
        for (int i = 1; i <= 50; i++) {
            kv = store.update("/registry/m/a", kv.modRevision(), bytes(Integer.toString(i)));
        }
        for (Recorder r : rs) {
            List<WatchEvent> events = r.next(51);
            for (int i = 0; i < events.size(); i++) {
                assertEquals(Integer.toString(i), str(events.get(i).value()));
            }
            r.assertQuiet();
        }
    }

    // ------------------------------------------------------------ compaction

    @Test
    public void compactKeepsCurrentDataAndMovesCompactedRevision() throws Exception {
        assertEquals(0, store.compactedRevision());
        KeyValue a = store.create("/registry/k/a", bytes("a1"));
        KeyValue b = store.create("/registry/k/b", bytes("b1"));
        KeyValue a2 = store.update("/registry/k/a", a.modRevision(), bytes("a2"));
        store.delete("/registry/k/b", 0);
        KeyValue c = store.create("/registry/k/c", bytes("c1"));
        long compactAt = store.currentRevision() - 1;
        store.compact(compactAt);
        assertEquals(compactAt, store.compactedRevision());

        assertEquals("a2", str(store.get("/registry/k/a").value()));
        assertEquals(a2.modRevision(), store.get("/registry/k/a").modRevision());
        assertNull(store.get("/registry/k/b"));
        assertEquals(List.of("/registry/k/a", "/registry/k/c"), keys(store.list("/registry/k/", 0, null, 0)));
        ListResult atTop = store.list("/registry/k/", c.modRevision(), null, 0);
        assertEquals(List.of("/registry/k/a", "/registry/k/c"), keys(atTop));
        assertEquals(StorageException.Code.COMPACTED,
                codeOf(() -> store.list("/registry/k/", b.modRevision(), null, 0)));
        assertEquals(StorageException.Code.COMPACTED,
                codeOf(() -> store.list("/registry/k/", compactAt, null, 0)));

        // Changes after the compacted revision still replay, with their previous values.
        KeyValue a3 = store.update("/registry/k/a", a2.modRevision(), bytes("a3"));
        Recorder r = new Recorder();
        watch("/registry/k/", compactAt + 1, r);
        WatchEvent e = r.next();
        assertEquals(a3.modRevision(), e.revision());
        assertEquals("a2", str(e.prevValue()));

        store.compact(a.modRevision()); // older than the compacted revision: no effect
        assertEquals(compactAt, store.compactedRevision());
        long before = store.currentRevision();
        assertEquals(StorageException.Code.FUTURE_REVISION, codeOf(() -> store.compact(before + 10)));
    }

    // ------------------------------------------------------------ restart

    @Test
    public void restartKeepsDataRevisionsHistoryAndCompaction() throws Exception {
        KeyValue a = store.create("/registry/rs/a", bytes("a1"));
        KeyValue a2 = store.update("/registry/rs/a", a.modRevision(), bytes("a2"));
        KeyValue b = store.create("/registry/rs/b", bytes("b1"));
        store.compact(a.modRevision());
        KeyValue d = store.delete("/registry/rs/b", 0);
        long rev = store.currentRevision();

        Storage reopened = restart(store);
        assumeTrue(reopened != null, "implementation cannot restart");
        store = track(reopened);

        assertEquals(rev, store.currentRevision());
        assertEquals(a.modRevision(), store.compactedRevision());
        KeyValue got = store.get("/registry/rs/a");
        assertEquals("a2", str(got.value()));
        assertEquals(a2.modRevision(), got.modRevision());
        assertEquals(a.createRevision(), got.createRevision());
        assertNull(store.get("/registry/rs/b"));
        assertEquals(List.of("/registry/rs/a", "/registry/rs/b"),
                keys(store.list("/registry/rs/", b.modRevision(), null, 0)));

        Recorder r = new Recorder();
        watch("/registry/rs/", a2.modRevision(), r);
        List<WatchEvent> replay = r.next(2);
        assertEquals(b.modRevision(), replay.get(0).revision());
        assertEquals(d.modRevision(), replay.get(1).revision());
        assertEquals("b1", str(replay.get(1).prevValue()));

        KeyValue next = store.create("/registry/rs/c", bytes("c"));
        assertEquals(rev + 1, next.modRevision());
        assertEquals(next.modRevision(), r.next().revision());
    }

    protected static List<String> keys(ListResult r) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : r.items()) {
            out.add(kv.key());
        }
        return out;
    }
}
