package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/**
 * Five kill -9 cycles under 8 concurrent writers (creates, and updates guarded by the resourceVersion
 * last acknowledged), on the embedded store (Karaf killed) and on etcd (Karaf killed, and separately
 * etcd killed while Kapi keeps running). After each restart or recovery, every acknowledged write is
 * there: each acknowledged create exactly once, each object at its last acknowledged state or at the
 * one write after it whose answer never arrived, never older; the list's resourceVersion covers every
 * acknowledged one; and the next cycle's writes get resourceVersions above everything before.
 */
public class DurabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CMS = "/api/v1/namespaces/default/configmaps";
    private static final String NAME_PREFIX = "dur-";
    private static final int WRITERS = 8;
    private static final int CYCLES = 5;
    private static final long WRITE_MILLIS = 6_000;
    /** Acknowledged writes each cycle must reach, so the checks are never vacuous. */
    private static final int MIN_ACKED_PER_CYCLE = 200;
    private static final int MIN_ACKED_UPDATES_PER_CYCLE = 50;

    @Test
    public void embeddedStoreSurvivesKill9OfKaraf() throws Exception {
        try (Distribution dist = new Distribution("durability-embedded")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            killKarafCycles(new Load("embedded, kill -9 of Karaf", dist, null), dist, null);
        }
    }

    /**
     * etcd keeps running; Karaf restarts with etc/io.kapi.storage.etcd.cfg in place. The check runs on
     * the first LIST after /readyz = 200, which must already be served from etcd.
     */
    @Test
    public void etcdBackendSurvivesKill9OfKaraf() throws Exception {
        assumeTrue("etcd-server is installed", Files.isExecutable(Path.of("/usr/bin/etcd")));
        try (EtcdServer etcd = EtcdServer.fresh("durability-kill-karaf");
             Distribution dist = new Distribution("durability-etcd-kill-karaf")) {
            dist.useEtcd(etcd.endpoint(), "");
            dist.start();
            dist.awaitReady(System.nanoTime());
            killKarafCycles(new Load("etcd, kill -9 of Karaf", dist, etcd), dist, etcd);
        }
    }

    /** CYCLES times: write, kill -9 of Karaf under the writers, restart, verify; etcd (if any) must keep running. */
    private static void killKarafCycles(Load load, Distribution dist, EtcdServer etcd) throws Exception {
        load.awaitDefaultNamespace();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            load.write(cycle, dist::kill9);
            if (etcd != null) {
                assertTrue("etcd still running", etcd.isAlive());
            }
            long t0 = System.nanoTime();
            dist.start();
            long ready = dist.awaitReady(t0);
            load.verify(cycle, "restart to /readyz " + ready + " ms");
        }
        load.report();
    }

    /**
     * Karaf keeps running; etcd is killed under the writers (who then get 503s for a second) and started
     * again on its data directory; Kapi recovers by itself.
     */
    @Test
    public void etcdBackendSurvivesKill9OfEtcd() throws Exception {
        assumeTrue("etcd-server is installed", Files.isExecutable(Path.of("/usr/bin/etcd")));
        try (EtcdServer etcd = EtcdServer.fresh("durability-kill-etcd");
             Distribution dist = new Distribution("durability-etcd-kill-etcd")) {
            dist.useEtcd(etcd.endpoint(), "");
            dist.start();
            dist.awaitReady(System.nanoTime());
            Load load = new Load("etcd, kill -9 of etcd", dist, etcd);
            load.awaitDefaultNamespace();
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                int unavailableBefore = load.unavailable.get();
                load.write(cycle, () -> {
                    etcd.kill9();
                    // the writers go on against Kapi while etcd is gone
                    Thread.sleep(1_000);
                });
                // Kapi itself keeps running and answers 503 while etcd is gone
                assertTrue("Karaf still running", dist.isAlive());
                HttpResponse<String> down = load.get(CMS);
                assertEquals(down.body(), 503, down.statusCode());
                assertTrue("503s seen by the writers during the outage", load.unavailable.get() > unavailableBefore);
                long t0 = System.nanoTime();
                etcd.start();
                long ready = dist.awaitReady(t0);
                load.verify(cycle, "etcd restart to Kapi /readyz " + ready + " ms");
                assertTrue("Karaf still running", dist.isAlive());
            }
            load.report();
        }
    }

    interface Crash {
        void run() throws Exception;
    }

    /** One object, written only by its writer; read by the test thread between cycles. */
    private static final class Obj {
        final String name;
        /** true once its create was acknowledged, or it was seen after a create whose answer never arrived */
        boolean known;
        /** a create whose answer never arrived; settled by the next check */
        boolean unknownCreate;
        /** last acknowledged (or, after a check, last observed) state */
        long rv;
        long counter;
        /** the counter of an update after that state whose answer never arrived; the object is not written again until a check settles it */
        Long unknownCounter;

        Obj(String name) {
            this.name = name;
        }

        boolean updatable() {
            return known && unknownCounter == null;
        }
    }

    /** The outcome of one write: Kapi's answer, or none (sent, connection lost), or not sent at all (no connection). */
    private record Answer(int status, String body) {
        static final Answer LOST = new Answer(-1, "no answer");
        static final Answer NOT_SENT = new Answer(-2, "not sent");

        /** No answer, or 5xx: the write may or may not have happened. */
        boolean unknown() {
            return status == -1 || status >= 500;
        }
    }

    /** The writers, what they had acknowledged, and the checks after each restart. */
    private static final class Load {
        final String variant;
        final Distribution dist;
        final EtcdServer etcd;
        final String token;
        HttpClient client;
        final Map<String, Obj> objects = new ConcurrentHashMap<>();
        final List<List<Obj>> owned = new ArrayList<>();
        final Set<Long> ackedRvs = ConcurrentHashMap.newKeySet();
        final AtomicLong maxAcked = new AtomicLong();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        /** every resourceVersion acknowledged or observed before the current cycle is at most this */
        volatile long highWater;
        long lastListRv;
        final AtomicInteger ackedCreates = new AtomicInteger();
        final AtomicInteger ackedUpdates = new AtomicInteger();
        final AtomicInteger unknownWrites = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final AtomicInteger refusedConnections = new AtomicInteger();
        int unknownApplied;
        int cycles;
        final List<String> perCycle = new ArrayList<>();

        Load(String variant, Distribution dist, EtcdServer etcd) throws Exception {
            this.variant = variant;
            this.dist = dist;
            this.etcd = etcd;
            this.token = dist.token();
            this.client = Distribution.insecureClient();
            for (int w = 0; w < WRITERS; w++) {
                owned.add(new ArrayList<>());
            }
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(dist.baseUrl() + path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(15));
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        void awaitDefaultNamespace() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (get("/api/v1/namespaces/default").statusCode() != 200
                    || etcd != null && etcd.count("/registry/namespaces/default") != 1) {
                assertTrue("namespace default not created in 60 s", System.nanoTime() < deadline);
                Thread.sleep(200);
            }
        }

        /** 8 writers for WRITE_MILLIS, then the crash while they are still writing, then the writers stop. */
        void write(int cycle, Crash crash) throws Exception {
            client = Distribution.insecureClient(); // no connection of the previous incarnation
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger creates = new AtomicInteger();
            AtomicInteger updates = new AtomicInteger();
            AtomicLong minRv = new AtomicLong(Long.MAX_VALUE);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    writer(cycle, writer, stop, creates, updates, minRv);
                    return null;
                }));
            }
            Thread.sleep(WRITE_MILLIS);
            crash.run();
            stop.set(true);
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue("writer violations in cycle " + cycle + ": " + violations, violations.isEmpty());
            int acked = creates.get() + updates.get();
            ackedCreates.addAndGet(creates.get());
            ackedUpdates.addAndGet(updates.get());
            System.out.printf("durability [%s] cycle %d: %d acknowledged creates, %d acknowledged updates, lowest new resourceVersion %d > %d%n",
                    variant, cycle, creates.get(), updates.get(), minRv.get(), highWater);
            perCycle.add(creates.get() + "+" + updates.get());
            assertTrue("too few acknowledged writes in cycle " + cycle + ": " + acked, acked >= MIN_ACKED_PER_CYCLE);
            assertTrue("too few acknowledged updates in cycle " + cycle + ": " + updates.get(), updates.get() >= MIN_ACKED_UPDATES_PER_CYCLE);
            cycles = cycle;
        }

        private void writer(int cycle, int writer, AtomicBoolean stop, AtomicInteger creates, AtomicInteger updates, AtomicLong minRv) {
            List<Obj> mine = owned.get(writer);
            List<Obj> updatable = new ArrayList<>();
            for (Obj o : mine) {
                if (o.updatable()) {
                    updatable.add(o);
                }
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int n = 0;
            while (!stop.get()) {
                if (updatable.isEmpty() || random.nextBoolean()) {
                    Obj o = new Obj(NAME_PREFIX + cycle + "-" + writer + "-" + n++);
                    objects.put(o.name, o);
                    Answer r = send(request(CMS).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(o.name, null, 0, writer))).build());
                    if (r == Answer.NOT_SENT) {
                        objects.remove(o.name); // never reached Kapi: must not exist
                        continue;
                    }
                    mine.add(o);
                    if (r.status() == 201) {
                        long rv = acknowledged(o.name, r, 0, minRv);
                        o.known = true;
                        o.rv = rv;
                        o.counter = 0;
                        updatable.add(o);
                        creates.incrementAndGet();
                    } else if (r.unknown()) {
                        o.unknownCreate = true;
                        unknownWrites.incrementAndGet();
                    } else {
                        violations.add("create " + o.name + ": " + r.status() + " " + r.body());
                    }
                } else {
                    Obj o = updatable.get(random.nextInt(updatable.size()));
                    long next = o.counter + 1;
                    Answer r = send(request(CMS + "/" + o.name).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body(o.name, o.rv, next, writer))).build());
                    if (r == Answer.NOT_SENT) {
                        continue; // never reached Kapi: the acknowledged state stays the last one
                    }
                    if (r.status() == 200) {
                        long rv = acknowledged(o.name, r, next, minRv);
                        if (rv <= o.rv) {
                            violations.add("update of " + o.name + " acknowledged with resourceVersion " + rv + " after " + o.rv);
                        }
                        o.rv = rv;
                        o.counter = next;
                        updates.incrementAndGet();
                    } else if (r.unknown()) {
                        o.unknownCounter = next;
                        updatable.remove(o);
                        unknownWrites.incrementAndGet();
                    } else {
                        // 409 included: nobody else writes this object, so its acknowledged resourceVersion must still be current
                        violations.add("guarded update of " + o.name + " at resourceVersion " + o.rv + ": " + r.status() + " " + r.body());
                        updatable.remove(o);
                    }
                }
            }
        }

        private Answer send(HttpRequest request) {
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 503) {
                    unavailable.incrementAndGet();
                    Thread.sleep(50); // etcd is gone: no busy loop of 503s
                }
                return new Answer(r.statusCode(), r.body());
            } catch (ConnectException | HttpConnectTimeoutException refused) {
                // no connection, so the request never left: Karaf is gone (or not listening yet)
                refusedConnections.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Answer.NOT_SENT;
            } catch (IOException lost) {
                return Answer.LOST; // sent, but no answer: the write may or may not have happened
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Answer.LOST;
            }
        }

        private static String body(String name, Long rv, long counter, int writer) {
            ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
            ObjectNode meta = cm.putObject("metadata").put("name", name);
            if (rv != null) {
                meta.put("resourceVersion", Long.toString(rv));
            }
            cm.putObject("data").put("counter", Long.toString(counter)).put("writer", Integer.toString(writer));
            return cm.toString();
        }

        /** The resourceVersion of an acknowledged write, checked against everything acknowledged before. */
        private long acknowledged(String name, Answer r, long counter, AtomicLong minRv) {
            JsonNode cm;
            try {
                cm = JSON.readTree(r.body());
            } catch (IOException e) {
                violations.add("unreadable answer for " + name + ": " + r.body());
                return Long.MAX_VALUE;
            }
            long rv = Long.parseLong(cm.path("metadata").path("resourceVersion").asText("0"));
            if (!Long.toString(counter).equals(cm.path("data").path("counter").asText())) {
                violations.add(name + " acknowledged with counter " + cm.path("data").path("counter") + ", sent " + counter);
            }
            if (rv <= highWater) {
                violations.add(name + " acknowledged with resourceVersion " + rv + ", not above " + highWater + " of the cycles before");
            }
            if (!ackedRvs.add(rv)) {
                violations.add(name + " acknowledged with resourceVersion " + rv + ", already acknowledged for another write");
            }
            maxAcked.accumulateAndGet(rv, Math::max);
            minRv.accumulateAndGet(rv, Math::min);
            return rv;
        }

        /** After the restart (or recovery): the LIST against everything acknowledged so far. */
        void verify(int cycle, String recovery) throws Exception {
            HttpResponse<String> list = get(CMS);
            assertEquals(list.body(), 200, list.statusCode());
            JsonNode doc = JSON.readTree(list.body());
            long listRv = Long.parseLong(doc.path("metadata").path("resourceVersion").asText());
            Map<String, JsonNode> present = new HashMap<>();
            List<String> problems = new ArrayList<>();
            for (JsonNode item : doc.path("items")) {
                String name = item.path("metadata").path("name").asText();
                if (!name.startsWith(NAME_PREFIX)) {
                    continue;
                }
                if (present.put(name, item) != null) {
                    problems.add("duplicate " + name);
                }
                if (!objects.containsKey(name)) {
                    problems.add("never written: " + name);
                }
            }
            int settled = 0;
            for (Obj o : objects.values()) {
                JsonNode item = present.get(o.name);
                if (o.unknownCreate) {
                    if (item == null) {
                        objects.remove(o.name);
                        owned.forEach(l -> l.remove(o));
                        continue;
                    }
                    long rv = rv(item);
                    if (counter(item) != 0 || rv <= 0) {
                        problems.add(o.name + " (create without answer) holds counter " + counter(item) + " at " + rv);
                    }
                    o.unknownCreate = false;
                    o.known = true;
                    o.rv = rv;
                    o.counter = counter(item);
                    unknownApplied++;
                    settled++;
                    continue;
                }
                if (item == null) {
                    problems.add("acknowledged create lost: " + o.name + " (last acknowledged resourceVersion " + o.rv + ")");
                    continue;
                }
                long rv = rv(item);
                long counter = counter(item);
                boolean acknowledgedState = rv == o.rv && counter == o.counter;
                if (o.unknownCounter == null) {
                    if (!acknowledgedState) {
                        problems.add(o.name + " holds counter " + counter + " at " + rv + ", acknowledged " + o.counter + " at " + o.rv);
                    }
                } else {
                    boolean unknownWriteApplied = counter == o.unknownCounter && rv > o.rv;
                    if (!acknowledgedState && !unknownWriteApplied) {
                        problems.add(o.name + " holds counter " + counter + " at " + rv + ", acknowledged " + o.counter + " at " + o.rv
                                + " then sent " + o.unknownCounter + " without answer");
                    }
                    if (unknownWriteApplied) {
                        unknownApplied++;
                    }
                    o.unknownCounter = null;
                    o.rv = rv;
                    o.counter = counter;
                    settled++;
                }
            }
            assertTrue("after kill -9 cycle " + cycle + " (" + variant + "), " + recovery + ": " + problems.size() + " problems"
                    + (problems.isEmpty() ? "" : diagnosis(present.size(), listRv)) + "; first "
                    + problems.subList(0, Math.min(20, problems.size())), problems.isEmpty());
            assertTrue("list resourceVersion " + listRv + " below acknowledged " + maxAcked.get(), listRv >= maxAcked.get());
            assertTrue("list resourceVersion " + listRv + " below the one of the check before, " + lastListRv, listRv >= lastListRv);
            if (etcd != null) {
                // the objects are in etcd itself, at kube's keys, once each
                assertEquals("ConfigMaps in etcd", present.size(), etcd.count("/registry/configmaps/default/" + NAME_PREFIX));
            }
            lastListRv = listRv;
            highWater = Math.max(listRv, maxAcked.get());
            System.out.printf("durability [%s] after cycle %d (%s): all %d objects as acknowledged, %d writes without answer settled, list resourceVersion %d%n",
                    variant, cycle, recovery, present.size(), settled, listRv);
        }

        /** For a failure message: what etcd holds, and what the same LIST answers a few seconds later. */
        private String diagnosis(int listed, long listRv) {
            StringBuilder d = new StringBuilder(" (the LIST right after /readyz = 200 had " + listed + " objects at resourceVersion " + listRv);
            try {
                if (etcd != null) {
                    d.append("; etcd holds ").append(etcd.count("/registry/configmaps/default/" + NAME_PREFIX));
                }
                Thread.sleep(5_000);
                JsonNode later = JSON.readTree(get(CMS).body());
                long n = 0;
                for (JsonNode item : later.path("items")) {
                    if (item.path("metadata").path("name").asText().startsWith(NAME_PREFIX)) {
                        n++;
                    }
                }
                d.append("; 5 s later the LIST has ").append(n).append(" at resourceVersion ")
                        .append(later.path("metadata").path("resourceVersion").asText());
            } catch (Exception e) {
                d.append("; ").append(e);
            }
            return d.append(')').toString();
        }

        private static long rv(JsonNode item) {
            return Long.parseLong(item.path("metadata").path("resourceVersion").asText());
        }

        private static long counter(JsonNode item) {
            return Long.parseLong(item.path("data").path("counter").asText("-1"));
        }

        void report() {
            assertEquals(CYCLES, cycles);
            System.out.printf("durability TOTAL [%s]: %d cycles, %d acknowledged creates, %d acknowledged updates (per cycle %s), "
                            + "%d writes without answer (%d of them applied), %d answers 503, %d writes refused at connect (not sent), %d objects at the end%n",
                    variant, cycles, ackedCreates.get(), ackedUpdates.get(), perCycle, unknownWrites.get(), unknownApplied,
                    unavailable.get(), refusedConnections.get(), objects.size());
        }
    }
}
