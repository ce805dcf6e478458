package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three etcd members: every endpoint is used, the leader killed under writers loses no acknowledged
 * write and watches resume on another member without gap or duplicate, and a member that stops
 * answering (SIGSTOP) is skipped without each call waiting out the request timeout.
 */
class EtcdClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private EtcdCluster cluster;
    private EtcdStorage store;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        cluster = EtcdCluster.start();
        store = new EtcdStorage(EtcdConfig.of(cluster.endpoints()).withRequestTimeout(TIMEOUT));
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyEndpointIsUsedByCallsAndWatches() throws Exception {
        for (int i = 0; i < 30; i++) {
            store.create("/registry/rr/k" + i, bytes("v"));
            store.get("/registry/rr/k" + i);
        }
        for (int i = 0; i < EtcdCluster.SIZE; i++) {
            assertTrue(store.rpc().answered(i) >= 10, "endpoint " + i + " answered " + store.rpc().answered(i) + " of 60 calls");
        }
        Set<Integer> watched = new HashSet<>();
        for (int i = 0; i < EtcdCluster.SIZE; i++) {
            watched.add(((EtcdWatch) store.watch("/registry/rr/", 0, new Collected())).endpoint());
        }
        assertEquals(Set.of(0, 1, 2), watched, "three watches, one on each member");
        assertEquals(3, store.rpc().versions().stream().filter(v -> v != null).count());
    }

    /** Writers and watches across a kill -9 of the leader. */
    @Test
    void killingTheLeaderLosesNoAcknowledgedWriteAndWatchesResumeWithoutGapOrDuplicate() throws Exception {
        List<Collected> watches = new ArrayList<>();
        List<EtcdWatch> etcdWatches = new ArrayList<>();
        long from = store.currentRevision();
        for (int i = 0; i < EtcdCluster.SIZE; i++) {
            Collected c = new Collected();
            watches.add(c);
            etcdWatches.add((EtcdWatch) store.watch("/registry/kl/", from, c));
        }
        int leader = cluster.leader();
        Writers writers = new Writers("/registry/kl/", 4);
        writers.start();
        Thread.sleep(1500);
        long killedAt = System.nanoTime();
        cluster.kill9(leader);
        Thread.sleep(6000);
        writers.stop();
        long afterKill = writers.acknowledgedAfter(killedAt);
        assertTrue(afterKill > 0, "writes go on after the leader died; errors: " + writers.errors);

        // every acknowledged write is there, as the last acknowledged value of its key
        Map<String, KeyValue> last = writers.lastAcknowledged();
        for (Map.Entry<String, KeyValue> e : last.entrySet()) {
            KeyValue now = store.get(e.getKey());
            assertNotNull(now, e.getKey());
            assertTrue(now.modRevision() >= e.getValue().modRevision(), e.getKey());
        }
        // each watch saw every acknowledged revision once, in order
        List<Long> acknowledged = writers.revisions();
        long newest = Collections.max(acknowledged);
        for (int w = 0; w < watches.size(); w++) {
            List<Long> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((seen.isEmpty() || seen.get(seen.size() - 1) < newest) && System.nanoTime() < deadline) {
                Object o = watches.get(w).seen.poll(1, TimeUnit.SECONDS);
                if (o instanceof WatchEvent ev) {
                    seen.add(ev.revision());
                }
            }
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) > seen.get(i - 1), "watch " + w + ": " + seen.get(i - 1) + " then " + seen.get(i));
            }
            assertTrue(new HashSet<>(seen).containsAll(acknowledged), "watch " + w + " missed acknowledged writes");
            assertFalse(watches.get(w).closed.isDone(), "watch " + w + " ended: " + watches.get(w).closed.getNow(null));
        }
        assertTrue(etcdWatches.get(leader).reopenCount() >= 1 || etcdWatches.stream().anyMatch(x -> x.reopenCount() > 0),
                "the watch on the dead leader moved to another member");
        for (EtcdWatch w : etcdWatches) {
            assertTrue(w.endpoint() != leader, "no watch left on the dead member");
        }
        // the version check and a compaction round work with one member dead
        List<String> versions = store.rpc().versions();
        assertNull(versions.get(leader));
        assertEquals(2, versions.stream().filter(v -> v != null).count());
        try (EtcdCompactor compactor = new EtcdCompactor(store, Duration.ofMinutes(5))) {
            compactor.round();
            EtcdStorage.CompactorRound r = compactor.round();
            assertTrue(r.won() && r.compactedTo() > 0, r.toString());
        }
        System.out.println("kill -9 of leader m" + leader + ": " + writers.acknowledged.get() + " writes acknowledged ("
                + afterKill + " after the kill), " + writers.errors.get() + " errors, max latency "
                + writers.maxMillis() + " ms");
    }

    @Test
    void aPausedMemberIsSkippedWithoutWaitingForTheRequestTimeout() throws Exception {
        List<Collected> watches = new ArrayList<>();
        long from = store.currentRevision();
        for (int i = 0; i < EtcdCluster.SIZE; i++) {
            Collected c = new Collected();
            watches.add(c);
            store.watch("/registry/ps/", from, c);
        }
        int leader = cluster.leader();
        int paused = EtcdCluster.others(leader).get(0);
        Writers writers = new Writers("/registry/ps/", 4);
        writers.start();
        Thread.sleep(1000);
        cluster.pause(paused);
        long pausedAt = System.nanoTime();
        try {
            Thread.sleep(6000);
            writers.stop();
            List<Long> latencies = writers.latenciesAfter(pausedAt);
            Collections.sort(latencies);
            long p99 = latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1));
            System.out.println("SIGSTOP of m" + paused + ": " + latencies.size() + " writes after it, p99 " + p99
                    + " ms, max " + latencies.get(latencies.size() - 1) + " ms, errors " + writers.errors.get());
            assertTrue(latencies.size() > 50, "writes go on: " + latencies.size());
            assertTrue(p99 < TIMEOUT.toMillis() / 2, "p99 " + p99 + " ms is well under the request timeout");
            // a read goes to the live members, quickly
            long t0 = System.nanoTime();
            for (int i = 0; i < 9; i++) {
                store.count("/registry/ps/");
            }
            assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "reads skip the paused member");
            // every watch (one was on the paused member) still delivers
            KeyValue marker = store.create("/registry/ps/marker", bytes("m"));
            for (Collected c : watches) {
                boolean found = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!found && System.nanoTime() < deadline) {
                    Object o = c.seen.poll(1, TimeUnit.SECONDS);
                    found = o instanceof WatchEvent ev && ev.revision() == marker.modRevision();
                }
                assertTrue(found, "a watch did not deliver the marker");
            }
        } finally {
            cluster.resume(paused);
        }
    }

    /** Writers creating and updating keys, recording what was acknowledged. */
    private final class Writers {
        final String prefix;
        final int count;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>(); // {startNanos, latencyNanos, revision}
        final Map<String, KeyValue> lastByKey = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();

        Writers(String prefix, int count) {
            this.prefix = prefix;
            this.count = count;
        }

        void start() {
            for (int t = 0; t < count; t++) {
                int id = t;
                Thread th = new Thread(() -> run(id), "writer-" + t);
                th.start();
                threads.add(th);
            }
        }

        private void run(int id) {
            int n = 0;
            KeyValue current = null;
            while (!stop.get()) {
                String key = prefix + "w" + id + "-" + (n / 5);
                long t0 = System.nanoTime();
                try {
                    KeyValue kv = current == null || !current.key().equals(key)
                            ? store.create(key, bytes("0"))
                            : store.update(key, current.modRevision(), bytes(Integer.toString(n)));
                    long t1 = System.nanoTime();
                    acks.add(new long[] {t0, t1 - t0, kv.modRevision()});
                    lastByKey.put(key, kv);
                    acknowledged.incrementAndGet();
                    current = kv;
                    n++;
                } catch (StorageException e) {
                    acks.add(new long[] {t0, System.nanoTime() - t0, -1});
                    errors.incrementAndGet();
                    // outcome unknown: learn the key's state, or move to a new key
                    try {
                        current = store.get(key);
                    } catch (StorageException ignored) {
                        current = null;
                    }
                    if (current == null) {
                        n = (n / 5 + 1) * 5;
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        long acknowledgedAfter(long nanos) {
            return acks.stream().filter(a -> a[2] > 0 && a[0] > nanos).count();
        }

        List<Long> latenciesAfter(long nanos) {
            List<Long> l = new ArrayList<>();
            for (long[] a : acks) {
                if (a[0] > nanos) {
                    l.add(TimeUnit.NANOSECONDS.toMillis(a[1]));
                }
            }
            return l;
        }

        long maxMillis() {
            return acks.stream().mapToLong(a -> TimeUnit.NANOSECONDS.toMillis(a[1])).max().orElse(0);
        }

        List<Long> revisions() {
            return acks.stream().filter(a -> a[2] > 0).map(a -> a[2]).toList();
        }

        Map<String, KeyValue> lastAcknowledged() {
            return lastByKey;
        }
    }
}
