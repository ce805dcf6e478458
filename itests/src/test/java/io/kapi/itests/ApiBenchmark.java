package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * A benchmark, not a test: it asserts nothing about speed. Run with
 * {@code mvn -pl itests verify -Dit.test=ApiBenchmark}. It starts the real distribution and measures,
 * in one run, the API over HTTPS and, as the peer, the embedded storage in-process with the same
 * value size and concurrency; the report goes to {@code itests/target/benchmark.md}.
 */
public class ApiBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALUE = "x".repeat(1024);
    private final StringBuilder report = new StringBuilder();

    private void row(String what, String figure, String how) {
        String line = "| " + what + " | " + figure + " | " + how + " |";
        report.append(line).append('\n');
        System.out.println(line);
    }

    interface Op {
        void run(int i) throws Exception;
    }

    /** Runs {@code total} operations on {@code threads} threads; returns operations per second. */
    static double rate(int threads, int total, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    op.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return total / secs;
    }

    @Test
    public void measure() throws Exception {
        report.append("| measure | result | how |\n|---|---|---|\n");
        Distribution dist = new Distribution("benchmark");
        Path home = dist.home;
        int port = dist.securePort;
        try (dist) {
            long[] starts = new long[3];
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                dist.start();
                starts[i] = dist.awaitReady(t0);
                if (i < 2) {
                    dist.stop();
                }
            }
            row("cold start to /readyz = ok", Arrays.toString(starts) + " ms", "bin/karaf server launched, HTTPS /readyz polled every 100 ms; 3 starts (1st creates the PKI and store)");
            String token = Files.readAllLines(home.resolve("etc/kapi/tokens.csv")).get(0).split(",")[0];
            HttpClient client = Distribution.insecureClient();
            String base = "https://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps";
            for (int c : new int[] {16, 64}) {
                int n = 4000;
                String prefix = "c" + c + "-";
                double creates = rate(c, n, i -> {
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + prefix + i
                            + "\"},\"data\":{\"v\":\"" + VALUE + "\"}}";
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException(r.body());
                    }
                });
                row("API creates/s, concurrency " + c, String.format("%.0f", creates), n + " POSTs of 1 KiB ConfigMaps over HTTPS (HTTP/1.1, bearer token), fsync per acknowledged write");
                double gets = rate(c, 20000, i -> {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/" + prefix + (i % n)))
                            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.body());
                    }
                });
                row("API GETs/s, concurrency " + c, String.format("%.0f", gets), "20000 GETs of those ConfigMaps");
            }
            // fill to 10 000 objects in the namespace, then LIST them all
            rate(16, 2000, i -> client.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"metadata\":{\"name\":\"fill-" + i + "\"},\"data\":{\"v\":\"" + VALUE + "\"}}")).build(),
                    HttpResponse.BodyHandlers.discarding()));
            long best = Long.MAX_VALUE;
            int count = 0;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                best = Math.min(best, System.nanoTime() - t0);
                count = JSON.readTree(r.body()).path("items").size();
            }
            row("LIST of " + count + " ConfigMaps", String.format("%.0f ms", best / 1e6), "one GET of the whole namespace (about " + (count / 1000) + " MB of JSON), best of 5");
            // watch delivery latency: time from the start of a POST to the arrival of its ADDED event
            Map<String, Long> sent = new ConcurrentHashMap<>();
            List<Long> latencies = new ArrayList<>();
            HttpResponse<java.io.InputStream> w = client.send(HttpRequest.newBuilder(URI.create(base + "?watch=true&resourceVersion="
                    + JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "?limit=1")).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("metadata").path("resourceVersion").asText()))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(w.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        JsonNode ev = JSON.readTree(line);
                        Long t = sent.get(ev.path("object").path("metadata").path("name").asText());
                        if (t != null) {
                            synchronized (latencies) {
                                latencies.add(System.nanoTime() - t);
                                latencies.notifyAll();
                            }
                        }
                    }
                } catch (Exception ended) {
                    // the benchmark closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
            for (int i = 0; i < 500; i++) {
                String name = "w-" + i;
                sent.put(name, System.nanoTime());
                client.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"metadata\":{\"name\":\"" + name + "\"}}")).build(), HttpResponse.BodyHandlers.discarding());
                Thread.sleep(10);
            }
            synchronized (latencies) {
                long deadline = System.currentTimeMillis() + 10000;
                while (latencies.size() < 500 && System.currentTimeMillis() < deadline) {
                    latencies.wait(1000);
                }
            }
            List<Long> sorted = new ArrayList<>(latencies);
            sorted.sort(Long::compare);
            row("watch delivery latency", String.format("p50 %.1f ms, p99 %.1f ms (%d/500 events)", sorted.get(sorted.size() / 2) / 1e6,
                    sorted.get((int) (sorted.size() * 0.99)) / 1e6, sorted.size()), "one watch; 500 creates at ~100/s; from the start of each POST to its ADDED event");
        }
        // the peer, in the same run: the embedded storage in-process, same value size and concurrency
        Path dir = Files.createTempDirectory("kapi-bench-store");
        try (EmbeddedStorage store = EmbeddedStorage.open(dir)) {
            byte[] value = ("{\"data\":{\"v\":\"" + VALUE + "\"}}").getBytes(StandardCharsets.UTF_8);
            for (int c : new int[] {16, 64}) {
                String prefix = "/registry/configmaps/default/s" + c + "-";
                double creates = rate(c, 4000, i -> store.create(prefix + i, value));
                row("Storage creates/s, concurrency " + c + " (peer)", String.format("%.0f", creates), "EmbeddedStorage.create in-process, same 1 KiB values, fsync per write, group commit");
                double gets = rate(c, 20000, i -> store.get(prefix + (i % 4000)));
                row("Storage gets/s, concurrency " + c + " (peer)", String.format("%.0f", gets), "EmbeddedStorage.get in-process");
            }
        }
        Files.writeString(Path.of("target", "benchmark.md"), report.toString());
    }
}
