package io.kapi.itests;

import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Kapi's creates on etcd against etcd's own put-if-absent transactions, each driven by a load generator in a process
 * of its own (a benchmark, not a test: {@code mvn -o verify -pl itests -Dit.test=EtcdCreatesBenchmark}; writes
 * {@code itests/target/etcd-creates-benchmark.md}).
 *
 * <p>One Debian etcd, one distribution configured for it. Kapi's creates come from {@code wrk} (HTTPS with
 * keep-alive, 64 connections, ConfigMaps of generated names whose stored JSON is about 1 KiB); etcd's transactions
 * from {@link EtcdTxnLoad} in a JVM of its own (64 calls in flight on one gRPC channel, 1 KiB values, the
 * transaction Kapi sends for a create: put if the key's create revision is 0). Kapi's JIT is warmed up first by
 * {@link #WARM_UP_ROUNDS} rounds of creates, reported with their figures: on this machine a fresh Kapi needs most
 * of a minute of creates before its CPU per create settles. Then the loads take turns on the same etcd, so that
 * all see it grow alike, in an order reversed every other round: Kapi's creates; etcd's transactions alone; and
 * etcd's transactions on keys a watch with previous values follows, as Kapi's watch cache follows its keys (and
 * kube-apiserver's, with the same watch): for each Kapi create etcd also sends that watch an event. Each row gives
 * the rate, the CPU per operation of Kapi (read until Kapi is idle again, so the watch events and garbage collector
 * work a round left behind count for it), etcd and the load generator.
 */
public class EtcdCreatesBenchmark {
    private static final int ROUNDS = Integer.getInteger("kapi.bench.rounds", 3);
    private static final int SECONDS = Integer.getInteger("kapi.bench.seconds", 10);
    private static final int WARM_UP_ROUNDS = Integer.getInteger("kapi.bench.warmUpRounds", 8);
    private static final String KAPI = "Kapi creates";
    private static final String ETCD = "etcd put-if-absent transactions";
    private static final String ETCD_WATCHED = "etcd put-if-absent transactions, their keys watched";
    private static final int CONCURRENCY = 64;
    /** With the metadata Kapi adds (uid, creation time, managed fields) a ConfigMap with this much data is 1 KiB stored. */
    private static final int DATA_BYTES = 612;

    record Round(String load, long ops, double perSecond, double ownMicros, double etcdMicros, double clientMicros, long errors) {
    }

    @Test
    public void kapiCreatesOnEtcdBesideEtcdsOwnTransactions() throws Exception {
        assertTrue("wrk is needed: apt-get install -y wrk", Files.isExecutable(Path.of("/usr/bin/wrk")));
        Path work = Files.createTempDirectory("etcd-creates");
        Path createLua = Files.writeString(work.resolve("create.lua"), "wrk.method = \"POST\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.body = '{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"c-\",\"namespace\":\"bench\"},"
                + "\"data\":{\"v\":\"" + "x".repeat(DATA_BYTES) + "\"}}'\n");
        List<Round> warmUp = new ArrayList<>();
        List<List<Round>> rounds = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.fresh("etcd-creates-benchmark");
                Distribution dist = new Distribution("etcd-creates-benchmark")) {
            dist.useEtcd(etcd.endpoint(), "");
            dist.start();
            dist.awaitReady(System.nanoTime());
            long kapi = ApiBenchmark.karafPid(dist);
            String auth = "Authorization: Bearer " + dist.token();
            createNamespace(dist);
            List<String> creates = List.of("-c" + CONCURRENCY, "-s", createLua.toString(), "-H", auth,
                    dist.baseUrl() + "/api/v1/namespaces/bench/configmaps");
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                warmUp.add(report(kapiRound(kapi, etcd, creates), "warm-up " + (i + 1)));
            }
            URI endpoint = URI.create(etcd.endpoint());
            for (int i = 0; i < ROUNDS; i++) {
                List<Callable<Round>> loads = new ArrayList<>(List.of(
                        etcdRound(etcd, endpoint, work, "/raw-txn/r" + i + "/", false),
                        etcdRound(etcd, endpoint, work, "/raw-txn-watched/r" + i + "/", true),
                        () -> kapiRound(kapi, etcd, creates)));
                if (i % 2 == 1) {
                    Collections.reverse(loads); // the order alternates: each load runs first as often as last
                }
                List<Round> round = new ArrayList<>();
                for (Callable<Round> load : loads) {
                    round.add(report(load.call(), "round " + (i + 1)));
                }
                round.sort(Comparator.comparing(Round::load));
                rounds.add(round);
            }
        }
        String report = report(warmUp, rounds);
        Files.writeString(Path.of("target", "etcd-creates-benchmark.md"), report);
        System.out.println(report);
    }

    private static Round report(Round r, String when) {
        System.out.printf("ETCD-CREATES: %s, %s: %d ops, %.0f/s, %d errors, own CPU %.0f µs/op, etcd %.0f µs/op, client %.0f µs/op%n",
                r.load(), when, r.ops(), r.perSecond(), r.errors(), r.ownMicros(), r.etcdMicros(), r.clientMicros());
        return r;
    }

    /**
     * One round of Kapi's creates under wrk: Kapi's, etcd's and wrk's CPU per create made. Kapi's and etcd's CPU
     * are read until Kapi is idle again, so the work a create leaves behind (its watch events through the cache,
     * the garbage collector's graph) counts for it and not for the next round.
     */
    private static Round kapiRound(long kapi, EtcdServer etcd, List<String> creates) throws Exception {
        long etcd0 = cpuMillis(etcd.pid());
        long kapi0 = cpuMillis(kapi);
        CpuPerRequestBenchmark.Run r = CpuPerRequestBenchmark.wrk(kapi, SECONDS, creates);
        awaitIdle(kapi);
        long made = r.ops() - r.errors();
        return new Round(KAPI, made, r.perSecond() * made / Math.max(1, r.ops()), (cpuMillis(kapi) - kapi0) * 1000.0 / Math.max(1, made),
                (cpuMillis(etcd.pid()) - etcd0) * 1000.0 / Math.max(1, made), r.clientMicrosPerOp(), r.errors());
    }

    /** Waits (at most 10 s) until the process used less than a tenth of a CPU over a quarter of a second. */
    private static void awaitIdle(long pid) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long before = cpuMillis(pid);
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            long now = cpuMillis(pid);
            if (now - before < 25) {
                return;
            }
            before = now;
        }
    }

    private static long cpuMillis(long pid) {
        long millis = ApiBenchmark.cpuMillis(pid);
        assertTrue("no CPU time for process " + pid, millis >= 0);
        return millis;
    }

    /**
     * One round of etcd's own transactions from {@link EtcdTxnLoad} (under a watch of their keys with previous
     * values when {@code watched}): 5 s of warm-up for its JIT, then the measured seconds, etcd's CPU read when it
     * says the measured window begins and ends.
     */
    private static Callable<Round> etcdRound(EtcdServer etcd, URI endpoint, Path work, String prefix, boolean watched) {
        return () -> {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), EtcdTxnLoad.class.getName(), endpoint.getHost(),
                    Integer.toString(endpoint.getPort()), Integer.toString(CONCURRENCY), "5", Integer.toString(SECONDS), prefix));
            if (watched) {
                cmd.add("watch");
            }
            Path log = work.resolve("etcd-txn-load" + prefix.replaceAll("\\W+", "-") + "log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            try {
                long etcd0 = -1;
                long etcdMillis = -1;
                String end = null;
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.equals("MEASURE-START")) {
                            etcd0 = cpuMillis(etcd.pid());
                        } else if (line.startsWith("MEASURE-END ")) {
                            etcdMillis = cpuMillis(etcd.pid()) - etcd0;
                            end = line;
                        }
                    }
                }
                assertTrue("EtcdTxnLoad failed; see " + log, p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0
                        && end != null && etcd0 >= 0);
                String[] f = end.split(" ");
                long ops = Long.parseLong(f[1]);
                double seconds = Long.parseLong(f[2]) / 1e9;
                long failed = Long.parseLong(f[3]);
                double clientMicros = Long.parseLong(f[4]) / 1000.0 / Math.max(1, ops);
                return new Round(watched ? ETCD_WATCHED : ETCD, ops, ops / seconds, Double.NaN, etcdMillis * 1000.0 / Math.max(1, ops),
                        clientMicros, failed);
            } finally {
                p.destroyForcibly();
            }
        };
    }

    private static String report(List<Round> warmUp, List<List<Round>> rounds) throws Exception {
        StringBuilder out = new StringBuilder("# Kapi's creates on etcd beside etcd's own transactions\n\n")
                .append("Concurrency ").append(CONCURRENCY).append(", rounds of ").append(SECONDS)
                .append(" s, the loads alternating on one etcd; load average ")
                .append(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]).append(" at the end.\n\n")
                .append("| load | round | ops/s | Kapi CPU per op | etcd CPU per op | load generator CPU per op | errors |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < warmUp.size(); i++) {
            row(out, warmUp.get(i), "warm-up " + (i + 1));
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> ratiosWatched = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            java.util.Map<String, Round> byLoad = new java.util.HashMap<>();
            for (Round r : rounds.get(i)) {
                row(out, r, Integer.toString(i + 1));
                byLoad.put(r.load(), r);
            }
            ratios.add(byLoad.get(KAPI).perSecond() / byLoad.get(ETCD).perSecond());
            ratiosWatched.add(byLoad.get(KAPI).perSecond() / byLoad.get(ETCD_WATCHED).perSecond());
        }
        out.append(String.format("%nKapi's creates ÷ etcd's transactions, round by round: %s, median %.2f (target ≥ 0.8); "
                + "÷ etcd's transactions under a watch: %s, median %.2f.%n",
                format(ratios), median(ratios), format(ratiosWatched), median(ratiosWatched)));
        for (String load : List.of(KAPI, ETCD, ETCD_WATCHED)) {
            out.append(String.format("Median of %s: %.0f/s.%n", load,
                    median(rounds.stream().flatMap(List::stream).filter(r -> r.load().equals(load)).map(Round::perSecond).toList())));
        }
        return out.toString();
    }

    private static List<String> format(List<Double> ratios) {
        return ratios.stream().map(r -> String.format("%.2f", r)).toList();
    }

    private static void row(StringBuilder out, Round r, String round) {
        out.append(String.format("| %s | %s | %.0f | %s | %.0f µs | %.0f µs | %d |%n", r.load(), round, r.perSecond(),
                Double.isNaN(r.ownMicros()) ? "—" : String.format("%.0f µs", r.ownMicros()), r.etcdMicros(), r.clientMicros(), r.errors()));
    }

    private static void createNamespace(Distribution dist) throws Exception {
        HttpClient client = Distribution.insecureClient();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + "/api/v1/namespaces"))
                .header("Authorization", "Bearer " + dist.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"bench\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue("namespace: " + r.statusCode() + " " + r.body(), r.statusCode() == 201);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
