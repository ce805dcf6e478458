package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kube-apiserver's periodic compaction against a real etcd: the one-transaction round, the
 * one-round lag, several compactors on one record, interval 0, etcd going away. One etcd serves
 * the class (etcd's compaction is global, so the tests run one after another, each with its own
 * prefix and so its own compaction record); the etcd-down test starts one of its own.
 */
class EtcdCompactorTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration SHORT = Duration.ofMillis(300);
    private static EtcdProcess etcd;

    private String prefix;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void newPrefix() {
        prefix = "/kapi-compactor-" + PREFIXES.incrementAndGet();
    }

    @AfterEach
    void closeAll() throws Exception {
        // compactors first, then their stores, as the OSGi component does
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    private <T extends AutoCloseable> T track(T c) {
        toClose.add(c);
        return c;
    }

    private EtcdStorage newStore(EtcdProcess on, String keyPrefix) {
        return track(new EtcdStorage(EtcdConfig.of(on.endpoint()).withPrefix(keyPrefix)
                .withRequestTimeout(Duration.ofSeconds(2))));
    }

    private EtcdStorage newStore() {
        return newStore(etcd, prefix);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StorageException.Code codeOf(Executable call) {
        return assertThrows(StorageException.class, call).code();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static final WatchListener IGNORE = new WatchListener() {
        @Override
        public void onEvent(WatchEvent event) {
        }

        @Override
        public void onClose(StorageException error) {
        }
    };

    // ------------------------------------------------------------ one compactor

    @Test
    void eachRoundCompactsToTheRevisionSeenOneRoundEarlier() throws Exception {
        EtcdStorage store = newStore();
        EtcdCompactor compactor = track(new EtcdCompactor(store, Duration.ofMinutes(5))); // rounds by hand
        KeyValue a = store.create("/registry/c/a", bytes("1"));

        EtcdStorage.CompactorRound first = compactor.round();
        assertTrue(first.won());
        assertEquals(0, first.compactedTo(), "no compaction in the first round");
        assertEquals(1, first.version());
        assertEquals(1, store.compactRecordVersion());
        assertEquals(0, store.compactedRevision());
        assertTrue(first.revision() > a.modRevision(), "the round's own record write is a revision");
        assertEquals(a.modRevision(), store.list("/registry/c/", a.modRevision(), null, 0).revision());

        KeyValue a2 = store.update("/registry/c/a", a.modRevision(), bytes("2"));
        KeyValue a3 = store.update("/registry/c/a", a2.modRevision(), bytes("3"));
        EtcdStorage.CompactorRound second = compactor.round();
        long seen = first.revision();
        assertTrue(second.won());
        assertNull(second.compactionError());
        assertEquals(seen, second.compactedTo());
        assertEquals(2, second.version());
        assertEquals(seen, store.compactedRevision());

        // reads at and below the compacted revision, watches from below it: COMPACTED
        assertEquals(StorageException.Code.COMPACTED, codeOf(() -> store.list("/registry/c/", seen, null, 0)));
        assertEquals(StorageException.Code.COMPACTED, codeOf(() -> store.list("/registry/c/", a.modRevision(), null, 0)));
        assertEquals(StorageException.Code.COMPACTED, codeOf(() -> store.watch("/registry/c/", seen - 1, IGNORE)));
        // a watch from the compacted revision itself needs only later revisions: it starts
        track(store.watch("/registry/c/", seen, IGNORE));
        // etcd itself dropped that history, not only the record: a store with another prefix
        // (whose record knows nothing) is refused by etcd below the compacted revision
        EtcdStorage stranger = newStore(etcd, prefix + "-stranger");
        assertEquals(0, stranger.compactedRevision());
        assertEquals(StorageException.Code.COMPACTED,
                codeOf(() -> stranger.list("/registry/", seen - 1, null, 0)));

        // newer history stays: reads at a2, a watch from a2 that sees a3
        assertEquals("2", new String(store.list("/registry/c/", a2.modRevision(), null, 0).items().get(0).value(),
                StandardCharsets.UTF_8));
        WatchEvent e = firstEvent(store, "/registry/c/", a2.modRevision());
        assertEquals(a3.modRevision(), e.revision());

        // and the third round compacts to what the second saw
        EtcdStorage.CompactorRound third = compactor.round();
        assertEquals(second.revision(), third.compactedTo());
        assertEquals(3, store.compactRecordVersion());
    }

    @Test
    void scheduledRoundsCompactWithOneRoundOfLag() throws Exception {
        EtcdStorage store = newStore();
        List<EtcdCompactor.Round> rounds = new CopyOnWriteArrayList<>();
        EtcdCompactor compactor = track(new EtcdCompactor(store, SHORT, rounds::add));
        KeyValue kv = store.create("/registry/s/a", bytes("0"));
        compactor.start();
        assertTrue(compactor.isRunning());

        // keep writing while the compactor runs, until it has compacted past the first write
        long target = kv.modRevision();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.compactedRevision() <= target) {
            assertTrue(System.nanoTime() < deadline, "no compaction past " + target + " in 30 s, "
                    + rounds.size() + " rounds, the last " + (rounds.isEmpty() ? null : rounds.get(rounds.size() - 1)));
            kv = store.update("/registry/s/a", kv.modRevision(), bytes(Long.toString(kv.modRevision())));
            Thread.sleep(50);
        }
        compactor.close();
        assertFalse(compactor.isRunning());

        List<EtcdCompactor.Round> seen = List.copyOf(rounds);
        assertTrue(seen.size() >= 2, seen::toString);
        for (EtcdCompactor.Round r : seen) {
            assertNull(r.failure(), "no round failed");
            assertTrue(r.result().won(), "a lone compactor wins every round");
            assertNull(r.result().compactionError());
        }
        assertEquals(0, seen.get(0).result().compactedTo(), "nothing compacted in the first round");
        for (int i = 1; i < seen.size(); i++) {
            assertEquals(seen.get(i - 1).result().revision(), seen.get(i).result().compactedTo(),
                    "round " + i + " compacts to the revision round " + (i - 1) + " saw");
        }
        long compacted = store.compactedRevision();
        assertEquals(seen.get(seen.size() - 1).result().compactedTo(), compacted);
        assertEquals(seen.size(), store.compactRecordVersion(), "one record version per round");

        assertEquals(StorageException.Code.COMPACTED, codeOf(() -> store.list("/registry/s/", compacted, null, 0)));
        assertEquals(StorageException.Code.COMPACTED, codeOf(() -> store.watch("/registry/s/", compacted - 1, IGNORE)));
        track(store.watch("/registry/s/", compacted, IGNORE)); // from the compacted revision itself: starts
        // the newest history, after the compacted revision, is readable and watchable
        KeyValue last = kv;
        assertTrue(last.modRevision() > compacted);
        assertEquals(last.modRevision(), store.list("/registry/s/", last.modRevision(), null, 0).items().get(0).modRevision());
        KeyValue next = store.update("/registry/s/a", last.modRevision(), bytes("next"));
        WatchEvent e = firstEvent(store, "/registry/s/", last.modRevision());
        assertEquals(next.modRevision(), e.revision());
    }

    /** The first event of a watch from {@code from} (failing after 10 s without one); the watch is closed after the test. */
    private WatchEvent firstEvent(EtcdStorage store, String prefix, long from) throws InterruptedException {
        LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        track(store.watch(prefix, from, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                events.add(event);
            }

            @Override
            public void onClose(StorageException error) {
            }
        })::close);
        WatchEvent e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "no event from " + from);
        return e;
    }

    // ------------------------------------------------------------ several compactors, one record

    @Test
    void twoCompactorsTakeTurnsOnOneRecord() {
        EtcdStorage one = newStore();
        EtcdStorage two = newStore();
        EtcdCompactor a = track(new EtcdCompactor(one, Duration.ofMinutes(5)));
        EtcdCompactor b = track(new EtcdCompactor(two, Duration.ofMinutes(5)));

        // a goes first in every interval: a wins, b learns a's version and loses
        EtcdStorage.CompactorRound a1 = a.round();
        EtcdStorage.CompactorRound b1 = b.round();
        assertTrue(a1.won());
        assertFalse(b1.won());
        assertEquals(1, b1.version(), "the loser adopts the record's version");
        EtcdStorage.CompactorRound a2 = a.round();
        EtcdStorage.CompactorRound b2 = b.round();
        assertTrue(a2.won());
        assertEquals(a1.revision(), a2.compactedTo());
        assertFalse(b2.won());
        assertEquals(2, one.compactRecordVersion());

        // a goes away (no more rounds): b wins its next round, compacting to what it saw in its last
        EtcdStorage.CompactorRound b3 = b.round();
        assertTrue(b3.won(), "the survivor takes over");
        assertEquals(b2.revision(), b3.compactedTo());
        assertEquals(3, two.compactRecordVersion());
        assertEquals(b2.revision(), one.compactedRevision(), "a's store sees b's compaction");

        // a comes back: its stale version loses once, then the two alternate as before
        EtcdStorage.CompactorRound a3 = a.round();
        assertFalse(a3.won());
        assertEquals(3, a3.version());
        assertEquals(3, one.compactRecordVersion());
    }

    @Test
    void twoScheduledCompactorsCompactOncePerIntervalBetweenThem() throws Exception {
        EtcdStorage one = newStore();
        EtcdStorage two = newStore();
        List<EtcdCompactor.Round> roundsA = new CopyOnWriteArrayList<>();
        List<EtcdCompactor.Round> roundsB = new CopyOnWriteArrayList<>();
        EtcdCompactor a = track(new EtcdCompactor(one, SHORT, roundsA::add));
        EtcdCompactor b = track(new EtcdCompactor(two, SHORT, roundsB::add));
        a.start();
        Thread.sleep(SHORT.toMillis() / 2); // out of phase, as two servers would be
        b.start();
        KeyValue kv = one.create("/registry/two/a", bytes("0"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (roundsA.size() < 8 || roundsB.size() < 8) {
            assertTrue(System.nanoTime() < deadline, "not 8 rounds each in 60 s: " + roundsA.size() + ", " + roundsB.size());
            kv = two.update("/registry/two/a", kv.modRevision(), bytes("x"));
            Thread.sleep(50);
        }
        a.close();
        b.close();

        List<EtcdCompactor.Round> all = new ArrayList<>(roundsA);
        all.addAll(roundsB);
        for (EtcdCompactor.Round r : all) {
            assertNull(r.failure(), "no round failed: " + r);
            assertNull(r.result().compactionError(), "no compaction failed: " + r);
        }
        long winsA = roundsA.stream().filter(r -> r.result().won()).count();
        long winsB = roundsB.stream().filter(r -> r.result().won()).count();
        long wins = winsA + winsB;
        assertEquals(wins, one.compactRecordVersion(), "the record's version counts the won rounds");
        // Uncoordinated, every round of both would compact (about twice as many as either's rounds).
        // Coordinated, a win needs a whole interval without another win: about one per interval.
        int most = Math.max(roundsA.size(), roundsB.size());
        assertTrue(wins <= most + 1, "at most one compaction per interval between the two: " + winsA + " + " + winsB
                + " wins in " + roundsA.size() + " and " + roundsB.size() + " rounds");
        assertTrue(wins >= 3, "they did compact: " + wins);
        assertTrue(one.compactedRevision() > 0);
        assertEquals(one.compactedRevision(), two.compactedRevision());
    }

    // ------------------------------------------------------------ disabled

    @Test
    void zeroIntervalCompactsNothing() throws Exception {
        EtcdStorage store = newStore();
        EtcdCompactor compactor = track(new EtcdCompactor(store, Duration.ZERO));
        compactor.start();
        assertFalse(compactor.isRunning());
        KeyValue kv = store.create("/registry/z/a", bytes("0"));
        KeyValue first = kv;
        for (int i = 0; i < 20; i++) {
            kv = store.update("/registry/z/a", kv.modRevision(), bytes(Integer.toString(i)));
            Thread.sleep(50); // a second: more than three rounds of SHORT
        }
        assertEquals(0, compactor.rounds());
        assertEquals(0, store.compactRecordVersion(), "no record written");
        assertEquals(0, store.compactedRevision());
        assertEquals("0", new String(store.list("/registry/z/", first.modRevision(), null, 0).items().get(0).value(),
                StandardCharsets.UTF_8), "the oldest history is still there");
        compactor.close();
    }

    @Test
    void rejectsNegativeIntervals() {
        EtcdStorage store = newStore();
        assertThrows(IllegalArgumentException.class, () -> new EtcdCompactor(store, Duration.ofMillis(-1)));
    }

    // ------------------------------------------------------------ etcd going away

    @Test
    void etcdDownFailsRoundsQuietlyAndCompactionResumesWhenItIsBack() throws Exception {
        EtcdProcess own = track(EtcdProcess.start());
        EtcdStorage store = newStore(own, "");
        LinkedBlockingQueue<EtcdCompactor.Round> rounds = new LinkedBlockingQueue<>();
        EtcdCompactor compactor = track(new EtcdCompactor(store, SHORT, rounds::add));
        compactor.start();
        // two good rounds: the second compacts
        for (int i = 0; i < 2; i++) {
            EtcdCompactor.Round r = rounds.poll(20, TimeUnit.SECONDS);
            assertNotNull(r);
            assertNull(r.failure());
        }
        assertTrue(store.compactedRevision() > 0);

        own.stop();
        rounds.clear();
        int failed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (failed < 3) {
            EtcdCompactor.Round r = rounds.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(r, "rounds go on while etcd is down");
            if (r.failure() == null && failed == 0) {
                continue; // a round that was under way as etcd stopped
            }
            assertNotNull(r.failure(), "etcd is down: " + r);
            assertEquals(StorageException.Code.UNAVAILABLE, ((StorageException) r.failure()).code());
            failed++;
        }
        assertTrue(compactor.isRunning(), "failed rounds do not stop the compactor");

        own.restart();
        // the first call can still fail fast: gRPC's channel, woken from its reconnect back-off, may answer it with
        // the last connect failure before its new connection is up (kube's etcd client waits for the connection)
        KeyValue kv = createOnceReachable(store, "/registry/back/a", bytes("1"));
        // a later round sees kv's revision, the one after it compacts past it
        await("compaction past " + kv.modRevision() + " after etcd came back", Duration.ofSeconds(30),
                () -> store.compactedRevisionCached() >= kv.modRevision());
        assertEquals(StorageException.Code.COMPACTED,
                codeOf(() -> store.list("/registry/back/", kv.modRevision(), null, 0)));
    }

    /** Creates {@code key}, trying again for up to 10 s while etcd is still unreachable. */
    private static KeyValue createOnceReachable(EtcdStorage store, String key, byte[] value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean retried = false;
        while (true) {
            try {
                return store.create(key, value);
            } catch (StorageException e) {
                if (retried && e.code() == StorageException.Code.EXISTS) {
                    return store.get(key); // an earlier try was applied after all
                }
                if (e.code() != StorageException.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                retried = true;
                Thread.sleep(100);
            }
        }
    }

    // ------------------------------------------------------------ lifecycle

    @Test
    void closeStopsTheRoundsAndWaitsForOneInFlight() throws Exception {
        EtcdStorage store = newStore();
        CompletableFuture<Void> firstRound = new CompletableFuture<>();
        EtcdCompactor compactor = track(new EtcdCompactor(store, SHORT, r -> firstRound.complete(null)));
        compactor.start();
        firstRound.get(20, TimeUnit.SECONDS);
        compactor.close();
        assertFalse(compactor.isRunning());
        long rounds = compactor.rounds();
        long version = store.compactRecordVersion();
        Thread.sleep(3 * SHORT.toMillis());
        assertEquals(rounds, compactor.rounds(), "no round after close");
        assertEquals(version, store.compactRecordVersion());
        compactor.start();
        assertFalse(compactor.isRunning(), "a closed compactor does not start again");
        compactor.close(); // idempotent
    }
}
