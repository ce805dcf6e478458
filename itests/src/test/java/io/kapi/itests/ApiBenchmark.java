package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.kapi.api.storage.Storage;
import io.kapi.storage.embedded.EmbeddedStorage;
import io.kapi.storage.etcd.EtcdConfig;
import io.kapi.storage.etcd.EtcdStorage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * A benchmark, not a test: it asserts nothing about speed. Run with
 * {@code mvn -pl itests verify -Dit.test=ApiBenchmark}; the report goes to {@code itests/target/benchmark.md}.
 *
 * <p>Everything is measured side by side in one run on this machine: raw etcd (Debian's etcd-server,
 * {@code etcdctl check perf} and puts/ranges over its gRPC API and its JSON gateway), the {@code Storage}
 * contract in-process (embedded store and etcd store), and the real distribution over HTTPS on the
 * embedded store and on the same etcd.
 */
public class ApiBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALUE = "x".repeat(1024);
    private static final byte[] VALUE_BYTES = ("{\"data\":{\"v\":\"" + VALUE + "\"}}").getBytes(StandardCharsets.UTF_8);
    /** Which parts run: -Dkapi.bench=raw,storage,embedded,etcd (all by default; "fanout" runs only the watch fan-outs). */
    private static final List<String> PARTS = List.of(System.getProperty("kapi.bench", "raw,storage,embedded,etcd").split(","));
    /** The watch fan-outs' sizes: -Dkapi.bench.fanout=500,2000,10000 (500 and 2000 by default). */
    private static final int[] FAN_OUTS = java.util.Arrays.stream(System.getProperty("kapi.bench.fanout", "500,2000").split(","))
            .mapToInt(Integer::parseInt).toArray();
    /** API operations before each API measurement, unmeasured, so both JVMs are compiled (JIT) when it starts. */
    private static final int API_WARM_UP = 10_000;
    /** Creates measured per concurrency; twice this is the 10 000 objects the LISTs then read. */
    private static final int API_CREATES = 5_000;
    private final StringBuilder report = new StringBuilder();

    private void section(String title) {
        report.append("\n### ").append(title).append("\n\n| measure | result | how |\n|---|---|---|\n");
        System.out.println("== " + title);
    }

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
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    @Test
    public void measure() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "benchmark").toAbsolutePath());
        report.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ")
                .append(System.getProperty("java.version")).append(", run of ").append(java.time.Instant.now()).append('\n');
        Path etcdData = work.resolve("etcd-data");
        if (Files.exists(etcdData)) {
            try (var files = Files.walk(etcdData)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (EtcdServer etcd = new EtcdServer(etcdData)) {
            Map<String, Double> ratios = new ConcurrentHashMap<>();
            if (PARTS.contains("raw")) {
                rawEtcd(etcd, ratios);
            }
            if (PARTS.contains("storage")) {
                storageContract(etcd, work, ratios);
            }
            if (PARTS.contains("embedded")) {
                apiOnEmbedded(ratios);
            }
            if (PARTS.contains("etcd")) {
                apiOnEtcd(etcd, ratios);
            }
            if (PARTS.contains("fanout")) {
                fanOutOnly();
            }
            section("Ratios (same run)");
            for (int c : PARTS.size() == 4 ? new int[] {16, 64} : new int[0]) {
                row("Kapi on etcd creates/s ÷ raw etcd puts/s over gRPC, concurrency " + c,
                        String.format("%.2f", ratios.get("api-etcd-create-" + c) / ratios.get("raw-grpc-put-" + c)),
                        "target ≥ 0.5; the API Kapi uses");
                row("Kapi on etcd creates/s ÷ raw etcd create transactions/s over gRPC, concurrency " + c,
                        String.format("%.2f", ratios.get("api-etcd-create-" + c) / ratios.get("raw-grpc-txn-" + c)), "the same operation in etcd");
                row("Kapi on etcd creates/s ÷ raw etcd puts/s through the JSON gateway, concurrency " + c,
                        String.format("%.2f", ratios.get("api-etcd-create-" + c) / ratios.get("raw-put-" + c)),
                        "the peer of earlier runs, when Kapi used the gateway");
                row("Kapi on embedded creates/s ÷ Kapi on etcd creates/s, concurrency " + c,
                        String.format("%.2f", ratios.get("api-embedded-create-" + c) / ratios.get("api-etcd-create-" + c)), "target ≥ 1");
                row("Kapi on embedded creates/s ÷ embedded Storage creates/s, concurrency " + c,
                        String.format("%.2f", ratios.get("api-embedded-create-" + c) / ratios.get("storage-embedded-create-" + c)), "cost of the API path");
                row("Kapi on etcd creates/s ÷ etcd Storage creates/s, concurrency " + c,
                        String.format("%.2f", ratios.get("api-etcd-create-" + c) / ratios.get("storage-etcd-create-" + c)), "cost of the API path");
            }
        } finally {
            Files.writeString(Path.of("target", "benchmark.md"), report.toString());
        }
    }

    // ------------------------------------------------------------------ raw etcd

    private void rawEtcd(EtcdServer etcd, Map<String, Double> ratios) throws Exception {
        section("Raw etcd (Debian etcd-server, default settings, on loopback)");
        if (Files.isExecutable(Path.of("/usr/bin/etcdctl"))) {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcdctl", "--endpoints=" + etcd.endpoint(), "check", "perf", "--load=s")
                    .redirectErrorStream(true);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.MINUTES);
            StringBuilder summary = new StringBuilder();
            for (String line : out.split("\n")) {
                String l = line.replaceAll("\u001B\\[[;\\d]*m", "").trim();
                if (l.startsWith("PASS") || l.startsWith("FAIL")) {
                    summary.append(summary.length() == 0 ? "" : "; ").append(l);
                }
            }
            row("`etcdctl check perf --load=s`", summary.toString(), "etcd's own check: 50 clients, a target of 150 writes/s for 60 s");
        } else {
            row("`etcdctl check perf`", "not run", "install etcd-client (`apt-get install -y etcd-client`) for it");
        }
        BlockingHttp http = BlockingHttp.plain();
        Map<String, String> json = Map.of("Content-Type", "application/json");
        Base64.Encoder b64 = Base64.getEncoder();
        String value = b64.encodeToString(VALUE_BYTES);
        rate(16, API_WARM_UP, i -> http.send("POST", etcd.endpoint() + "/v3/kv/put", json, ("{\"key\":\""
                + b64.encodeToString(("/raw/warm/" + i).getBytes(StandardCharsets.UTF_8)) + "\",\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8))); // warm-up, not measured
        for (int c : new int[] {16, 64}) {
            String prefix = "/raw/c" + c + "/";
            long etcdCpu0 = cpuMillis(etcd.pid());
            double puts = rate(c, API_CREATES, i -> {
                String body = "{\"key\":\"" + b64.encodeToString((prefix + i).getBytes(StandardCharsets.UTF_8)) + "\",\"value\":\"" + value + "\"}";
                BlockingHttp.Response r = http.send("POST", etcd.endpoint() + "/v3/kv/put", json, body.getBytes(StandardCharsets.UTF_8));
                if (r.code() != 200) {
                    throw new IllegalStateException(r.text());
                }
            });
            ratios.put("raw-put-" + c, puts);
            row("raw etcd puts/s, concurrency " + c, String.format("%.0f", puts), API_CREATES + " puts of 1 KiB through etcd's JSON gateway (POST /v3/kv/put), " + LOAD
                    + ", etcd fsyncs its WAL; " + perOp(etcd.pid(), etcdCpu0, API_CREATES) + " µs of etcd CPU per put");
            etcdCpu0 = cpuMillis(etcd.pid());
            // what a create is in etcd (kube's and Kapi's): a transaction that puts only if the key does not exist
            String txPrefix = "/raw-txn/c" + c + "/";
            double txns = rate(c, API_CREATES, i -> {
                String k = b64.encodeToString((txPrefix + i).getBytes(StandardCharsets.UTF_8));
                String body = "{\"compare\":[{\"target\":\"CREATE\",\"key\":\"" + k + "\",\"result\":\"EQUAL\",\"create_revision\":\"0\"}],"
                        + "\"success\":[{\"request_put\":{\"key\":\"" + k + "\",\"value\":\"" + value + "\"}}]}";
                BlockingHttp.Response r = http.send("POST", etcd.endpoint() + "/v3/kv/txn", json, body.getBytes(StandardCharsets.UTF_8));
                if (r.code() != 200 || !r.text().contains("\"succeeded\":true")) {
                    throw new IllegalStateException(r.text());
                }
            });
            ratios.put("raw-txn-" + c, txns);
            row("raw etcd create transactions/s, concurrency " + c, String.format("%.0f", txns), API_CREATES + " put-if-absent transactions of 1 KiB (POST /v3/kv/txn), what a create is in etcd for kube and Kapi; "
                    + perOp(etcd.pid(), etcdCpu0, API_CREATES) + " µs of etcd CPU per transaction");
            double ranges = rate(c, 20000, i -> {
                String body = "{\"key\":\"" + b64.encodeToString((prefix + (i % API_CREATES)).getBytes(StandardCharsets.UTF_8)) + "\"}";
                BlockingHttp.Response r = http.send("POST", etcd.endpoint() + "/v3/kv/range", json, body.getBytes(StandardCharsets.UTF_8));
                if (r.code() != 200) {
                    throw new IllegalStateException(r.text());
                }
            });
            row("raw etcd ranges/s (one key), concurrency " + c, String.format("%.0f", ranges), "20000 linearizable single-key ranges (POST /v3/kv/range)");
        }
        rawEtcdGrpc(etcd, ratios);
    }

    /** The same operations over etcd's gRPC API, the API Kapi's etcd backend (and kube-apiserver) uses. */
    private void rawEtcdGrpc(EtcdServer etcd, Map<String, Double> ratios) throws Exception {
        URI uri = URI.create(etcd.endpoint());
        io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            ByteString value = ByteString.copyFrom(VALUE_BYTES);
            rate(16, API_WARM_UP, i -> kv.put(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("/raw-grpc/warm/" + i)).setValue(value).build())); // warm-up, not measured
            for (int c : new int[] {16, 64}) {
                String prefix = "/raw-grpc/c" + c + "/";
                long etcdCpu0 = cpuMillis(etcd.pid());
                double puts = rate(c, API_CREATES, i -> kv.put(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(prefix + i)).setValue(value).build()));
                ratios.put("raw-grpc-put-" + c, puts);
                row("raw etcd puts/s over gRPC, concurrency " + c, String.format("%.0f", puts), API_CREATES
                        + " puts of 1 KiB (KV/Put) from " + c + " threads on one gRPC channel (grpc-java, as Kapi); "
                        + perOp(etcd.pid(), etcdCpu0, API_CREATES) + " µs of etcd CPU per put");
                etcdCpu0 = cpuMillis(etcd.pid());
                String txPrefix = "/raw-grpc-txn/c" + c + "/";
                double txns = rate(c, API_CREATES, i -> {
                    ByteString k = ByteString.copyFromUtf8(txPrefix + i);
                    TxnResponse r = kv.txn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.CREATE)
                                    .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                            .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(k).setValue(value)))
                            .build());
                    if (!r.getSucceeded()) {
                        throw new IllegalStateException("put-if-absent of a new key failed: " + r);
                    }
                });
                ratios.put("raw-grpc-txn-" + c, txns);
                row("raw etcd create transactions/s over gRPC, concurrency " + c, String.format("%.0f", txns), API_CREATES
                        + " put-if-absent transactions of 1 KiB (KV/Txn); " + perOp(etcd.pid(), etcdCpu0, API_CREATES)
                        + " µs of etcd CPU per transaction");
                double ranges = rate(c, 20000, i -> kv.range(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(prefix + (i % API_CREATES))).build()));
                row("raw etcd ranges/s over gRPC (one key), concurrency " + c, String.format("%.0f", ranges),
                        "20000 linearizable single-key ranges (KV/Range)");
            }
        } finally {
            channel.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ Storage contract in-process

    private void storageContract(EtcdServer etcd, Path work, Map<String, Double> ratios) throws Exception {
        section("The Storage contract in-process (no HTTP, no JSON)");
        Path dir = work.resolve("embedded-store");
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (EmbeddedStorage embedded = EmbeddedStorage.open(dir);
             EtcdStorage onEtcd = new EtcdStorage(EtcdConfig.of(etcd.endpoint()).withPrefix("/storage-bench"))) {
            for (Map.Entry<String, Storage> e : Map.<String, Storage>of("embedded", embedded, "etcd", onEtcd).entrySet()) {
                Storage store = e.getValue();
                rate(16, API_WARM_UP, i -> store.create("/registry/configmaps/warm/" + i, VALUE_BYTES)); // warm-up, not measured
                for (int c : new int[] {16, 64}) {
                    String prefix = "/registry/configmaps/default/s" + c + "-";
                    double creates = rate(c, API_CREATES, i -> store.create(prefix + i, VALUE_BYTES));
                    ratios.put("storage-" + e.getKey() + "-create-" + c, creates);
                    row(e.getKey() + " Storage creates/s, concurrency " + c, String.format("%.0f", creates),
                            API_CREATES + " creates of 1 KiB, durable before acknowledged");
                    double gets = rate(c, 20000, i -> store.get(prefix + (i % API_CREATES)));
                    row(e.getKey() + " Storage gets/s, concurrency " + c, String.format("%.0f", gets), "20000 gets of those keys");
                }
            }
        }
    }

    // ------------------------------------------------------------------ the API

    /** The blocking load generator every request/response figure of this benchmark is measured with. */
    private static final String LOAD = "HTTP/1.1 keep-alive, one connection per concurrent caller (the JDK's blocking HttpURLConnection)";

    /**
     * The real distribution, its admin token, the blocking client the creates, GETs and LISTs are measured
     * with, and an asynchronous JDK client (the fan-out's creates, sent at a fixed rate without waiting).
     */
    private record Api(Distribution dist, BlockingHttp load, HttpClient client, String token, String base) {
        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(5));
        }

        int post(String path, String body) throws IOException {
            return load.send("POST", base + path, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                    body.getBytes(StandardCharsets.UTF_8)).code();
        }

        BlockingHttp.Response get(String path) throws IOException {
            return load.send("GET", base + path, Map.of("Authorization", "Bearer " + token, "Accept", "application/json"), null);
        }
    }

    private static Api api(Distribution dist) throws Exception {
        return new Api(dist, BlockingHttp.insecure(), Distribution.insecureClient(), dist.token(), "https://127.0.0.1:" + dist.securePort);
    }

    private static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"v\":\"" + VALUE + "\"}}";
    }

    private static final String CMS = "/api/v1/namespaces/default/configmaps";

    /** CPU time a process used since {@code cpu0} (its {@link #cpuMillis}), per operation, in µs. */
    private static long perOp(long pid, long cpu0, int ops) {
        return (cpuMillis(pid) - cpu0) * 1000 / ops;
    }

    /** Creates and GETs through the API; {@code etcd} is the backend's etcd, or null on the embedded store. */
    private void createsAndGets(String backend, Api api, Map<String, Double> ratios, EtcdServer etcd) throws Exception {
        // warm-up, not measured: the JIT of both JVMs and the connection pool; in a namespace of its own, so
        // the namespace the LISTs read holds exactly the measured creates
        String warm = "/api/v1/namespaces/bench-warm/configmaps";
        int ns = api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"bench-warm\"}}");
        if (ns != 201 && ns != 409) {
            throw new IllegalStateException("namespace create answered " + ns);
        }
        rate(16, API_WARM_UP, i -> api.post(warm, configMap("warm-" + i)));
        rate(16, API_WARM_UP, i -> api.get(warm + "/warm-" + (i % API_WARM_UP)));
        for (int c : new int[] {16, 64}) {
            int n = API_CREATES;
            String prefix = "c" + c + "-";
            long karaf = karafPid(api.dist());
            long kapiCpu0 = cpuMillis(karaf);
            long etcdCpu0 = etcd == null ? 0 : cpuMillis(etcd.pid());
            double creates = rate(c, n, i -> {
                int code = api.post(CMS, configMap(prefix + i));
                if (code != 201) {
                    throw new IllegalStateException("create answered " + code);
                }
            });
            ratios.put("api-" + backend + "-create-" + c, creates);
            row("API creates/s, concurrency " + c, String.format("%.0f", creates), n + " POSTs of 1 KiB ConfigMaps over HTTPS (bearer token), " + LOAD
                    + "; " + perOp(karaf, kapiCpu0, n) + " µs of Kapi CPU per create" + (etcd == null ? "" : ", " + perOp(etcd.pid(), etcdCpu0, n) + " µs of etcd CPU"));
            double gets = rate(c, 20000, i -> {
                int code = api.get(CMS + "/" + prefix + (i % n)).code();
                if (code != 200) {
                    throw new IllegalStateException("get answered " + code);
                }
            });
            row("API GETs/s, concurrency " + c, String.format("%.0f", gets), "20000 GETs of those ConfigMaps");
        }
    }

    /** Best of {@code rounds} full LISTs of the namespace; returns {items, bytes, best nanos}. */
    private static long[] list(Api api, String query, int rounds) throws Exception {
        long best = Long.MAX_VALUE;
        long items = 0;
        long bytes = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            BlockingHttp.Response r = api.get(CMS + query);
            best = Math.min(best, System.nanoTime() - t0);
            if (r.code() != 200) {
                throw new IllegalStateException("list answered " + r.code());
            }
            bytes = r.body().length;
            items = JSON.readTree(r.body()).path("items").size();
        }
        return new long[] {items, bytes, best};
    }

    /**
     * A paginated LIST with limit=500 over the whole namespace, {@code rounds} times; returns {items, pages,
     * nanos} of the fastest round. A round's time is the sum of its requests, each until its last byte:
     * this client's parse of a page (for the next continue token) falls between them, untimed, as in
     * {@link #list}, so a slow client does not count as the server's time.
     */
    private static long[] paginated(Api api, int rounds) throws Exception {
        long[] best = null;
        for (int round = 0; round < rounds; round++) {
            String cont = "";
            long items = 0;
            long pages = 0;
            long nanos = 0;
            do {
                long t0 = System.nanoTime();
                BlockingHttp.Response r = api.get(CMS + "?limit=500" + (cont.isEmpty() ? "" : "&continue=" + cont));
                nanos += System.nanoTime() - t0;
                if (r.code() != 200) {
                    throw new IllegalStateException("page answered " + r.code());
                }
                JsonNode page = JSON.readTree(r.body());
                items += page.path("items").size();
                pages++;
                cont = page.path("metadata").path("continue").asText("");
            } while (!cont.isEmpty());
            if (best == null || nanos < best[2]) {
                best = new long[] {items, pages, nanos};
            }
        }
        return best;
    }

    private static void fill(Api api, int from, int to) throws Exception {
        rate(64, to - from, i -> {
            int code = api.post(CMS, configMap("fill-" + (from + i)));
            if (code != 201) {
                throw new IllegalStateException("create answered " + code);
            }
        });
    }

    private void apiOnEmbedded(Map<String, Double> ratios) throws Exception {
        section("Kapi over HTTPS on the embedded store (the default)");
        try (Distribution dist = new Distribution("benchmark-embedded")) {
            long[] starts = new long[3];
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                dist.start();
                starts[i] = dist.awaitReady(t0);
                if (i < 2) {
                    dist.stop();
                }
            }
            row("cold start to /readyz = ok (empty store)", Arrays.toString(starts) + " ms", "bin/karaf server launched, HTTPS /readyz polled every 100 ms; 3 starts (1st creates the PKI and store)");
            Api api = api(dist);
            createsAndGets("embedded", api, ratios, null);
            // 2 × 5 000 measured creates: 10 000 objects in the namespace
            long[] l = list(api, "", 5);
            row("full LIST of " + l[0] + " ConfigMaps (from the watch cache)", String.format("%.0f ms", l[2] / 1e6),
                    String.format("one GET of the whole namespace, %.1f MB of JSON, best of 5, until the last byte arrived", l[1] / 1e6));
            long[] p = paginated(api, 5);
            row("paginated LIST of " + p[0] + " ConfigMaps", String.format("%.0f ms (%d pages)", p[2] / 1e6, p[1]),
                    "limit=500 with continue tokens, sequential pages, best of 5; each page until its last byte, this client's parse of it between pages untimed");
            long heap10k = usedHeapAfterGc(dist);
            long t0 = System.nanoTime();
            fill(api, 0, 90_000);
            double fillRate = 90_000 / ((System.nanoTime() - t0) / 1e9);
            row("fill to 100 000 objects", String.format("%.0f creates/s", fillRate), "90 000 more POSTs at concurrency 64");
            long heap100k = usedHeapAfterGc(dist);
            l = list(api, "", 3);
            row("full LIST of " + l[0] + " ConfigMaps (from the watch cache)", String.format("%.0f ms", l[2] / 1e6),
                    String.format("%.0f MB of JSON, best of 3", l[1] / 1e6));
            double jsonPerObject = (double) l[1] / l[0];
            double heapPerObject = (heap100k - heap10k) / 90_000.0;
            row("heap per stored object at 100 000", String.format("%.0f B (%.2f× its JSON)", heapPerObject, heapPerObject / jsonPerObject),
                    String.format("(used heap after a full GC at 100 000 − at 10 000) ÷ 90 000; JSON per object in a LIST %.0f B; target ≤ 2×", jsonPerObject));
            p = paginated(api, 3);
            row("paginated LIST of " + p[0] + " ConfigMaps", String.format("%.0f ms (%d pages)", p[2] / 1e6, p[1]),
                    "limit=500 with continue tokens, best of 3, timed as above");
            dist.stop();
            t0 = System.nanoTime();
            dist.start();
            row("restart to /readyz = ok with 100 000 objects", dist.awaitReady(t0) + " ms", "graceful stop, then bin/karaf server; the watch cache lists the store before /readyz");
            fanOutWarmUp(api);
            for (int watchers : FAN_OUTS) {
                fanOut(api, watchers);
            }
        }
    }

    /** Only the watch fan-outs, on a fresh embedded distribution (-Dkapi.bench=fanout), to compare changes to them. */
    private void fanOutOnly() throws Exception {
        section("Watch fan-out only, on the embedded store");
        try (Distribution dist = new Distribution("benchmark-fanout")) {
            long t0 = System.nanoTime();
            dist.start();
            dist.awaitReady(t0);
            Api api = api(dist);
            fanOutWarmUp(api);
            for (int watchers : FAN_OUTS) {
                fanOut(api, watchers);
            }
        }
    }

    private void apiOnEtcd(EtcdServer etcd, Map<String, Double> ratios) throws Exception {
        section("Kapi over HTTPS on etcd (same etcd as above)");
        try (Distribution dist = new Distribution("benchmark-etcd")) {
            Files.writeString(dist.home.resolve("etc/io.kapi.storage.etcd.cfg"), "endpoints = " + etcd.endpoint() + "\nprefix = /kapi-bench\n");
            long t0 = System.nanoTime();
            dist.start();
            row("cold start to /readyz = ok", dist.awaitReady(t0) + " ms", "first start on etcd");
            Api api = api(dist);
            createsAndGets("etcd", api, ratios, etcd);
            long[] l = list(api, "", 5);
            row("full LIST of " + l[0] + " ConfigMaps (from the watch cache)", String.format("%.0f ms", l[2] / 1e6), "best of 5");
            l = list(api, "?resourceVersion=0", 5);
            row("full LIST of " + l[0] + " ConfigMaps, resourceVersion=0", String.format("%.0f ms", l[2] / 1e6), "best of 5");
        }
    }

    // ------------------------------------------------------------------ watch fan-out

    /** Watches per HTTP/2 connection in the fan-out: under Jetty's default limit of 128 streams per connection. */
    private static final int WATCHES_PER_CONNECTION = 100;

    /**
     * {@code watchers} HTTP/2 watches on the namespace, then 100 creates/s for 10 s: p50/p99 of the time
     * from the start of each POST to the arrival of its ADDED event at each watcher, and events lost.
     */
    private void fanOut(Api api, int watchers) throws Exception {
        fanOut(api, watchers, 1000, "fan" + watchers + "-");
    }

    /** Not measured: the JIT of both JVMs on the watch path (the creates before warm up the rest), 200 watchers × 300 events. */
    private void fanOutWarmUp(Api api) throws Exception {
        fanOut(api, 200, 300, null);
    }

    /** Runs a fan-out; reports it unless {@code prefix} (of the created names) is null: then it is a warm-up. */
    private void fanOut(Api api, int watchers, int events, String prefix) throws Exception {
        boolean measured = prefix != null;
        if (!measured) {
            prefix = "fan-warm-";
        }
        String rv = JSON.readTree(api.get(CMS + "?limit=1").body()).path("metadata").path("resourceVersion").asText();
        java.util.concurrent.atomic.AtomicLongArray sent = new java.util.concurrent.atomic.AtomicLongArray(events); // nanoTime of each POST
        long[] latencies = new long[watchers * events];
        AtomicInteger received = new AtomicInteger();
        AtomicLong unexpected = new AtomicLong();
        byte[] names = prefix.getBytes(StandardCharsets.US_ASCII);
        java.util.function.Consumer<byte[]> counter = line -> {
            long now = System.nanoTime();
            int i = Http2Watchers.numberAfter(line, names);
            if (i < 0) {
                return; // a bookmark or an older object's event
            }
            long t = i < events ? sent.get(i) : 0;
            int slot = received.getAndIncrement();
            if (t == 0 || slot >= latencies.length) {
                unexpected.incrementAndGet();
            } else {
                latencies[slot] = now - t;
            }
        };
        String token = api.token();
        try (Http2Watchers h2 = new Http2Watchers(api.dist().securePort, token)) {
            // informers connect over time, not all at once: one connection of 100 watches at a time
            for (int batch = 0; batch < watchers; batch += WATCHES_PER_CONNECTION) {
                int size = Math.min(WATCHES_PER_CONNECTION, watchers - batch);
                java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(size);
                org.eclipse.jetty.http2.api.Session session = h2.connect();
                for (int w = 0; w < size; w++) {
                    h2.watch(session, CMS + "?watch=1&timeoutSeconds=600&resourceVersion=" + rv, counter, opened);
                }
                if (!opened.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("watches did not open: " + opened.getCount() + " of a batch of " + size);
                }
            }
            Thread.sleep(1000);
            int connections = connectionsTo(api.dist().securePort);
            long karaf = karafPid(api.dist());
            long self = ProcessHandle.current().pid();
            long serverCpu0 = cpuMillis(karaf);
            long clientCpu0 = cpuMillis(self);
            long wall0 = System.nanoTime();
            // the creates go out every 10 ms whatever the answers take (sent asynchronously), so the rate is 100/s
            // unless the client itself cannot keep up; the rate reached is reported
            long period = TimeUnit.MILLISECONDS.toNanos(10);
            long next = System.nanoTime();
            List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> posts = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                String name = prefix + i;
                sent.set(i, System.nanoTime());
                posts.add(api.client().sendAsync(api.request(CMS).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"" + name + "\"}}")).build(),
                        HttpResponse.BodyHandlers.discarding()));
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            double sentRate = events / ((System.nanoTime() - wall0) / 1e9);
            for (java.util.concurrent.CompletableFuture<HttpResponse<Void>> post : posts) {
                int code = post.get(2, TimeUnit.MINUTES).statusCode();
                if (code != 201) {
                    throw new IllegalStateException("create answered " + code);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < watchers * events && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall0);
            long bytesPerEvent = h2.bytesReceived() / Math.max(1, received.get());
            long serverCpu = cpuMillis(karaf) - serverCpu0;
            long clientCpu = cpuMillis(self) - clientCpu0;
            int got = Math.min(received.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, got);
            Arrays.sort(sorted);
            if (!measured) {
                return;
            }
            row("watch fan-out to " + watchers + " watchers at 100 writes/s",
                    String.format("p50 %.1f ms, p99 %.1f ms, lost %d of %d", sorted[got / 2] / 1e6, sorted[(int) (got * 0.99)] / 1e6,
                            (long) watchers * events - got + unexpected.get(), (long) watchers * events),
                    watchers + " HTTPS watches on the namespace over HTTP/2, " + WATCHES_PER_CONNECTION + " per connection (" + connections
                            + " TCP connections to Kapi while they ran, Jetty's HTTP/2 client in the benchmark's JVM), opened one connection at a time; " + events
                            + String.format(" creates of small ConfigMaps sent at %.0f/s (%d B per event)", sentRate, bytesPerEvent)
                            + "; from the start of each POST to its ADDED event at each watcher; target p99 < "
                            + (watchers > 2000 ? "250 ms (issue 13, 10 000 watchers)" : "100 ms (issue 3, 2 000 watchers)")
                            + String.format("; until the last event arrived %.1f s, in which Kapi used %.1f s of CPU and the benchmark %.1f s (2 CPUs)",
                                    wallMillis / 1e3, serverCpu / 1e3, clientCpu / 1e3));
        }
    }

    // ------------------------------------------------------------------ heap

    /** Used heap of Karaf's JVM after a full GC, in bytes, through the JDK's jcmd. */
    static long karafPid(Distribution dist) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("java") && c.contains(dist.home.toString())
                        && c.contains("org.apache.karaf.main.Main")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElseThrow(() -> new IllegalStateException("Karaf's JVM not found"));
    }

    /** Established TCP connections to a local port, through {@code ss} (iproute2). */
    private static int connectionsTo(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /** CPU time a process has used so far, in milliseconds (user + system). */
    static long cpuMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toMillis).orElse(-1L);
    }

    private static long usedHeapAfterGc(Distribution dist) throws Exception {
        long pid = karafPid(dist);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        jcmd(jcmd, pid, "GC.run");
        jcmd(jcmd, pid, "GC.run");
        String info = jcmd(jcmd, pid, "GC.heap_info");
        // G1: " garbage-first heap   total 262144K, used 123456K [...]"; ZGC: " ZHeap   used 338M, capacity 1024M, ..."
        Matcher m = Pattern.compile("(?:garbage-first heap|ZHeap)\\s+.*?used (\\d+)([KMG])").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) << switch (m.group(2)) {
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
}
