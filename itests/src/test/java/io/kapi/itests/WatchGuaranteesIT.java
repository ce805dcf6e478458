package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Watch guarantees of the real distribution (embedded store, watch cache) under load: 50 watchers (30
 * unfiltered, 20 with label selectors) started from one resourceVersion R0, 8 writers doing 20 000 creates,
 * label- and data-changing updates and deletes on objects each writer owns. Every watcher must see exactly the
 * changes that match its selector (kube's rules: starting to match is ADDED, stopping to match is DELETED with
 * the previous object stamped at the event's resourceVersion), in resourceVersion order, each once. 10 of them
 * hang up abruptly now and then, 10 others ask for a short timeoutSeconds so that the server ends them; all resume
 * from the last resourceVersion they saw and must still lose and repeat nothing. Two more, idle watchers get a
 * bookmark after a minute and one of them resumes from the bookmark's resourceVersion.
 *
 * <p>The ground truth is what the writers were told: each create's and update's resourceVersion, labels and data.
 * A DELETE answers with a Status (as kube's does for configmaps), so a deletion's resourceVersion is taken from
 * the watchers' DELETED events for that very object version, which must agree and lie where the writers know the
 * deletion committed.
 *
 * <p>Then a watch from R0, long compacted by the store's automatic compaction, must get kube's 410 Expired.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WatchGuaranteesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "watch-guarantees";
    private static final int WRITERS = 8;
    private static final int WRITES = 20_000;
    private static final int OBJECTS_PER_WRITER = 40;
    private static final int UNFILTERED = 30;
    private static final int FILTERED = 20;
    /**
     * Automatic compaction of the embedded store compacts, every interval, to the revision it saw at the
     * previous run, so at least one interval of history stays. Kapi refuses a watch from a revision at or
     * below the store's compacted revision, so the interval must exceed how far behind a resuming watcher
     * can legitimately be (the watch cache closes a watcher whose events wait more than 10 s), yet be short
     * enough that R0 is compacted soon after the load (the second run after the store opened compacts to a
     * revision written during the load). It must also exceed how long the load test goes on after its last
     * write: once the server is quiet for an interval, Kapi compacts to the current revision itself, and then
     * refuses watches from it (see test3), which would fail resuming watchers here for that other reason.
     */
    private static final long COMPACTION_INTERVAL_MILLIS = 45_000;

    /** The label selectors of the filtered watchers, with kube's meaning as a predicate over the labels. */
    private static final List<Selector> SELECTORS = List.of(
            new Selector("team=a", l -> "a".equals(l.get("team"))),
            new Selector("team in (a,b)", l -> "a".equals(l.get("team")) || "b".equals(l.get("team"))),
            new Selector("!team", l -> !l.containsKey("team")),
            new Selector("tier=gold,team=b", l -> "gold".equals(l.get("tier")) && "b".equals(l.get("team"))),
            new Selector("team!=a", l -> !"a".equals(l.get("team"))),
            new Selector("tier,team notin (c)", l -> l.containsKey("tier") && !"c".equals(l.get("team"))));
    /** Matches nothing the writers write: its watchers are idle, so they get bookmarks (kube: about once a minute). */
    private static final Selector IDLE = new Selector("team=d", l -> "d".equals(l.get("team")));

    private static Distribution dist;
    private static String token;
    private static String base;
    private static HttpClient writeClient;
    private static HttpClient watchClient;
    /** The configmaps' list resourceVersion in the fresh namespace, before any write: every watcher starts here. */
    private static long r0;

    record Selector(String text, Predicate<Map<String, String>> matches) {
    }

    /**
     * One acknowledged write: the ground truth. {@code before} is null for a create, {@code after} for a delete. A
     * delete's {@code rv} is 0 until resolved; it lies strictly between {@code above} and {@code below}.
     */
    record Write(String op, String name, long rv, State before, State after, long above, long below) {
    }

    /** An object's labels and data value as one write left it. */
    record State(Map<String, String> labels, String v, long rv) {
    }

    @BeforeClass
    public static void startDistribution() throws Exception {
        dist = new Distribution("watch-guarantees");
        Files.writeString(dist.home.resolve("etc/io.kapi.storage.embedded.cfg"),
                "compactionIntervalMillis = " + COMPACTION_INTERVAL_MILLIS + "\n");
        dist.start();
        long ready = dist.awaitReady(System.nanoTime());
        token = Files.readAllLines(dist.home.resolve("etc/kapi/tokens.csv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
        base = "https://127.0.0.1:" + dist.securePort;
        writeClient = Distribution.insecureClient();
        watchClient = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        HttpResponse<String> ns = send(writeClient, request("/api/v1/namespaces").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NS + "\"}}")).build());
        assertEquals(ns.body(), 201, ns.statusCode());
        HttpResponse<String> list = send(writeClient, request("/api/v1/namespaces/" + NS + "/configmaps").GET().build());
        assertEquals(list.body(), 200, list.statusCode());
        JsonNode l = JSON.readTree(list.body());
        assertEquals("a fresh namespace has no configmaps: " + list.body(), 0, l.path("items").size());
        r0 = Long.parseLong(l.path("metadata").path("resourceVersion").asText());
        System.out.println("watch-guarantees: distribution ready in " + ready + " ms, R0 = " + r0);
    }

    @AfterClass
    public static void stopDistribution() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    // ------------------------------------------------------------------ the load

    @Test
    public void test1_everyWatcherSeesExactlyTheMatchingChangesInOrderOnce() throws Exception {
        long startNanos = System.nanoTime();
        List<WatcherThread> watchers = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < UNFILTERED + FILTERED; i++) {
            Selector sel = i < UNFILTERED ? null : SELECTORS.get((i - UNFILTERED) % SELECTORS.size());
            int slot = i < UNFILTERED ? i : i - UNFILTERED;
            boolean dropper = slot < 5; // 10 watchers hang up abruptly now and then and resume
            int timeoutSeconds = slot >= 5 && slot < 10 ? 2 + random.nextInt(5) : 0; // 10 the server ends every few seconds
            watchers.add(new WatcherThread(i, sel, dropper, timeoutSeconds, i % 2 == 0, false, new Random(1000 + i)));
        }
        // two idle watchers asking for bookmarks; one hangs up right after its first bookmark and resumes from it
        WatcherThread idle = new WatcherThread(UNFILTERED + FILTERED, IDLE, false, 0, true, false, new Random(1));
        WatcherThread idleResuming = new WatcherThread(UNFILTERED + FILTERED + 1, IDLE, false, 0, true, true, new Random(2));
        watchers.add(idle);
        watchers.add(idleResuming);
        for (WatcherThread w : watchers) {
            w.start();
        }
        for (WatcherThread w : watchers) {
            assertTrue("watcher " + w.name + " did not get its first watch response in 60 s: " + w.fatal,
                    w.established.await(60, TimeUnit.SECONDS));
            assertEquals("watcher " + w.name + " failed to start", null, w.fatal);
        }
        long watchersUpNanos = System.nanoTime();

        // the writers, each owning its own objects so that it knows every object's state before each write
        List<Write> truth = Collections.synchronizedList(new ArrayList<>(WRITES));
        ConcurrentLinkedQueue<String> writeFailures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(writer, WRITES / WRITERS, truth, writeFailures), "wg-writer-" + w);
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) {
            t.join(TimeUnit.MINUTES.toMillis(5));
            assertTrue("writer " + t.getName() + " still running after 5 minutes", !t.isAlive());
        }
        long writesDoneNanos = System.nanoTime();
        if (!writeFailures.isEmpty()) {
            stopAll(watchers);
            fail(writeFailures.size() + " writes failed, so the ground truth is unknown; first: " + writeFailures.peek());
        }
        assertEquals(WRITES, truth.size());

        // The idle watchers get a bookmark once they have watched for a minute and the namespace is quiet; the
        // resuming one then watches again from the bookmark's resourceVersion (bounded wait).
        long bookmarkDeadline = Math.max(watchersUpNanos + TimeUnit.SECONDS.toNanos(100), System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        while ((idle.bookmarks == 0 || idleResuming.watches < 2) && System.nanoTime() < bookmarkDeadline
                && idle.fatal == null && idleResuming.fatal == null) {
            Thread.sleep(100);
        }
        long bookmarksSeenNanos = System.nanoTime();
        assertEquals("the watcher hanging up after its first bookmark must resume from the bookmark's resourceVersion",
                idleResuming.firstBookmarkRv, idleResuming.starts.get(1).longValue());
        String connections = serverConnections();
        if (idle.bookmarks == 0 || idleResuming.watches < 2) {
            stopAll(watchers);
            fail("idle watchers with allowWatchBookmarks=true got no BOOKMARK within 100 s of watching (or 20 s after the writes) (" + idle.bookmarks + " and "
                    + idleResuming.bookmarks + " bookmarks; " + idle.fatal + "; " + idleResuming.fatal + ")");
        }

        // Sentinels: after every writer finished, one create per selector that it matches (and one more for the
        // unfiltered watchers), so that each watcher's last expected event has a resourceVersion known up front.
        List<Write> sentinels = new ArrayList<>();
        for (int k = 0; k <= SELECTORS.size() + 1; k++) {
            Map<String, String> labels = k < SELECTORS.size() ? labelsMatching(SELECTORS.get(k))
                    : k == SELECTORS.size() ? labelsMatching(IDLE) : Map.of("app", "wg");
            String name = "sentinel-" + k;
            HttpResponse<String> r = send(writeClient, request("/api/v1/namespaces/" + NS + "/configmaps")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(name, labels, "s" + k, 0))).build());
            assertEquals(r.body(), 201, r.statusCode());
            State after = new State(labels, "s" + k, check(r.body(), name, labels, "s" + k, 0));
            sentinels.add(new Write("CREATE", name, after.rv, null, after, 0, 0));
        }
        long firstSentinelRv = sentinels.get(0).rv;
        long sentinelsDoneNanos = System.nanoTime();
        for (WatcherThread w : watchers) {
            long target = 0;
            for (Write s : sentinels) {
                if (w.selector == null || w.selector.matches.test(s.after.labels)) {
                    target = Math.max(target, s.rv);
                }
            }
            w.lastExpectedRv = target;
        }

        // every watcher must get to its last expected event (bounded), then a moment more for anything extra
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<WatcherThread> behind = new ArrayList<>(watchers);
        while (!behind.isEmpty() && System.nanoTime() < deadline) {
            behind.removeIf(w -> w.lastEventRv >= w.lastExpectedRv || w.fatal != null || !w.isAlive());
            Thread.sleep(100);
        }
        long caughtUpNanos = System.nanoTime();
        Thread.sleep(2000);
        stopAll(watchers);

        // The ground truth in commit order. A DELETE's answer is a Status without a resourceVersion (as kube's for
        // configmaps), so a deletion's resourceVersion is the one the watchers report for the DELETED event of
        // exactly that object version; all reports must agree, and it must lie between what the writers know
        // (above every write acknowledged before the DELETE was sent, below the deleting writer's next write)
        // and be no other write's resourceVersion.
        List<String> truthProblems = new ArrayList<>();
        List<Write> ordered = resolveDeletes(truth, firstSentinelRv, watchers, truthProblems);
        ordered.addAll(sentinels);
        ordered.sort((a, b) -> Long.compare(a.rv, b.rv));
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).rv == ordered.get(i - 1).rv) {
                truthProblems.add("two writes with resourceVersion " + ordered.get(i).rv + ": " + ordered.get(i - 1) + " and "
                        + ordered.get(i));
            }
        }
        assertTrue("first write at or below R0", ordered.get(0).rv > r0);
        long finalRv = ordered.get(ordered.size() - 1).rv;
        Map<Integer, List<String>> expected = new HashMap<>();
        for (WatcherThread w : watchers) {
            expected.put(w.index, expectedEvents(ordered, w.selector));
        }
        StringBuilder report = new StringBuilder();
        for (String p : truthProblems.subList(0, Math.min(10, truthProblems.size()))) {
            report.append("\n").append(p);
        }
        if (truthProblems.size() > 10) {
            report.append("\n... ").append(truthProblems.size() - 10).append(" more problems with deletions");
        }
        for (WatcherThread w : behind) {
            report.append("\n").append(w.name).append(" did not reach its last expected event at rv ").append(w.lastExpectedRv)
                    .append(" within 120 s after the last sentinel (last event seen at rv ").append(w.lastEventRv).append(")");
        }
        long delivered = 0;
        long drops = 0;
        long serverEnds = 0;
        long serverErrors = 0;
        long bookmarks = 0;
        System.out.println(String.format("watch-guarantees: %d writes (%s) by %d writers in %d ms, then %d sentinel creates "
                        + "(R0 %d, final rv %d); %d watchers up in %d ms; idle watchers' first bookmark %d ms after the watchers "
                        + "started (at rv %d, resumed from it); all caught up %d ms after the last sentinel; established "
                        + "connections to the server after the load: %s",
                WRITES, opCounts(truth), WRITERS, TimeUnit.NANOSECONDS.toMillis(writesDoneNanos - watchersUpNanos), sentinels.size(), r0,
                finalRv, watchers.size(), TimeUnit.NANOSECONDS.toMillis(watchersUpNanos - startNanos),
                TimeUnit.NANOSECONDS.toMillis(bookmarksSeenNanos - watchersUpNanos), idleResuming.firstBookmarkRv,
                TimeUnit.NANOSECONDS.toMillis(caughtUpNanos - sentinelsDoneNanos), connections));
        for (WatcherThread w : watchers) {
            List<String> exp = expected.get(w.index);
            List<String> got = w.received;
            delivered += got.size();
            drops += w.drops;
            serverEnds += w.serverEnds;
            serverErrors += w.serverErrors;
            bookmarks += w.bookmarks;
            System.out.println(String.format("  %-4s %-22s expected %6d got %6d  watches %3d  drops %2d  server ends %3d  "
                            + "server errors %d  bookmarks %d  last rv %d%s",
                    w.name, w.selector == null ? "(all)" : w.selector.text, exp.size(), got.size(), w.watches, w.drops,
                    w.serverEnds, w.serverErrors, w.bookmarks, w.lastEventRv,
                    w.serverErrorMessages.isEmpty() ? "" : "  " + w.serverErrorMessages.get(0)));
            String problem = w.fatal != null ? w.fatal : compare(exp, got, w.violations);
            if (problem != null) {
                report.append("\n").append(w.name).append(" (").append(w.selector == null ? "all" : w.selector.text)
                        .append(", dropper ").append(w.dropper).append(", timeoutSeconds ").append(w.timeoutSeconds).append("): ")
                        .append(problem);
            }
        }
        System.out.println(String.format("watch-guarantees: %d events delivered, %d abrupt drops, %d watches ended by the server, "
                        + "%d ended with an ERROR event, %d bookmarks; total %d ms",
                delivered, drops, serverEnds, serverErrors, bookmarks, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos)));
        if (report.length() > 0) {
            fail("watchers did not see exactly their changes:" + report);
        }
        assertTrue("the droppers never dropped", drops >= 10);
        assertTrue("the server never ended a timeoutSeconds watch", serverEnds >= 10);
    }

    // ------------------------------------------------------------------ 410

    @Test
    public void test2_watchFromCompactedRevisionGets410Expired() throws Exception {
        // make sure there is history after R0 for the compactor to pass (test1 normally left plenty)
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = send(writeClient, request("/api/v1/namespaces/" + NS + "/configmaps")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"expired-\"},\"data\":{\"i\":\"" + i + "\"}}"))
                    .build());
            assertEquals(r.body(), 201, r.statusCode());
        }
        // a real compaction past R0: an exact list at R0 is then refused by the store itself
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * COMPACTION_INTERVAL_MILLIS + 10_000);
        HttpResponse<String> exact;
        while (true) {
            exact = send(writeClient, request("/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=" + r0
                    + "&resourceVersionMatch=Exact").GET().build());
            if (exact.statusCode() == 410 || System.nanoTime() > deadline) {
                break;
            }
            assertEquals("exact list at R0 before compaction: " + exact.body(), 200, exact.statusCode());
            Thread.sleep(500);
        }
        assertEquals("R0 = " + r0 + " was not compacted within " + (3 * COMPACTION_INTERVAL_MILLIS + 10_000)
                + " ms with compactionIntervalMillis = " + COMPACTION_INTERVAL_MILLIS + ": " + exact.body(), 410, exact.statusCode());
        assertStatus410Expired("exact list at R0", JSON.readTree(exact.body()));

        // kube: once authn/authz/admission passed and the resourceVersion parsed, the watch answers 200 and
        // the error is an ERROR event carrying the 410 Status (cacher.Watch: "To match the uncached watch
        // implementation ... other errors must fail with a watch event of type ERROR, rather than a directly
        // returned error"; the etcd3 watcher does the same for a compacted revision). Then the stream ends.
        HttpResponse<String> watch = send(writeClient, request("/api/v1/namespaces/" + NS + "/configmaps?watch=1&resourceVersion=" + r0)
                .timeout(Duration.ofSeconds(30)).GET().build());
        assertEquals("a watch from the compacted R0 = " + r0 + " must be answered like kube-apiserver does: HTTP 200 with one ERROR "
                + "event carrying a 410 Expired Status; got HTTP " + watch.statusCode() + " " + watch.body(), 200, watch.statusCode());
        List<String> lines = watch.body().lines().filter(s -> !s.isBlank()).toList();
        assertEquals("the watch from R0 must carry exactly one event, an ERROR: " + watch.body(), 1, lines.size());
        JsonNode event = JSON.readTree(lines.get(0));
        assertEquals(watch.body(), "ERROR", event.path("type").asText());
        assertStatus410Expired("watch from R0", event.path("object"));
        System.out.println("watch-guarantees: a watch from the compacted R0 = " + r0 + " got " + lines.get(0));
    }

    // ------------------------------------------------------------------ compaction on a quiet server

    /**
     * Watchers of a quiet resource, each on its own HTTP/1.1 connection, that hang up are forgotten at once, as by
     * kube-apiserver: Jetty alone would have noticed only at the next write, so each kept its socket (in
     * CLOSE_WAIT) and its store watch until its timeout, 30 to 60 minutes later.
     */
    @Test
    public void test4_watchersThatHangUpOnAQuietResourceAreForgottenAtOnce() throws Exception {
        String quiet = "/api/v1/namespaces/" + NS + "/secrets";
        long before = registeredWatchers("Secret");
        javax.net.ssl.SSLSocketFactory tls = Distribution.trustingAnyCertificate().getSocketFactory();
        List<java.net.Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            java.net.Socket s = tls.createSocket("127.0.0.1", dist.securePort);
            s.getOutputStream().write(("GET " + quiet + "?watch=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = new byte[12];
            int n = s.getInputStream().readNBytes(head, 0, head.length);
            assertEquals("HTTP/1.1 200", new String(head, 0, n, StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        assertEquals(before + 20, registeredWatchers("Secret"));
        for (java.net.Socket s : sockets) {
            s.close();
        }
        assertEquals("HTTP/1.1 watchers left 10 s after their clients hung up", before, registeredWatchersWithin(10, before));
    }

    /**
     * The same over HTTP/2, kubectl's and client-go's protocol, where Jetty fails the stream at once but, the
     * response being committed, only aborted it: watches whose stream the client reset (as client-go cancels a
     * watch; here the JDK's client, which resets a stream whose body is closed) and watches of kubectl processes
     * killed (their connection closes) are forgotten at once.
     */
    @Test
    public void test5_http2WatchersThatResetOrHangUpAreForgottenAtOnce() throws Exception {
        String quiet = "/api/v1/namespaces/" + NS + "/secrets";
        long before = registeredWatchers("Secret");
        HttpClient h2 = Distribution.insecureClient(HttpClient.Version.HTTP_2);
        List<InputStream> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<InputStream> watch = h2.send(request(quiet + "?watch=1").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, watch.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, watch.version());
            bodies.add(watch.body());
        }
        List<Process> kubectls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kubectls.add(new ProcessBuilder("kubectl", "--kubeconfig=" + dist.kubeconfig(), "get", "secrets", "-n", NS, "-w")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        assertEquals("10 HTTP/2 watch streams and 3 kubectl watches registered", before + 13, registeredWatchersWithin(30, before + 13));
        for (InputStream body : bodies) {
            body.close();
        }
        for (Process kubectl : kubectls) {
            kubectl.destroyForcibly().waitFor();
        }
        assertEquals("HTTP/2 watchers left 10 s after their clients reset their streams or hung up", before,
                registeredWatchersWithin(10, before));
    }

    /** {@code apiserver_registered_watchers} of Secrets once it is {@code expected}, or after {@code seconds}. */
    private static long registeredWatchersWithin(int seconds, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long now = registeredWatchers("Secret");
        while (now != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = registeredWatchers("Secret");
        }
        return now;
    }

    /** {@code apiserver_registered_watchers} of a core/v1 kind, from /metrics. */
    private static long registeredWatchers(String kind) throws Exception {
        HttpResponse<String> metrics = send(writeClient, request("/metrics").GET().build());
        assertEquals(200, metrics.statusCode());
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("apiserver_registered_watchers{") && line.contains("kind=\"" + kind + "\"") && line.contains("group=\"\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /**
     * kube: a watch from the resourceVersion a LIST just returned always starts (the apiserver's compactor keeps
     * the revision it compacts to, as etcd does, and the cacher serves watches from its window anyway). On a quiet
     * server Kapi's automatic compaction reaches the current revision after two intervals; a watch from it must
     * still start and end cleanly, or every informer of a quiet resource relists in a loop.
     */
    @Test
    public void test3_watchFromCurrentResourceVersionStartsAfterCompactionCaughtUp() throws Exception {
        long interval = 2000;
        try (Distribution quiet = new Distribution("watch-guarantees-quiet")) {
            Files.writeString(quiet.home.resolve("etc/io.kapi.storage.embedded.cfg"), "compactionIntervalMillis = " + interval + "\n");
            quiet.start();
            quiet.awaitReady(System.nanoTime());
            String quietToken = Files.readAllLines(quiet.home.resolve("etc/kapi/tokens.csv")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
            String quietBase = "https://127.0.0.1:" + quiet.securePort;
            java.util.function.Function<String, HttpRequest.Builder> req = path -> HttpRequest.newBuilder(URI.create(quietBase + path))
                    .header("Authorization", "Bearer " + quietToken).timeout(Duration.ofSeconds(30));
            HttpResponse<String> created = send(writeClient, req.apply("/api/v1/namespaces/default/configmaps")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"quiet\"}}"))
                    .build());
            assertEquals(created.body(), 201, created.statusCode());
            HttpResponse<String> list = send(writeClient, req.apply("/api/v1/namespaces/default/configmaps").GET().build());
            assertEquals(list.body(), 200, list.statusCode());
            long current = Long.parseLong(JSON.readTree(list.body()).path("metadata").path("resourceVersion").asText());
            // nothing is written from now on: after at most two runs the compactor has compacted to `current` (or just below)
            Thread.sleep(3 * interval + 1000);
            HttpResponse<String> older = send(writeClient, req.apply("/api/v1/namespaces/default/configmaps?resourceVersion="
                    + (current - 1) + "&resourceVersionMatch=Exact").GET().build());
            assertEquals("compaction did not catch up with the quiet server: exact list at " + (current - 1) + ": " + older.body(),
                    410, older.statusCode());
            HttpResponse<String> watch = send(writeClient, req.apply("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=2"
                    + "&resourceVersion=" + current).GET().build());
            System.out.println("watch-guarantees: quiet server, a watch from the current resourceVersion " + current
                    + " after compaction caught up: HTTP " + watch.statusCode() + " " + watch.body().trim());
            assertEquals("on a quiet server whose compaction caught up, a watch from the current resourceVersion " + current
                    + " (what LIST just returned) must start, as in kube; got HTTP " + watch.statusCode() + " " + watch.body(),
                    200, watch.statusCode());
            assertEquals("the watch from the current resourceVersion must end cleanly without events: " + watch.body(), "",
                    watch.body().trim());
        }
    }

    private static void assertStatus410Expired(String what, JsonNode status) {
        assertEquals(what + ": " + status, "Status", status.path("kind").asText());
        assertEquals(what + ": " + status, "v1", status.path("apiVersion").asText());
        assertEquals(what + ": " + status, "Failure", status.path("status").asText());
        assertEquals(what + ": " + status, 410, status.path("code").asInt());
        assertEquals(what + ": " + status, "Expired", status.path("reason").asText());
        assertTrue(what + ": " + status, status.path("message").asText().startsWith("too old resource version"));
    }

    // ------------------------------------------------------------------ writers

    /** Every writer's acknowledged resourceVersions: the highest so far, a lower bound for any write sent afterwards. */
    private static final java.util.concurrent.atomic.AtomicLong maxAcknowledged = new java.util.concurrent.atomic.AtomicLong();

    private static void write(int writer, int count, List<Write> truth, ConcurrentLinkedQueue<String> failures) {
        Random random = new Random(7 * writer + 1);
        Map<String, State> live = new HashMap<>();
        List<Write> mine = new ArrayList<>(count);
        String path = "/api/v1/namespaces/" + NS + "/configmaps";
        try {
            for (int n = 0; n < count && failures.isEmpty(); n++) {
                String name = "cm-" + writer + "-" + random.nextInt(OBJECTS_PER_WRITER);
                State before = live.get(name);
                String v = writer + "." + n;
                long acknowledgedBefore = maxAcknowledged.get();
                Write done;
                if (before == null) {
                    Map<String, String> labels = randomLabels(random);
                    HttpResponse<String> r = send(writeClient, request(path).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(name, labels, v, 0))).build());
                    if (r.statusCode() != 201) {
                        failures.add("create " + name + ": HTTP " + r.statusCode() + " " + r.body());
                        return;
                    }
                    State after = new State(labels, v, check(r.body(), name, labels, v, acknowledgedBefore));
                    live.put(name, after);
                    done = new Write("CREATE", name, after.rv, null, after, 0, 0);
                } else if (random.nextInt(100) < 12) {
                    String pre = "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"preconditions\":{\"resourceVersion\":\""
                            + before.rv + "\"}}";
                    HttpResponse<String> r = send(writeClient, request(path + "/" + name).header("Content-Type", "application/json")
                            .method("DELETE", HttpRequest.BodyPublishers.ofString(pre)).build());
                    JsonNode status = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                    if (status == null || !"Status".equals(status.path("kind").asText()) || !"Success".equals(status.path("status").asText())
                            || !name.equals(status.path("details").path("name").asText())) {
                        failures.add("delete " + name + ": HTTP " + r.statusCode() + " " + r.body());
                        return;
                    }
                    live.remove(name);
                    done = new Write("DELETE", name, 0, before, null, Math.max(before.rv, acknowledgedBefore), Long.MAX_VALUE);
                } else {
                    // most updates move the object across selections; every one changes the data, so none is a no-op
                    Map<String, String> labels = random.nextInt(4) == 0 ? before.labels : randomLabels(random);
                    HttpResponse<String> r = send(writeClient, request(path + "/" + name).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body(name, labels, v, before.rv))).build());
                    if (r.statusCode() != 200) {
                        failures.add("update " + name + ": HTTP " + r.statusCode() + " " + r.body());
                        return;
                    }
                    State after = new State(labels, v, check(r.body(), name, labels, v, Math.max(before.rv, acknowledgedBefore)));
                    live.put(name, after);
                    done = new Write("UPDATE", name, after.rv, before, after, 0, 0);
                }
                if (done.rv > 0) {
                    maxAcknowledged.accumulateAndGet(done.rv, Math::max);
                    // this writer's deletions just before this write committed before it
                    for (int i = mine.size() - 1; i >= 0 && mine.get(i).op.equals("DELETE") && mine.get(i).below == Long.MAX_VALUE; i--) {
                        Write d = mine.get(i);
                        mine.set(i, new Write(d.op, d.name, 0, d.before, null, d.above, done.rv));
                    }
                }
                mine.add(done);
            }
        } catch (Exception e) {
            failures.add("writer " + writer + ": " + e);
        } finally {
            truth.addAll(mine);
        }
    }

    /**
     * The writes with every deletion's resourceVersion filled in from the watchers' DELETED events of exactly the
     * deleted object version (its data value is unique); problems when the reports disagree, are missing, or the
     * resourceVersion contradicts what the writers know.
     */
    private static List<Write> resolveDeletes(List<Write> writes, long sentinelRv, List<WatcherThread> watchers, List<String> problems) {
        Set<Long> known = new HashSet<>();
        for (Write w : writes) {
            if (w.rv > 0) {
                known.add(w.rv);
            }
        }
        Map<String, Set<Long>> reported = new HashMap<>();
        for (WatcherThread w : watchers) {
            for (String e : w.received) {
                if (e.startsWith("DELETED ")) {
                    String[] t = e.split(" ", 5);
                    reported.computeIfAbsent(t[1] + " " + t[3], k -> new java.util.TreeSet<>()).add(Long.parseLong(t[2].substring(3)));
                }
            }
        }
        List<Write> resolved = new ArrayList<>(writes.size());
        Set<Long> deletionRvs = new HashSet<>();
        for (Write w : writes) {
            if (!w.op.equals("DELETE")) {
                resolved.add(w);
                continue;
            }
            long below = Math.min(w.below, sentinelRv);
            Set<Long> rvs = reported.getOrDefault(w.name + " v=" + w.before.v, Set.of());
            String what = "deletion of " + w.name + " (version v=" + w.before.v + " at rv " + w.before.rv + ", committed after rv "
                    + w.above + " and before rv " + below + ")";
            if (rvs.isEmpty()) {
                problems.add(what + ": no watcher saw it");
                continue;
            }
            if (rvs.size() > 1) {
                problems.add(what + ": watchers disagree on its resourceVersion: " + rvs);
            }
            long rv = rvs.iterator().next();
            if (rv <= w.above || rv >= below) {
                problems.add(what + ": watchers report it at rv " + rv + ", outside that range");
            } else if (known.contains(rv) || !deletionRvs.add(rv)) {
                problems.add(what + ": watchers report it at rv " + rv + ", the resourceVersion of another write");
            }
            resolved.add(new Write(w.op, w.name, rv, w.before, null, w.above, below));
        }
        return resolved;
    }

    /** The first label set the writers could produce that the selector matches. */
    private static Map<String, String> labelsMatching(Selector selector) {
        for (String team : new String[] {"a", "b", "c", null, "d"}) {
            for (String tier : new String[] {"gold", "silver", null}) {
                Map<String, String> labels = new TreeMap<>();
                labels.put("app", "wg");
                if (team != null) {
                    labels.put("team", team);
                }
                if (tier != null) {
                    labels.put("tier", tier);
                }
                if (selector.matches.test(labels)) {
                    return labels;
                }
            }
        }
        throw new IllegalArgumentException("no label set matches " + selector.text);
    }

    /** The resourceVersion of a write's answer, after checking that the answer is the object written. */
    private static long check(String body, String name, Map<String, String> labels, String v, long previousRv) throws IOException {
        JsonNode o = JSON.readTree(body);
        if (!name.equals(o.path("metadata").path("name").asText()) || !labels.equals(labels(o))
                || !v.equals(o.path("data").path("v").asText())) {
            throw new IOException("answer is not the object written (" + name + " " + labels + " v=" + v + "): " + body);
        }
        long rv = Long.parseLong(o.path("metadata").path("resourceVersion").asText());
        if (rv <= previousRv) {
            throw new IOException("resourceVersion " + rv + " not above the previous " + previousRv + ": " + body);
        }
        return rv;
    }

    private static Map<String, String> randomLabels(Random random) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("app", "wg");
        int team = random.nextInt(4);
        if (team < 3) {
            labels.put("team", String.valueOf((char) ('a' + team)));
        }
        int tier = random.nextInt(3);
        if (tier < 2) {
            labels.put("tier", tier == 0 ? "gold" : "silver");
        }
        return labels;
    }

    private static String body(String name, Map<String, String> labels, String v, long rv) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "v1");
        o.put("kind", "ConfigMap");
        ObjectNode m = o.putObject("metadata");
        m.put("name", name);
        if (rv > 0) {
            m.put("resourceVersion", Long.toString(rv));
        }
        ObjectNode l = m.putObject("labels");
        labels.forEach(l::put);
        o.putObject("data").put("v", v);
        return JSON.writeValueAsString(o);
    }

    // ------------------------------------------------------------------ expectations

    /** kube's events for a watcher with {@code selector} (null: everything), from the writes in commit order. */
    private static List<String> expectedEvents(List<Write> ordered, Selector selector) {
        List<String> events = new ArrayList<>();
        for (Write w : ordered) {
            boolean before = w.before != null && (selector == null || selector.matches.test(w.before.labels));
            boolean after = w.after != null && (selector == null || selector.matches.test(w.after.labels));
            if (after && !before) {
                events.add(event("ADDED", w.name, w.rv, w.after));
            } else if (after) {
                events.add(event("MODIFIED", w.name, w.rv, w.after));
            } else if (before) {
                // deleted, or no longer selected: the previous object, stamped with the event's resourceVersion
                events.add(event("DELETED", w.name, w.rv, w.before));
            }
        }
        return events;
    }

    private static String event(String type, String name, long rv, State state) {
        return type + " " + name + " rv=" + rv + " v=" + state.v + " labels=" + state.labels;
    }

    /** Null when equal; otherwise what is missing, extra, repeated or out of order, with the first difference. */
    private static String compare(List<String> expected, List<String> got, List<String> violations) {
        if (expected.equals(got) && violations.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        Set<String> exp = new HashSet<>(expected);
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String e : got) {
            if (!seen.add(e)) {
                duplicates.add(e);
            } else if (!exp.contains(e)) {
                unexpected.add(e);
            }
        }
        List<String> missing = expected.stream().filter(e -> !seen.contains(e)).toList();
        s.append("expected ").append(expected.size()).append(" events, got ").append(got.size()).append("; missing ")
                .append(missing.size()).append(", duplicated ").append(duplicates.size()).append(", unexpected ")
                .append(unexpected.size());
        int first = 0;
        while (first < Math.min(expected.size(), got.size()) && expected.get(first).equals(got.get(first))) {
            first++;
        }
        s.append("; first difference at #").append(first).append(": expected ")
                .append(first < expected.size() ? expected.get(first) : "<end>").append(", got ")
                .append(first < got.size() ? got.get(first) : "<end>");
        if (first > 0) {
            s.append(" (after ").append(got.get(first - 1)).append(")");
        }
        appendSome(s, "missing", missing);
        appendSome(s, "duplicated", duplicates);
        appendSome(s, "unexpected", unexpected);
        appendSome(s, "stream violations", violations);
        return s.toString();
    }

    private static void appendSome(StringBuilder s, String what, List<String> items) {
        if (!items.isEmpty()) {
            s.append("\n    ").append(what).append(": ").append(items.subList(0, Math.min(5, items.size())));
        }
    }

    private static String opCounts(List<Write> writes) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Write w : writes) {
            counts.merge(w.op, 1, Integer::sum);
        }
        return counts.toString();
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new TreeMap<>();
        object.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    // ------------------------------------------------------------------ watchers

    private static void stopAll(List<WatcherThread> watchers) throws InterruptedException {
        for (WatcherThread w : watchers) {
            w.halt();
        }
        for (WatcherThread w : watchers) {
            w.join(10_000);
            if (w.isAlive()) {
                w.interrupt();
                w.join(5_000);
            }
        }
    }

    /**
     * One watcher: watches from R0, and after every end of its stream (its own abrupt hang-up, the server's
     * timeout, an ERROR other than 410) watches again from the last resourceVersion it saw, as client-go's
     * reflector does. A 410 is fatal: it would have to re-list, which this test does not allow.
     */
    private static final class WatcherThread extends Thread {
        final int index;
        final String name;
        final Selector selector;
        final boolean dropper;
        final boolean dropAfterBookmark;
        final int timeoutSeconds;
        final boolean allowBookmarks;
        final Random random;
        final CountDownLatch established = new CountDownLatch(1);
        final List<String> received = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final List<String> serverErrorMessages = new ArrayList<>();
        volatile long lastEventRv;
        volatile long firstBookmarkRv;
        final List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile long lastExpectedRv = Long.MAX_VALUE;
        volatile String fatal;
        volatile boolean stopping;
        volatile InputStream current;
        int watches;
        int drops;
        int serverEnds;
        int serverErrors;
        int bookmarks;

        WatcherThread(int index, Selector selector, boolean dropper, int timeoutSeconds, boolean bookmarks, boolean dropAfterBookmark,
                      Random random) {
            super("wg-watcher-" + index);
            setDaemon(true);
            this.index = index;
            this.name = "w" + index;
            this.selector = selector;
            this.dropper = dropper;
            this.dropAfterBookmark = dropAfterBookmark;
            this.timeoutSeconds = timeoutSeconds;
            this.allowBookmarks = bookmarks;
            this.random = random;
        }

        void halt() {
            stopping = true;
            InputStream in = current;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        private int nextDrop() {
            return selector == null ? 500 + random.nextInt(3000) : 100 + random.nextInt(700);
        }

        @Override
        public void run() {
            long rv = r0;
            int untilDrop = nextDrop();
            int transientFailures = 0;
            try {
                while (!stopping) {
                    StringBuilder q = new StringBuilder("/api/v1/namespaces/" + NS + "/configmaps?watch=1&resourceVersion=" + rv);
                    if (selector != null) {
                        q.append("&labelSelector=").append(URLEncoder.encode(selector.text, StandardCharsets.UTF_8));
                    }
                    if (allowBookmarks) {
                        q.append("&allowWatchBookmarks=true");
                    }
                    if (timeoutSeconds > 0) {
                        q.append("&timeoutSeconds=").append(timeoutSeconds);
                    }
                    HttpResponse<InputStream> resp;
                    starts.add(rv);
                    try {
                        resp = watchClient.send(request(q.toString()).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                    } catch (IOException e) {
                        if (stopping) {
                            return;
                        }
                        if (++transientFailures > 20) {
                            fatal = "watch from rv " + rv + " failed 20 times, last: " + e;
                            return;
                        }
                        Thread.sleep(200);
                        continue;
                    }
                    if (resp.statusCode() != 200) {
                        String body;
                        try (InputStream in = resp.body()) {
                            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        }
                        fatal = "watch from rv " + rv + " answered HTTP " + resp.statusCode() + ": " + body;
                        return;
                    }
                    watches++;
                    established.countDown();
                    InputStream in = resp.body();
                    current = in;
                    if (stopping) {
                        in.close();
                        return;
                    }
                    boolean dropped = false;
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            if (line.isBlank()) {
                                continue;
                            }
                            JsonNode ev = JSON.readTree(line);
                            String type = ev.path("type").asText();
                            JsonNode obj = ev.path("object");
                            if (type.equals("ERROR")) {
                                if (obj.path("code").asInt() == 410) {
                                    fatal = "410 while resuming from rv " + rv + " (must not happen, nothing is that old): " + line;
                                    return;
                                }
                                serverErrors++;
                                if (serverErrorMessages.size() < 3) {
                                    serverErrorMessages.add(obj.path("code").asText() + " " + obj.path("message").asText());
                                }
                                break; // the server ended this watch: resume from rv
                            }
                            long eventRv = Long.parseLong(obj.path("metadata").path("resourceVersion").asText());
                            if (type.equals("BOOKMARK")) {
                                bookmarks++;
                                if (bookmarks == 1) {
                                    firstBookmarkRv = eventRv;
                                }
                                if (!allowBookmarks) {
                                    violations.add("BOOKMARK at " + eventRv + " without allowWatchBookmarks");
                                }
                                if (eventRv < rv) {
                                    violations.add("BOOKMARK at " + eventRv + " below the last resourceVersion " + rv);
                                }
                                rv = Math.max(rv, eventRv);
                                if (dropAfterBookmark && bookmarks == 1) {
                                    // hang up right after the first bookmark: the next watch starts from its resourceVersion
                                    drops++;
                                    dropped = true;
                                    in.close();
                                    break;
                                }
                                continue;
                            }
                            if (eventRv <= rv) {
                                violations.add(type + " " + obj.path("metadata").path("name").asText() + " at " + eventRv
                                        + " not above the last resourceVersion " + rv + " (watch #" + watches + ")");
                            }
                            if (selector != null && !selector.matches.test(labels(obj))) {
                                violations.add(type + " " + obj.path("metadata").path("name").asText() + " at " + eventRv
                                        + " with labels " + labels(obj) + " not matching " + selector.text);
                            }
                            received.add(type + " " + obj.path("metadata").path("name").asText() + " rv=" + eventRv + " v="
                                    + obj.path("data").path("v").asText() + " labels=" + labels(obj));
                            rv = Math.max(rv, eventRv);
                            lastEventRv = rv;
                            if (dropper && --untilDrop <= 0) {
                                // hang up abruptly in the middle of the stream and resume from what was seen
                                drops++;
                                dropped = true;
                                untilDrop = nextDrop();
                                in.close();
                                break;
                            }
                        }
                        if (!dropped && !stopping) {
                            serverEnds++;
                        }
                    } catch (IOException e) {
                        if (stopping) {
                            return;
                        }
                        if (!dropped) {
                            if (++transientFailures > 20) {
                                fatal = "watch stream from rv " + rv + " broke 20 times, last: " + e;
                                return;
                            }
                            serverErrorMessages.add("stream broke: " + e);
                        }
                    } finally {
                        current = null;
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (Exception e) {
                fatal = "watcher failed: " + e;
            } finally {
                established.countDown();
            }
        }
    }

    /** Established TCP connections to the server's port, as {@code ss} counts them (a figure, not an assertion). */
    private static String serverConnections() {
        try {
            Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( sport = :" + dist.securePort + " )")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? Long.toString(out.lines().filter(l -> !l.isBlank()).count()) : "? (" + out.trim() + ")";
        } catch (Exception e) {
            return "? (" + e + ")";
        }
    }

    // ------------------------------------------------------------------ HTTP

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
