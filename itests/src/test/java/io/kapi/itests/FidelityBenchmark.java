package io.kapi.itests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.protobuf.KubeProtobuf;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The figures of the fidelity issue, side by side in one run (not a test: run it with
 * {@code mvn -pl itests verify -Dit.test=FidelityBenchmark}; writes {@code itests/target/fidelity-benchmark.md}):
 * <ul>
 *   <li>protobuf against JSON: encode and decode cost per object in this JVM (Jackson against
 *       kapi-protobuf's codec, the one the server uses), and GETs/s of the same objects over HTTPS in
 *       each form with the server's CPU per GET;</li>
 *   <li>server-side apply against a plain update of the same object: rate, p50/p99, Kapi's CPU;</li>
 *   <li>the time from a group bundle's {@code bundle:start} returning to its OpenAPI v3 and v2
 *       documents being served.</li>
 * </ul>
 */
public class FidelityBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CMS = "/api/v1/namespaces/default/configmaps";
    private final StringBuilder report = new StringBuilder();

    private void row(String what, String figure, String how) {
        report.append("| ").append(what).append(" | ").append(figure).append(" | ").append(how).append(" |\n");
        System.out.println(what + ": " + figure + "  (" + how + ")");
    }

    private static ObjectNode configMap(String name) throws IOException {
        return (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"uid\":\"4a5e1b2c-0f6d-4e8a-9b7c-1d2e3f4a5b6c\",\"resourceVersion\":\"12345\","
                + "\"creationTimestamp\":\"2026-12-05T08:00:00Z\",\"labels\":{\"app\":\"bench\",\"tier\":\"api\",\"team\":\"kapi\"},"
                + "\"annotations\":{\"note\":\"a ConfigMap as the benchmarks use it\"}},\"data\":{\"v\":\"" + "x".repeat(1024)
                + "\",\"w\":\"small\"}}");
    }

    private interface Op {
        Object run() throws Exception;
    }

    /** Best of 5 rounds of {@code n} calls, in ns per call (the JIT warmed by a first unmeasured round). */
    private static double nanosPerOp(int n, Op op) throws Exception {
        Object sink = null;
        for (int i = 0; i < n; i++) {
            sink = op.run();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink = op.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
        }
        if (sink == null) {
            throw new IllegalStateException();
        }
        return best;
    }

    private void codecs() throws Exception {
        KubeProtobuf protobuf = new KubeProtobuf();
        ObjectNode cm = configMap("bench");
        byte[] json = JSON.writeValueAsBytes(cm);
        byte[] pb = protobuf.encode(cm);
        int n = 50_000;
        double je = nanosPerOp(n, () -> JSON.writeValueAsBytes(cm));
        double jd = nanosPerOp(n, () -> JSON.readTree(json));
        double pe = nanosPerOp(n, () -> protobuf.encode(cm));
        double pd = nanosPerOp(n, () -> protobuf.decode(pb));
        String how = "one ConfigMap of " + json.length + " B in JSON, " + pb.length + " B in protobuf (1 KiB value, labels, "
                + "annotations); best of 5 rounds of " + n + " in the test JVM";
        row("encode, JSON (Jackson, tree to bytes)", String.format("%.1f µs", je / 1e3), how);
        row("encode, protobuf (tree to kube's protobuf)", String.format("%.1f µs (%.2f × JSON)", pe / 1e3, pe / je), how);
        row("decode, JSON (bytes to tree)", String.format("%.1f µs", jd / 1e3), how);
        row("decode, protobuf (kube's protobuf to tree)", String.format("%.1f µs (%.2f × JSON)", pd / 1e3, pd / jd), how);
    }

    private void gets(Distribution dist) throws Exception {
        BlockingHttp load = BlockingHttp.insecure();
        String base = dist.baseUrl();
        String token = dist.token();
        int objects = 1000;
        ApiBenchmark.rate(16, objects, i -> {
            ObjectNode cm = configMap("get-" + i);
            ((ObjectNode) cm.get("metadata")).remove(List.of("uid", "resourceVersion", "creationTimestamp"));
            int code = load.send("POST", base + CMS, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                    JSON.writeValueAsBytes(cm)).code();
            if (code != 201) {
                throw new IllegalStateException("create answered " + code);
            }
        });
        long karaf = ApiBenchmark.karafPid(dist);
        List<String> forms = List.of("application/json", "application/vnd.kubernetes.protobuf");
        for (String accept : forms) {
            get(load, base, token, accept, objects, 10_000); // warm-up, not measured
        }
        for (int round = 1; round <= 2; round++) {
            for (String accept : forms) {
                int n = 20_000;
                long cpu0 = ApiBenchmark.cpuMillis(karaf);
                double rate = get(load, base, token, accept, objects, n);
                row("GETs/s, " + accept + ", round " + round, String.format("%.0f", rate), n + " GETs of " + objects
                        + " such ConfigMaps, 16 concurrent HTTP/1.1 keep-alive connections over TLS (bearer token), after "
                        + "10 000 unmeasured in each form; " + (ApiBenchmark.cpuMillis(karaf) - cpu0) * 1000 / n + " µs of Kapi CPU per GET");
            }
        }
    }

    private static double get(BlockingHttp load, String base, String token, String accept, int objects, int n) throws Exception {
        return ApiBenchmark.rate(16, n, i -> {
            BlockingHttp.Response r = load.send("GET", base + CMS + "/get-" + (i % objects),
                    Map.of("Authorization", "Bearer " + token, "Accept", accept), null);
            if (r.code() != 200) {
                throw new IllegalStateException("get answered " + r.code());
            }
        });
    }


    /**
     * Server-side apply against a plain update of the same object: each of 16 callers changes its own
     * ConfigMap's value over and over, by a PUT or by an apply; latencies per request and Kapi's CPU.
     */
    private void applyAgainstUpdate(Distribution dist, boolean withApply) throws Exception {
        BlockingHttp load = BlockingHttp.insecure();
        String base = dist.baseUrl();
        String token = dist.token();
        long karaf = ApiBenchmark.karafPid(dist);
        // the JDK's java.net.http client for both forms (HttpURLConnection has no PATCH), HTTP/1.1
        HttpClient http = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        int callers = 16;
        for (int i = 0; i < callers; i++) {
            ObjectNode cm = configMap("ssa-" + i);
            ((ObjectNode) cm.get("metadata")).remove(List.of("uid", "resourceVersion", "creationTimestamp"));
            load.send("POST", base + CMS + "?fieldManager=bench", Map.of("Authorization", "Bearer " + token,
                    "Content-Type", "application/json"), JSON.writeValueAsBytes(cm));
        }
        for (int round = 0; round < 2; round++) {
            for (String form : withApply ? List.of("update", "apply") : List.of("update")) {
                int n = round == 0 ? 4000 : 8000;
                long[] nanos = new long[n];
                long cpu0 = ApiBenchmark.cpuMillis(karaf);
                double rate = ApiBenchmark.rate(callers, n, i -> {
                    ObjectNode cm = configMap("ssa-" + (i % callers));
                    ObjectNode meta = (ObjectNode) cm.get("metadata");
                    meta.remove(List.of("uid", "resourceVersion", "creationTimestamp"));
                    ((ObjectNode) cm.get("data")).put("w", "v" + i);
                    String url = base + CMS + "/ssa-" + (i % callers) + "?fieldManager=bench" + (form.equals("apply") ? "&force=true" : "");
                    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(cm));
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                            .header("Content-Type", form.equals("apply") ? "application/apply-patch+yaml" : "application/json")
                            .method(form.equals("apply") ? "PATCH" : "PUT", body).build();
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    nanos[i] = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(form + " answered " + r.statusCode() + ": " + r.body());
                    }
                });
                long cpu = (ApiBenchmark.cpuMillis(karaf) - cpu0) * 1000 / n;
                if (round == 0) {
                    continue; // warm-up
                }
                Arrays.sort(nanos);
                row((form.equals("update") ? "PUT update" : "server-side apply") + " of a 1 KiB ConfigMap",
                        String.format("%.0f/s, p50 %.1f ms, p99 %.1f ms, %d µs of Kapi CPU each", rate, nanos[n / 2] / 1e6,
                                nanos[n * 99 / 100] / 1e6, cpu),
                        n + " requests from " + callers + " callers through one java.net.http client (HTTP/1.1), each caller on "
                                + "its own object (a changed value each time), after 4 000 unmeasured of each form; the apply with force, "
                                + "as a controller applies");
            }
        }
    }

    private static String client(Distribution dist, String command) throws Exception {
        Process p = new ProcessBuilder(dist.home.resolve("bin/client").toString(), "-b").redirectErrorStream(true).start();
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("bin/client did not end: " + command);
        }
        return out;
    }

    private void openApiAfterBundleStart(Distribution dist) throws Exception {
        HttpClient http = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        String token = dist.token();
        List<Long> v3 = new ArrayList<>();
        List<Long> v2 = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            client(dist, "bundle:stop kapi-group-coordination");
            waitFor(http, token, dist.baseUrl() + "/openapi/v3", false);
            client(dist, "bundle:start kapi-group-coordination");
            long t0 = System.nanoTime();
            long tV3 = waitFor(http, token, dist.baseUrl() + "/openapi/v3", true) - t0;
            long tV2 = waitFor(http, token, dist.baseUrl() + "/openapi/v2", true) - t0;
            if (round > 0) {
                v3.add(TimeUnit.NANOSECONDS.toMillis(tV3));
                v2.add(TimeUnit.NANOSECONDS.toMillis(tV2));
            }
        }
        String how = "5 rounds of bundle:stop / bundle:start of kapi-group-coordination through bin/client (after one "
                + "unmeasured), from bin/client's return to the first GET that lists coordination.k8s.io, polled every 5 ms";
        row("OpenAPI v3 index serves the group", "median " + median(v3) + " ms (" + v3 + ")", how);
        row("OpenAPI v2 serves the group's paths (built on that request)", "median " + median(v2) + " ms (" + v2 + ")", how);
    }

    private static long median(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    /** Polls until the document does (or does not) mention coordination.k8s.io; returns System.nanoTime() then. */
    private static long waitFor(HttpClient http, String token, String url, boolean present) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("coordination.k8s.io") == present) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(url + " never " + (present ? "served" : "dropped") + " the group");
    }

    @Test
    public void measure() throws Exception {
        report.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ")
                .append(System.getProperty("java.version")).append(", run of ").append(java.time.Instant.now()).append("\n\n");
        report.append("| measure | figure | how |\n|---|---|---|\n");
        // -Dkapi.bench=update measures only the PUT updates (against an older distribution given by
        // -Dkapi.distribution, to see what this code's write path costs next to it)
        boolean all = !"update".equals(System.getProperty("kapi.bench"));
        if (all) {
            codecs();
        }
        try (Distribution dist = new Distribution("fidelity-bench")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            if (all) {
                gets(dist);
            }
            applyAgainstUpdate(dist, all);
            if (all) {
                openApiAfterBundleStart(dist);
            }
        }
        Path out = Path.of("target", "fidelity-benchmark.md");
        Files.writeString(out, report.toString());
        System.out.println(report);
    }
}
