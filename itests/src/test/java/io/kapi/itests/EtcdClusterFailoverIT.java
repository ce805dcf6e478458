package io.kapi.itests;

import static io.kapi.itests.InstanceApi.CMS;
import static io.kapi.itests.InstanceApi.JSON;
import static io.kapi.itests.InstanceApi.configMap;
import static io.kapi.itests.InstanceApi.rv;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;

/**
 * Scale-out on a real etcd cluster: three etcd members on loopback and two Kapi distributions configured
 * with all three endpoints. Under 8 writers going through Kapi (4 per instance, ConfigMap creates and
 * guarded updates), the etcd leader is killed with kill -9 and the writers go on for 10 s:
 * <ul>
 * <li>every acknowledged write is there afterwards (GET of each object, LIST of all);</li>
 * <li>a watch opened on each instance before the load saw every acknowledged resourceVersion once, in
 *     order, with nothing twice;</li>
 * <li>writes go on once etcd has a new leader; the p99 and max latency of the requests started in the 10 s
 *     after the kill and the errors the writers got are printed as one {@code FAILOVER:} line;</li>
 * <li>/readyz?verbose is polled on both instances throughout; its transitions are printed, and both are
 *     ready at the end. Whether it ever failed is recorded, not asserted: etcd may elect a new leader before
 *     any storage check lands in the election, and kube's readiness would not fail either then.</li>
 * </ul>
 * Then the killed member is started again and a follower is paused (SIGSTOP) under the writers: requests go
 * on without each one waiting for the request timeout (p99 well under it), as one {@code PAUSE:} line, and
 * the watches still see every acknowledged write.
 */
public class EtcdClusterFailoverIT {
    private static final String PREFIX = "/kapi-failover";
    private static final int WRITERS = 8;
    /** Kapi's etcd request timeout (etc/io.kapi.storage.etcd.cfg requestTimeoutMillis; also the default). */
    private static final long REQUEST_TIMEOUT_MILLIS = 5000;
    private static final long AFTER_KILL_MILLIS = 10_000;
    private static final long PAUSE_MILLIS = 8_000;

