package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * What the built-in groups cost (not a test: run it with
 * {@code mvn -o verify -pl itests -Dit.test=BuiltInGroupsBenchmark}; writes
 * {@code itests/target/builtin-groups-benchmark.md}), on the real distribution ({@code bin/karaf server}
 * in its own process, on the embedded store) with every group bundle of the {@code kapi} feature:
 * <ul>
 *   <li>cold start to {@code /readyz} = 200, 3 starts, each on a fresh {@code data/} folder;</li>
 *   <li>size, first request after start and median of the 20 next requests of the discovery documents
 *       (aggregated v2 {@code /apis}, {@code /api}, legacy {@code /apis}) and of the OpenAPI documents
 *       ({@code /openapi/v3} index, every group-version document it lists, {@code /openapi/v2} in JSON and
 *       in gnostic's protobuf);</li>
 *   <li>used heap after full GCs (jcmd) with every group, then with every {@code kapi-group-*} bundle but
 *       {@code kapi-group-core} uninstalled and the framework refreshed (through {@code bin/client}), so
 *       their classes and static data can go: the difference is the groups' heap.</li>
 * </ul>
 * Anything it measures that does not answer 200 fails it.
 */
public class BuiltInGroupsBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    private static final int STARTS = 3;
    private static final int NEXT = 20;
    private static final Pattern BUNDLE_ROW = Pattern.compile(
            "^\\s*(\\d+)\\s*[│|]\\s*(\\w+)\\s*[│|]\\s*\\d+\\s*[│|]\\s*\\S+\\s*[│|]\\s*(kapi-group-[A-Za-z0-9._-]+)\\s*$");

    private final StringBuilder report = new StringBuilder();
    private HttpClient http;
    private String base;
    private String token;

    /** One document: its size, the first request's time and the median of the next {@link #NEXT}. */
    private record Doc(String what, int bytes, double firstMs, double medianMs) {
    }

    private record Heap(long used, long metaspace) {
    }

    // ------------------------------------------------------------------ HTTP

    /** GET with the admin token; anything but 200 fails the benchmark. */
    private HttpResponse<byte[]> get(String path, String accept) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60)).GET();
        if (accept != null) {
            req.header("Accept", accept);
        }
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new AssertionError("GET " + path + " (Accept: " + accept + ") answered " + r.statusCode() + ": "
                    + body.substring(0, Math.min(500, body.length())));
        }
        if (r.body().length == 0) {
            throw new AssertionError("GET " + path + " (Accept: " + accept + ") answered 200 with an empty body");
        }
        return r;
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The first request (timed until its last byte) and the {@link #NEXT} next, checked each by {@code check}. */
    private Doc measure(String what, String path, String accept, java.util.function.Predicate<HttpResponse<byte[]>> check) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> first = get(path, accept);
        long firstNanos = System.nanoTime() - t0;
        if (!check.test(first)) {
            throw new AssertionError("GET " + path + " (Accept: " + accept + ") is not what was asked for: Content-Type "
                    + first.headers().firstValue("Content-Type").orElse("none") + ", " + first.body().length + " bytes");
        }
        long[] next = new long[NEXT];
        for (int i = 0; i < NEXT; i++) {
            t0 = System.nanoTime();
            HttpResponse<byte[]> r = get(path, accept);
            next[i] = System.nanoTime() - t0;
            if (r.body().length != first.body().length) {
                throw new AssertionError("GET " + path + " changed size between requests: " + first.body().length + " then " + r.body().length);
            }
        }
        Doc d = new Doc(what, first.body().length, firstNanos / 1e6, median(next) / 1e6);
        System.out.printf("%s: %d bytes, first %.1f ms, median of next %d %.1f ms%n", what, d.bytes(), d.firstMs(), NEXT, d.medianMs());
        return d;
    }

    private static double median(long[] values) {
        long[] a = values.clone();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2.0;
    }

    private static boolean isJson(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && r.body()[0] == '{';
    }

    /** The group-version documents the v3 index lists: key ("apis/apps/v1") to serverRelativeURL. */
    private static Map<String, String> v3Documents(HttpResponse<byte[]> index) throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        JsonNode paths = JSON.readTree(index.body()).path("paths");
        paths.fields().forEachRemaining(e -> docs.put(e.getKey(), e.getValue().path("serverRelativeURL").asText()));
        if (docs.isEmpty() || docs.containsValue("")) {
            throw new AssertionError("/openapi/v3 lists no documents: " + text(index));
        }
        return docs;
    }

    private TreeSet<String> groupsServed() throws Exception {
        TreeSet<String> groups = new TreeSet<>();
        for (JsonNode item : JSON.readTree(get("/apis", AGGREGATED).body()).path("items")) {
            groups.add(item.path("metadata").path("name").asText());
        }
        return groups;
    }

    // ------------------------------------------------------------------ Karaf

    /** One Karaf shell command through bin/client (the operator the distribution writes at first start); an error fails. */
    private static String shell(Distribution dist, String command) throws Exception {
        Distribution.Result r = dist.client(command);
        if (r.code() != 0 || r.out().contains("Error executing command") || r.out().contains("Command not found")) {
            throw new AssertionError("bin/client '" + command + "' (exit " + r.code() + "): " + r.out());
        }
        return r.out();
    }

    /** The kapi-group-* bundles: symbolic name to {id, state}. */
    private static Map<String, String[]> groupBundles(Distribution dist) throws Exception {
        String out = shell(dist, "bundle:list -s -t 0");
        Map<String, String[]> bundles = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            Matcher m = BUNDLE_ROW.matcher(line);
            if (m.matches()) {
                bundles.put(m.group(3), new String[] {m.group(1), m.group(2)});
            }
        }
        if (!out.contains("kapi-core")) {
            throw new AssertionError("bundle:list did not list Kapi's bundles: " + out);
        }
        return bundles;
    }

    /** Used heap and Metaspace of Karaf's JVM after two full GCs, through the JDK's jcmd (as ApiBenchmark). */
    private static Heap heapAfterGc(Distribution dist) throws Exception {
        long pid = ApiBenchmark.karafPid(dist);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        jcmd(jcmd, pid, "GC.run");
        jcmd(jcmd, pid, "GC.run");
        String info = jcmd(jcmd, pid, "GC.heap_info");
        Matcher heap = Pattern.compile("(?:garbage-first heap|ZHeap)\\s+.*?used (\\d+)([KMG])").matcher(info);
        Matcher meta = Pattern.compile("Metaspace\\s+used (\\d+)([KMG])").matcher(info);
        if (!heap.find() || !meta.find()) {
            throw new IllegalStateException("unexpected GC.heap_info: " + info);
        }
        Heap h = new Heap(bytes(heap.group(1), heap.group(2)), bytes(meta.group(1), meta.group(2)));
        System.out.printf("heap used %s, Metaspace used %s%n", mib(h.used()), mib(h.metaspace()));
        return h;
    }

    private static long bytes(String n, String unit) {
        return Long.parseLong(n) << switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
    }

    private static String jcmd(String jcmd, long pid, String command) throws Exception {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(jcmd + " " + command + ": " + out);
        }
        return out;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static String signedMib(long bytes) {
        return String.format("%+.1f MiB", bytes / 1048576.0);
    }

    private static String num(long n) {
        return String.format("%,d", n).replace(',', ' ');
    }

    private static String ms(double ms) {
        return String.format("%.1f", ms);
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void until(String what, int seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------ the run

    @Test
    public void measure() throws Exception {
        try (Distribution dist = new Distribution("builtin-groups-bench")) {
            // 1. cold starts, each on a fresh data folder (bundle cache, store, logs); the first also writes etc/kapi (PKI, token)
            long[] starts = new long[STARTS];
            for (int i = 0; i < STARTS; i++) {
                if (i > 0) {
                    dist.stop();
                    deleteTree(dist.home.resolve("data"));
                }
                long t0 = System.nanoTime();
                dist.start();
                starts[i] = dist.awaitReady(t0);
                System.out.println("cold start " + (i + 1) + ": " + starts[i] + " ms");
            }
            http = Distribution.insecureClient();
            base = dist.baseUrl();
            token = dist.token();
            get("/readyz", null); // opens the connection (TLS, HTTP/2): the first requests below do not pay for it

            Map<String, String[]> bundles = groupBundles(dist);
            if (!bundles.containsKey("kapi-group-core") || bundles.size() < 2) {
                throw new AssertionError("expected kapi-group-core and other group bundles, found " + bundles.keySet());
            }
            for (Map.Entry<String, String[]> b : bundles.entrySet()) {
                if (!b.getValue()[1].equals("Active")) {
                    throw new AssertionError(b.getKey() + " is " + b.getValue()[1] + ", not Active");
                }
            }
            TreeSet<String> allGroups = groupsServed();

            // 3a. the reference: heap right after /readyz, and again 30 s later with nothing created or requested
            Heap afterStart = heapAfterGc(dist);
            Thread.sleep(30_000);
            Heap idle = heapAfterGc(dist);

            // 2. discovery and OpenAPI documents, first request after start and the next 20
            List<Doc> discovery = new ArrayList<>();
            discovery.add(measure("aggregated discovery `/apis` (v2)", "/apis", AGGREGATED,
                    r -> isJson(r) && text(r).contains("\"APIGroupDiscoveryList\"")));
            discovery.add(measure("legacy discovery `/api`", "/api", "application/json", r -> isJson(r) && text(r).contains("\"APIVersions\"")));
            discovery.add(measure("legacy discovery `/apis`", "/apis", "application/json", r -> isJson(r) && text(r).contains("\"APIGroupList\"")));
            Doc indexDoc = measure("`/openapi/v3` index", "/openapi/v3", "application/json", r -> isJson(r) && text(r).contains("serverRelativeURL"));
            Map<String, String> v3 = v3Documents(get("/openapi/v3", "application/json"));
            List<Doc> v3Docs = new ArrayList<>();
            for (Map.Entry<String, String> e : v3.entrySet()) {
                v3Docs.add(measure("`/openapi/v3/" + e.getKey() + "`", e.getValue(), "application/json",
                        r -> isJson(r) && text(r).contains("\"openapi\"")));
            }
            Doc v2 = measure("`/openapi/v2` (JSON)", "/openapi/v2", "application/json", r -> isJson(r) && text(r).contains("\"swagger\""));
            Doc v2pb = measure("`/openapi/v2` (protobuf)", "/openapi/v2", V2_PROTOBUF,
                    r -> r.headers().firstValue("Content-Type").orElse("").contains("proto-openapi.spec.v2") && r.body()[0] != '{');
            Heap served = heapAfterGc(dist);

            // 3b. every kapi-group-* bundle but kapi-group-core uninstalled, the framework refreshed
            List<String> removed = bundles.keySet().stream().filter(n -> !n.equals("kapi-group-core")).toList();
            shell(dist, "bundle:uninstall " + removed.stream().map(n -> bundles.get(n)[0]).collect(Collectors.joining(" ")));
            shell(dist, "bundle:refresh");
            until("only kapi-group-core left", 60, () -> groupBundles(dist).keySet().equals(java.util.Set.of("kapi-group-core")));
            String[] last = {""};
            until("readyz and discovery without the uninstalled groups, stable for 2 s", 120, () -> {
                HttpResponse<byte[]> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (ready.statusCode() != 200) {
                    return false;
                }
                TreeSet<String> groups = groupsServed();
                String now = groups.toString();
                boolean stable = now.equals(last[0]) && !groups.contains("apps") && groups.size() < allGroups.size();
                last[0] = now;
                if (!stable) {
                    Thread.sleep(2000);
                }
                return stable;
            });
            TreeSet<String> coreGroups = groupsServed();
            Heap without = heapAfterGc(dist);
            // the same documents again, so their caches are held as they were with every group
            int aggregatedWithout = get("/apis", AGGREGATED).body().length;
            int apiWithout = get("/api", "application/json").body().length;
            HttpResponse<byte[]> indexWithout = get("/openapi/v3", "application/json");
            long v3Without = 0;
            for (String url : v3Documents(indexWithout).values()) {
                v3Without += get(url, "application/json").body().length;
            }
            int v2Without = get("/openapi/v2", "application/json").body().length;
            int v2pbWithout = get("/openapi/v2", V2_PROTOBUF).body().length;
            Heap withoutServed = heapAfterGc(dist);

            // ------------------------------------------------------------------ the report
            String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd, HH:mm 'UTC'"));
            long[] sorted = starts.clone();
            Arrays.sort(sorted);
            long v3Total = v3Docs.stream().mapToLong(Doc::bytes).sum();
            report.append("## Built-in groups (issue 11, partly): run of ").append(date).append("\n\n");
            report.append("`BuiltInGroupsBenchmark` (`mvn -o verify -pl itests -Dit.test=BuiltInGroupsBenchmark`, writes ")
                    .append("`itests/target/builtin-groups-benchmark.md`) on this machine (")
                    .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ").append(System.getProperty("java.version"))
                    .append("), nothing else running: the distribution unpacked and started with `bin/karaf server` in its own process ")
                    .append("on the embedded store, with the ").append(bundles.size()).append(" group bundles of the `kapi` feature (")
                    .append(allGroups.size() + 1).append(" groups in discovery, core/v1 included). Requests with the admin token over one ")
                    .append("HTTP/2 connection of the JDK's client, opened before the first one, each timed until its last byte; ")
                    .append("\"first\" is the first request of that document after start, in the order of the tables. Heap: ")
                    .append("`jcmd <pid> GC.run` twice, then `GC.heap_info`. Absolute figures, a baseline for the next runs.\n\n");
            report.append("| measure | result |\n|---|---|\n");
            report.append("| cold start to `/readyz` = 200 (fresh `data/` each; the 1st also writes `etc/kapi`: PKI, token) | median ")
                    .append(sorted[STARTS / 2]).append(" ms (").append(Arrays.stream(starts).mapToObj(s -> s + " ms").collect(Collectors.joining(", ")))
                    .append(")").append(" |\n");
            for (Doc d : discovery) {
                report.append("| ").append(d.what()).append(" | ").append(num(d.bytes())).append(" bytes; first ").append(ms(d.firstMs()))
                        .append(" ms, then median ").append(ms(d.medianMs())).append(" ms |\n");
            }
            report.append("| ").append(indexDoc.what()).append(" | ").append(num(indexDoc.bytes())).append(" bytes, ").append(v3Docs.size())
                    .append(" group-version documents of ").append(num(v3Total)).append(" bytes in all; first ").append(ms(indexDoc.firstMs()))
                    .append(" ms, then median ").append(ms(indexDoc.medianMs())).append(" ms |\n");
            report.append("| `/openapi/v2` JSON, first request (built from the v3 documents) | ").append(num(v2.bytes())).append(" bytes, ")
                    .append(ms(v2.firstMs())).append(" ms |\n");
            report.append("| `/openapi/v2` JSON, next requests (cached per snapshot) | median ").append(ms(v2.medianMs())).append(" ms |\n");
            report.append("| `/openapi/v2` protobuf (`").append(V2_PROTOBUF).append("`), first / next | ").append(num(v2pb.bytes()))
                    .append(" bytes; first ").append(ms(v2pb.firstMs())).append(" ms, then median ").append(ms(v2pb.medianMs())).append(" ms |\n");
            report.append("| with only kapi-group-core: aggregated `/apis`, `/api`, OpenAPI v3 (all documents), `/openapi/v2` JSON / protobuf | ")
                    .append(num(aggregatedWithout)).append("; ").append(num(apiWithout)).append("; ").append(num(v3Without)).append("; ")
                    .append(num(v2Without)).append(" / ").append(num(v2pbWithout)).append(" bytes |\n");

            report.append("\n| OpenAPI v3 document | bytes | first request (ms) | median of the next ").append(NEXT).append(" (ms) |\n|---|---|---|---|\n");
            for (Doc d : v3Docs) {
                report.append("| ").append(d.what()).append(" | ").append(num(d.bytes())).append(" | ").append(ms(d.firstMs())).append(" | ")
                        .append(ms(d.medianMs())).append(" |\n");
            }

            report.append("\n| heap after two full GCs | used | Metaspace used |\n|---|---|---|\n");
            heapRow("every group, right after `/readyz`", afterStart);
            heapRow("every group, 30 s later, nothing created or requested", idle);
            heapRow("every group, every document above requested (OpenAPI v2 cached)", served);
            heapRow("kapi-group-core only (the others `bundle:uninstall`ed, `bundle:refresh`), nothing requested", without);
            heapRow("kapi-group-core only, the same documents requested", withoutServed);
            report.append("| **the groups' heap**, nothing requested (30 s row − uninstalled row) | ").append(signedMib(idle.used() - without.used()))
                    .append(" | ").append(signedMib(idle.metaspace() - without.metaspace())).append(" |\n");
            report.append("| **the groups' heap**, documents requested (both rows with documents) | ")
                    .append(signedMib(served.used() - withoutServed.used())).append(" | ")
                    .append(signedMib(served.metaspace() - withoutServed.metaspace())).append(" |\n");
            report.append("\nThe reference rows (right after start, 30 s later) differ by ").append(signedMib(idle.used() - afterStart.used()))
                    .append(": the noise of one such measurement. Uninstalled: ").append(String.join(", ", removed))
                    .append(". Groups in aggregated discovery with every group: ").append(String.join(", ", allGroups))
                    .append("; with kapi-group-core only: ").append(String.join(", ", coreGroups)).append(".\n");
        }
        Path out = Path.of("target", "builtin-groups-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
    }

    private void heapRow(String what, Heap h) {
        report.append("| ").append(what).append(" | ").append(mib(h.used())).append(" | ").append(mib(h.metaspace())).append(" |\n");
    }
}
