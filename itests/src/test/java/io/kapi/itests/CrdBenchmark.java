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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.Test;

/**
 * What CustomResourceDefinitions cost (not a test: {@code mvn -o verify -pl itests -Dit.test=CrdBenchmark}; writes
 * {@code itests/target/crd-benchmark.md}), on the real distribution ({@code bin/karaf server}, embedded store):
 * <ul>
 *   <li>with 1, 100 and 500 definitions (10 per group, one version each): the time from the POST of the last one to
 *       its {@code Established} condition, to its resource in aggregated discovery ({@code /apis}) and to its kind in
 *       its group's OpenAPI v3 document; and the time to establish all those created in that step;</li>
 *   <li>heap per served definition version: used heap after full GCs (jcmd) with 500 against none;</li>
 *   <li>custom-resource creates/s (8 concurrent clients, HTTP/2) and Kapi's CPU per create, side by side for a
 *       definition without CEL rules and the same with three.</li>
 * </ul>
 */
public class CrdBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final int CREATES = 2000;
    private static final int CLIENTS = 8;

    private HttpClient http;
    private String base;
    private String token;

    private HttpResponse<String> send(String method, String path, String body, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String crd(int i, String rules) {
        String group = "g" + (i / 10) + ".bench.example.com";
        String plural = "things" + i;
        return ("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition','metadata':{'name':'" + plural + "." + group + "'},"
                + "'spec':{'group':'" + group + "','scope':'Namespaced','names':{'plural':'" + plural + "','kind':'Thing" + i + "'},"
                + "'versions':[{'name':'v1','served':true,'storage':true,'subresources':{'status':{}},'schema':{'openAPIV3Schema':"
                + "{'type':'object','properties':{'spec':{'type':'object'" + rules + ",'properties':{'size':{'type':'integer','minimum':0},"
                + "'maxSize':{'type':'integer'},'name':{'type':'string','maxLength':63},'tags':{'type':'array','items':{'type':'string'}}}},"
                + "'status':{'type':'object','properties':{'ready':{'type':'boolean'}}}}}}}]}}").replace('\'', '"');
    }

    /** Milliseconds from {@code t0} until {@code check} holds (polled every 10 ms, at most 120 s). */
    private static double until(long t0, ThrowingCheck check) throws Exception {
        long end = t0 + TimeUnit.SECONDS.toNanos(120);
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached in 120 s");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @FunctionalInterface
    private interface ThrowingCheck {
        boolean ok() throws Exception;
    }

    private boolean established(int i) throws Exception {
        HttpResponse<String> r = send("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things" + i + ".g" + (i / 10)
                + ".bench.example.com", null, null);
        if (r.statusCode() != 200) {
            return false;
        }
        for (JsonNode c : JSON.readTree(r.body()).path("status").path("conditions")) {
            if (c.path("type").asText().equals("Established") && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    private boolean inDiscovery(int i) throws Exception {
        HttpResponse<String> r = send("GET", "/apis", null, AGGREGATED);
        return r.statusCode() == 200 && r.body().contains("\"things" + i + "\"");
    }

    private boolean inOpenApi(int i) throws Exception {
        HttpResponse<String> r = send("GET", "/openapi/v3/apis/g" + (i / 10) + ".bench.example.com/v1", null, "application/json");
        return r.statusCode() == 200 && r.body().contains("Thing" + i);
    }

    private static long heap(Distribution dist) throws Exception {
        long pid = ApiBenchmark.karafPid(dist);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String info = "";
        for (String cmd : List.of("GC.run", "GC.run", "GC.heap_info")) {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), cmd).redirectErrorStream(true).start();
            info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("garbage-first heap\\s+.*?used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** {@link #CREATES} creates of the definition's objects from {@link #CLIENTS} threads: creates/s and Kapi's CPU µs per create. */
    private double[] creates(Distribution dist, int i, String ns) throws Exception {
        String path = "/apis/g" + (i / 10) + ".bench.example.com/v1/namespaces/" + ns + "/things" + i;
        long pid = ApiBenchmark.karafPid(dist);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long cpu0 = ApiBenchmark.cpuMillis(pid);
        long t0 = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                int ok = 0;
                for (int n = client; n < CREATES; n += CLIENTS) {
                    String body = "{\"apiVersion\":\"g" + (i / 10) + ".bench.example.com/v1\",\"kind\":\"Thing" + i + "\",\"metadata\":{\"name\":\"t"
                            + n + "\"},\"spec\":{\"size\":" + (n % 10) + ",\"maxSize\":10,\"name\":\"thing-" + n + "\",\"tags\":[\"a\",\"b\"]}}";
                    HttpResponse<String> r = send("POST", path, body, null);
                    if (r.statusCode() != 201) {
                        throw new AssertionError("create answered " + r.statusCode() + ": " + r.body());
                    }
                    ok++;
                }
                return ok;
            }));
        }
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = ApiBenchmark.cpuMillis(pid) - cpu0;
        pool.shutdown();
        return new double[] {total / seconds, cpu * 1000.0 / total};
    }

    @Test
    public void definitionsAtScaleAndTheCostOfCelRules() throws Exception {
        StringBuilder md = new StringBuilder();
        try (Distribution dist = new Distribution("crd-bench")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            http = HttpClient.newBuilder().sslContext(Distribution.trustingAnyCertificate()).build();
            base = dist.baseUrl();
            token = dist.token();
            long heap0 = heap(dist);
            md.append("| definitions | last one: Established | in aggregated discovery | in its OpenAPI v3 document | all of the step Established |\n")
                    .append("|---|---|---|---|---|\n");
            int created = 0;
            for (int target : List.of(1, 100, 500)) {
                long stepStart = System.nanoTime();
                while (created < target - 1) {
                    HttpResponse<String> r = send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd(created, ""), null);
                    if (r.statusCode() != 201) {
                        throw new AssertionError("CRD create answered " + r.statusCode() + ": " + r.body());
                    }
                    created++;
                }
                int last = created;
                long t0 = System.nanoTime();
                HttpResponse<String> r = send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd(last, ""), null);
                if (r.statusCode() != 201) {
                    throw new AssertionError("CRD create answered " + r.statusCode() + ": " + r.body());
                }
                created++;
                double est = until(t0, () -> established(last));
                double disc = until(t0, () -> inDiscovery(last));
                double api = until(t0, () -> inOpenApi(last));
                int from = target == 1 ? 0 : (target == 100 ? 1 : 100);
                until(stepStart, () -> {
                    for (int k = from; k < target; k++) {
                        if (!established(k)) {
                            return false;
                        }
                    }
                    return true;
                });
                double all = (System.nanoTime() - stepStart) / 1e6;
                md.append(String.format("| %d | %.0f ms | %.0f ms | %.0f ms | %d in %.1f s |%n", target, est, disc, api, target - from, all / 1000));
                System.out.print(md);
            }
            long heap500 = heap(dist);
            md.append(String.format("%nHeap after full GCs: %.1f MiB with no definition, %.1f MiB with 500: %.1f KiB per served definition version.%n",
                    heap0 / 1048576.0, heap500 / 1048576.0, (heap500 - heap0) / 500.0 / 1024));
            // custom resources: the same schema without and with three CEL rules
            String rules = ",'x-kubernetes-validations':[{'rule':'self.size <= self.maxSize','message':'size above maxSize'},"
                    + "{'rule':'self.name.startsWith(\\'thing-\\')'},{'rule':'self.tags.all(t, t.size() < 10)'}]";
            for (int k : List.of(1000, 1001)) {
                HttpResponse<String> r = send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                        crd(k, k == 1001 ? rules : ""), null);
                if (r.statusCode() != 201) {
                    throw new AssertionError("CRD create answered " + r.statusCode() + ": " + r.body());
                }
                until(System.nanoTime(), () -> established(k) && inDiscovery(k));
            }
            // warm-up of both code paths, not measured, until the JIT has settled (a fresh JVM spends more CPU in its
            // C2 compiler than in the creates for the first ~10 000); then the measured runs, one namespace each
            for (int w = 0; w < 4; w++) {
                send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"warm" + w + "\"}}", null);
                creates(dist, 1000, "warm" + w);
                creates(dist, 1001, "warm" + w);
            }
            send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"plain\"}}", null);
            send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"ruled\"}}", null);
            double[] plain = creates(dist, 1000, "plain");
            double[] ruled = creates(dist, 1001, "ruled");
            md.append(String.format("%n| custom resource creates (%d, %d clients, HTTP/2) | creates/s | Kapi CPU per create |%n|---|---|---|%n", CREATES, CLIENTS))
                    .append(String.format("| schema only | %.0f | %.0f µs |%n", plain[0], plain[1]))
                    .append(String.format("| schema and 3 CEL rules | %.0f | %.0f µs |%n", ruled[0], ruled[1]))
                    .append(String.format("| ratio (rules / none) | %.2f | %.2f |%n", ruled[0] / plain[0], ruled[1] / plain[1]));
        }
        Files.writeString(Path.of("target", "crd-benchmark.md"), md.toString());
        System.out.println(md);
    }
}