    @Test
    public void leaderKilledAndFollowerPausedUnderWritersThroughTwoInstances() throws Exception {
        assumeTrue("etcd-server is installed", Files.isExecutable(Path.of("/usr/bin/etcd")));
        EtcdMembers etcd = null;
        Distribution distA = null;
        Distribution distB = null;
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            etcd = EtcdMembers.fresh("cluster-failover", 3);
            distA = new Distribution("cluster-failover-a");
            distB = new Distribution("cluster-failover-b");
            for (Distribution d : List.of(distA, distB)) {
                Files.writeString(d.home.resolve("etc/io.kapi.storage.etcd.cfg"), "endpoints = " + etcd.endpoints() + "\n"
                        + "prefix = " + PREFIX + "\n" + "requestTimeoutMillis = " + REQUEST_TIMEOUT_MILLIS + "\n");
            }
            distA.start();
            distB.start();
            distA.awaitReady(System.nanoTime());
            distB.awaitReady(System.nanoTime());
            List<InstanceApi> apis = List.of(new InstanceApi("A", distA), new InstanceApi("B", distB));
            InstanceApi.awaitSharedStore(apis.get(0), apis.get(1));

            List<InstanceWatch.Revisions> watches = new ArrayList<>();
            for (InstanceApi api : apis) {
                String listRv = JSON.readTree(api.get(CMS).body()).path("metadata").path("resourceVersion").asText();
                InstanceWatch.Revisions w = new InstanceWatch.Revisions(api);
                closing.add(api.watch(CMS + "?watch=1&timeoutSeconds=900&resourceVersion=" + listRv, w));
                watches.add(w);
            }
            List<ReadyzPoller> readyz = new ArrayList<>();
            for (InstanceApi api : apis) {
                ReadyzPoller r = new ReadyzPoller(api);
                readyz.add(r);
                closing.add(r);
            }

            // ---- kill -9 of the leader under the writers
            Writers writers = new Writers(apis, "k");
            writers.start();
            Thread.sleep(3000);
            int leader = etcd.leader(Duration.ofSeconds(30));
            assertTrue("etcd has a leader", leader >= 0);
            long killedAt = System.nanoTime();
            etcd.kill9(leader);
            int newLeader = etcd.leader(Duration.ofSeconds(30));
            long electedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue("a new leader within 30 s", newLeader >= 0 && newLeader != leader);
            Thread.sleep(Math.max(0, AFTER_KILL_MILLIS - electedMillis));
            writers.stop();

            Window failover = writers.window(killedAt, killedAt + TimeUnit.MILLISECONDS.toNanos(AFTER_KILL_MILLIS));
            assertTrue("writes acknowledged after the kill: " + failover, failover.acknowledged > 0);
            long firstAckAfterKill = writers.firstAcknowledgedStartedAfter(killedAt);
            verifyPresent(apis, writers);
            verifyWatches(watches, writers, "after kill -9 of the leader");
            for (ReadyzPoller r : readyz) {
                r.awaitReady(Duration.ofSeconds(60));
            }
            StringBuilder ready = new StringBuilder();
            for (ReadyzPoller r : readyz) {
                ready.append(" /readyz on ").append(r.api.name).append(r.everFailedSince(killedAt) ? " failed then recovered " : " never failed ")
                        .append(r.transitions(killedAt)).append(" (slowest answer ")
                        .append(r.maxMillis(killedAt, killedAt + TimeUnit.MILLISECONDS.toNanos(AFTER_KILL_MILLIS))).append(" ms);");
            }
            System.out.println("FAILOVER: kill -9 of the etcd leader (3 members, 2 Kapi instances, " + WRITERS + " writers): new leader after "
                    + electedMillis + " ms; first write started after the kill acknowledged " + firstAckAfterKill + " ms after it; "
                    + "requests in the " + AFTER_KILL_MILLIS / 1000 + " s after the kill: " + failover + "; 0 acknowledged writes lost ("
                    + writers.acknowledgedCount() + " acknowledged in all); watches on both instances: every acknowledged write once, in order;"
                    + ready);
            for (ReadyzPoller r : readyz) {
                System.out.println("readyz " + r.api.name + " transitions (ms from the kill): " + r.transitions(killedAt));
            }

            // ---- SIGSTOP of a follower, with all three members back
            etcd.restart(leader);
            int current = etcd.leader(Duration.ofSeconds(30));
            assertTrue("etcd has a leader after the restart", current >= 0);
            // a follower that ran all along (the watches moved to the survivors when the leader died)
            int paused = -1;
            for (int i = 0; i < etcd.size(); i++) {
                if (i != current && (i != leader || paused < 0)) {
                    paused = i;
                }
            }
            Writers pauseWriters = new Writers(apis, "p");
            pauseWriters.start();
            Thread.sleep(2000);
            long pausedAt = System.nanoTime();
            etcd.pause(paused);
            Window pause;
            try {
                Thread.sleep(PAUSE_MILLIS);
                pauseWriters.stop();
                pause = pauseWriters.window(pausedAt, pausedAt + TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS));
            } finally {
                etcd.resume(paused);
            }
            System.out.println("PAUSE: SIGSTOP of an etcd follower for " + PAUSE_MILLIS / 1000 + " s (request timeout "
                    + REQUEST_TIMEOUT_MILLIS + " ms): " + pause);
            assertTrue("writes acknowledged while a member is paused: " + pause, pause.acknowledged > 20);
            assertTrue("p99 " + pause.p99 + " ms while a member is paused is well under the request timeout of "
                    + REQUEST_TIMEOUT_MILLIS + " ms", pause.p99 < REQUEST_TIMEOUT_MILLIS / 2);
            verifyPresent(apis, pauseWriters);
            verifyWatches(watches, pauseWriters, "after SIGSTOP of a follower");
            for (ReadyzPoller r : readyz) {
                r.awaitReady(Duration.ofSeconds(60));
                System.out.println("readyz " + r.api.name + " transitions (ms from the pause): " + r.transitions(pausedAt));
            }
        } finally {
            for (AutoCloseable c : closing) {
                closeQuietly(c);
            }
            closeQuietly(distB);
            closeQuietly(distA);
            closeQuietly(etcd);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.out.println("cleanup: " + e);
        }
    }

    /** Every acknowledged write is there: each object by GET at or after its last acknowledged resourceVersion, and all by LIST. */
    private static void verifyPresent(List<InstanceApi> apis, Writers writers) throws Exception {
        Map<String, Long> last = writers.lastAcknowledged();
        for (Map.Entry<String, Long> e : last.entrySet()) {
            InstanceApi api = apis.get(Math.floorMod(e.getKey().hashCode(), apis.size()));
            HttpResponse<String> got = api.get(CMS + "/" + e.getKey());
            assertEquals("GET " + e.getKey() + " through " + api.name + ": " + got.body(), 200, got.statusCode());
            long rv = rv(JSON.readTree(got.body()));
            assertTrue(e.getKey() + " at " + rv + ", acknowledged at " + e.getValue(), rv >= e.getValue());
        }
        for (InstanceApi api : apis) {
            HttpResponse<String> list = api.get(CMS);
            assertEquals(list.body(), 200, list.statusCode());
            Set<String> names = new HashSet<>();
            for (JsonNode item : JSON.readTree(list.body()).path("items")) {
                names.add(item.path("metadata").path("name").asText());
            }
            assertTrue("LIST through " + api.name + " has every acknowledged object", names.containsAll(last.keySet()));
        }
    }

    /** Each watch saw every acknowledged resourceVersion exactly once, every event in increasing order, and is still open. */
    private static void verifyWatches(List<InstanceWatch.Revisions> watches, Writers writers, String when) throws Exception {
        List<Long> acknowledged = writers.acknowledgedRevisions();
        long newest = Collections.max(acknowledged);
        for (InstanceWatch.Revisions w : watches) {
            assertTrue("watch on " + w.api.name + " " + when + " reached " + newest + " (saw up to " + w.newest() + ", ended: " + w.ended + ")",
                    w.awaitRevision(newest, Duration.ofSeconds(60)));
            List<Long> seen = w.revisions();
            Map<Long, Integer> times = new HashMap<>();
            for (int i = 0; i < seen.size(); i++) {
                times.merge(seen.get(i), 1, Integer::sum);
                assertTrue("watch on " + w.api.name + " " + when + ": " + seen.get(i) + " after " + (i == 0 ? 0 : seen.get(i - 1)),
                        i == 0 || seen.get(i) > seen.get(i - 1));
            }
            List<Long> missing = new ArrayList<>();
            for (long rv : acknowledged) {
                if (times.getOrDefault(rv, 0) != 1) {
                    missing.add(rv);
                }
            }
            assertTrue("watch on " + w.api.name + " " + when + " did not see exactly once: " + missing, missing.isEmpty());
            assertTrue("watch on " + w.api.name + " " + when + " got " + w.errors, w.errors.isEmpty());
        }
    }

    /** One request a writer made: when it started, how long it took, its status (0: no answer), the resourceVersion acknowledged (0: none). */
    private record Sent(long startNanos, long nanos, int status, long rv) {
    }

    /** What the requests started within a window saw. */
    private record Window(int requests, int acknowledged, int errors, int unavailable, long p99, long max) {
        @Override
        public String toString() {
            return requests + " requests, p99 " + p99 + " ms, max " + max + " ms, " + errors + " errors (" + unavailable + " of them 503)";
        }
    }

    /**
     * WRITERS threads, alternating between the instances: each creates a ConfigMap and updates it four times,
     * guarded by the resourceVersion last acknowledged, then goes on with a new one. A write whose outcome is
     * unknown (an error) is followed by a GET to learn the object's state (a new object when it is absent).
     */
    private static final class Writers {
        final List<InstanceApi> apis;
        final String tag;
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        final Map<String, Long> lastAcked = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Writers(List<InstanceApi> apis, String tag) {
            this.apis = apis;
            this.tag = tag;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    try {
                        run(id, apis.get(id % apis.size()));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "writer-" + tag + w);
                t.start();
                threads.add(t);
            }
        }

        private void run(int id, InstanceApi api) throws Exception {
            int object = 0;
            int updates = 0;
            Long rv = null;
            while (!stop.get()) {
                String name = "w-" + tag + id + "-" + object;
                boolean create = rv == null;
                HttpRequest.Builder request = create ? api.request(CMS).POST(configMap(name, null, "0"))
                        : api.request(CMS + "/" + name).PUT(configMap(name, rv, Integer.toString(updates)));
                long t0 = System.nanoTime();
                int status = 0;
                String answer = null;
                try {
                    HttpResponse<String> r = api.send(request);
                    status = r.statusCode();
                    answer = r.body();
                } catch (IOException e) {
                    // no answer: an error like a 5xx
                }
                long nanos = System.nanoTime() - t0;
                if (status == 200 || status == 201) {
                    long acked = rv(JSON.readTree(answer));
                    sent.add(new Sent(t0, nanos, status, acked));
                    lastAcked.put(name, acked);
                    rv = acked;
                    if (++updates > 4) {
                        object++;
                        updates = 0;
                        rv = null;
                    }
                    continue;
                }
                sent.add(new Sent(t0, nanos, status, 0));
                // outcome unknown (or a conflict with an earlier write whose outcome was unknown): read the state
                rv = null;
                for (int attempt = 0; attempt < 50 && !stop.get(); attempt++) {
                    try {
                        HttpResponse<String> got = api.get(CMS + "/" + name);
                        if (got.statusCode() == 200) {
                            rv = rv(JSON.readTree(got.body()));
                            break;
                        }
                        if (got.statusCode() == 404) {
                            object++;
                            updates = 0;
                            break;
                        }
                    } catch (IOException e) {
                        // again
                    }
                    Thread.sleep(100);
                }
            }
        }

        void stop() throws Exception {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(t.getName() + " stopped", !t.isAlive());
            }
            assertTrue("writers failed: " + failures, failures.isEmpty());
        }

        Window window(long fromNanos, long toNanos) {
            List<Long> millis = new ArrayList<>();
            int acked = 0;
            int errors = 0;
            int unavailable = 0;
            for (Sent s : sent) {
                if (s.startNanos < fromNanos || s.startNanos > toNanos) {
                    continue;
                }
                millis.add(TimeUnit.NANOSECONDS.toMillis(s.nanos));
                if (s.rv > 0) {
                    acked++;
                } else {
                    errors++;
                    if (s.status == 503) {
                        unavailable++;
                    }
                }
            }
            Collections.sort(millis);
            long p99 = millis.isEmpty() ? 0 : millis.get(Math.max(0, (int) Math.ceil(millis.size() * 0.99) - 1));
            long max = millis.isEmpty() ? 0 : millis.get(millis.size() - 1);
            return new Window(millis.size(), acked, errors, unavailable, p99, max);
        }

        long firstAcknowledgedStartedAfter(long nanos) {
            return sent.stream().filter(s -> s.rv > 0 && s.startNanos >= nanos)
                    .mapToLong(s -> TimeUnit.NANOSECONDS.toMillis(s.startNanos + s.nanos - nanos)).min().orElse(-1);
        }

        List<Long> acknowledgedRevisions() {
            return sent.stream().filter(s -> s.rv > 0).map(Sent::rv).toList();
        }

        long acknowledgedCount() {
            return sent.stream().filter(s -> s.rv > 0).count();
        }

        Map<String, Long> lastAcknowledged() {
            return lastAcked;
        }
    }
}
