package io.kapi.itests;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Watchers on their own HTTP/1.1 connections (not a test: {@code mvn -o verify -pl itests
 * -Dit.test=Http1WatchersBenchmark}; writes {@code itests/target/http1-watchers-benchmark.md}): 500 and 2000
 * watches of one namespace's ConfigMaps, each on its own TCP connection and TLS handshake, held by
 * a client in its own process — {@code http1_watch_load.c} (one thread, epoll, OpenSSL; built here with gcc, which
 * needs Debian's gcc and libssl-dev), then {@link Http1WatchLoad} in a JVM (a thread and a JDK TLS socket per
 * watcher), or those {@code -Dkapi.watchers.clients} names; 1000 creates of small ConfigMaps sent at 100/s from this JVM
 * (HTTP/2); the delay of each event from the start of its POST to its arrival at each watcher. Kapi's CPU and
 * the watch client's are measured side by side, so a saturated client shows. A round of 200 watchers first warms
 * up both JVMs and is not reported.
 */
public class Http1WatchersBenchmark {
    private static final int EVENTS = Integer.getInteger("kapi.watchers.events", 1000);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The watch clients to run, in order: {@code c} (http1_watch_load.c, one thread, epoll), {@code java} (Http1WatchLoad). */
    private static final List<String> CLIENTS = List.of(System.getProperty("kapi.watchers.clients", "c,java").split(","));

    /** The C client, built from {@code src/test/c} with gcc and OpenSSL's headers (Debian: gcc, libssl-dev). */
    private static Path cClient() throws Exception {
        Path source = Path.of("src", "test", "c", "http1_watch_load.c").toAbsolutePath();
        Path binary = Path.of("target", "http1_watch_load").toAbsolutePath();
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString(), "-lssl", "-lcrypto")
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("building the C watch client needs gcc and libssl-dev:\n" + out);
        }
        return binary;
    }

    private static List<String> loadCommand(String client, Distribution dist, String token, int watchers, String ns, String rv, int events,
            Path result) throws Exception {
        List<String> args = List.of(Integer.toString(dist.securePort), token, Integer.toString(watchers), ns, rv, Integer.toString(events),
                result.toString());
        List<String> cmd = new ArrayList<>();
        if (client.equals("c")) {
            cmd.add(cClient().toString());
        } else {
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms512m", "-Xmx512m",
                    "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"), Http1WatchLoad.class.getName()));
        }
        cmd.addAll(args);
        return cmd;
    }

    private static String row(Distribution dist, String client, int watchers) throws Exception {
        return row(dist, client, watchers, EVENTS);
    }

    private static String row(Distribution dist, String client, int watchers, int events) throws Exception {
        HttpClient http = Distribution.insecureClient();
        String token = dist.token();
        String ns = "w" + watchers + "-" + events + "-" + client;
        String base = dist.baseUrl() + "/api/v1/namespaces";
        http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"" + ns + "\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        String rv = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/" + ns + "/configmaps")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body()).path("metadata").path("resourceVersion").asText();
        Path result = Path.of("target", "http1-watch-load-" + watchers + "-" + client + ".properties").toAbsolutePath();
        Files.deleteIfExists(result);
        Process load = new ProcessBuilder(loadCommand(client, dist, token, watchers, ns, rv, events, result))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8));
        long openStart = System.nanoTime();
        for (String l = out.readLine(); l != null && !l.equals("READY"); l = out.readLine()) {
            System.out.println("[load] " + l);
        }
        long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openStart);
        Thread.sleep(2000); // the watches settle
        long kapi = ApiBenchmark.karafPid(dist);
        long kapiCpu0 = ApiBenchmark.cpuMillis(kapi);
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
        Semaphore inFlight = new Semaphore(64);
        for (int i = 0; i < events; i++) {
            long due = start + i * 10_000_000L; // 100 per second
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.acquire(); // within the HTTP/2 connection's stream limit: a late create delays the next ones
            long sent = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            writes.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/" + ns + "/configmaps"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"cm-" + i + "\",\"annotations\":{\"kapi.bench/sent\":\""
                            + sent + "\"}},\"data\":{\"k\":\"v\"}}")).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int failedWrites = 0;
        for (CompletableFuture<HttpResponse<String>> w : writes) {
            if (w.get().statusCode() != 201) {
                failedWrites++;
            }
        }
        if (!load.waitFor(3, TimeUnit.MINUTES)) {
            load.destroyForcibly();
        }
        long kapiCpu = ApiBenchmark.cpuMillis(kapi) - kapiCpu0;
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        Properties p = new Properties();
        try (var in = Files.newInputStream(result)) {
            p.load(in);
        }
        long expected = Long.parseLong(p.getProperty("expected"));
        long got = Long.parseLong(p.getProperty("received"));
        return "| " + watchers + " | " + client + " | " + ms(p.getProperty("p50us")) + " | " + ms(p.getProperty("p99us")) + " | " + ms(p.getProperty("maxus"))
                + " | " + (expected - got) + " of " + expected + " | " + p.getProperty("resumes") + " | " + p.getProperty("refusals") + " | " + p.getProperty("failures") + " | " + failedWrites + String.format(" (%.0f/s)", events * 1000.0 / Math.max(1, writeMillis)) + " | " + openMillis
                + " ms | " + String.format("%.1f s in %d s", kapiCpu / 1000.0, seconds) + " | "
                + String.format("%.1f s", (Long.parseLong(p.getProperty("cpuAtEndMs")) - Long.parseLong(p.getProperty("cpuAtReadyMs"))) / 1000.0)
                + " |\n";
    }

    private static String ms(String micros) {
        return String.format("%.1f ms", Long.parseLong(micros) / 1000.0);
    }

    @Test
    public void watchersOnTheirOwnConnections() throws Exception {
        StringBuilder md = new StringBuilder("| watchers | watch client | p50 | p99 | max | lost | watches resumed | refused (503/429, retried) | watchers failed | failed creates (rate sent) | all watching after | Kapi CPU | watch client CPU |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        try (Distribution dist = new Distribution("http1-watchers")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            // not measured: the JIT of Kapi's create and watch paths (a fresh JVM compiles them for seconds)
            System.out.print("[http1-watchers] warm-up " + row(dist, CLIENTS.get(0), 200, 1000));
            for (String client : CLIENTS) {
                for (int watchers : new int[] {500, 2000}) {
                    String r = row(dist, client, watchers);
                    System.out.print("[http1-watchers] " + r);
                    md.append(r);
                }
            }
        }
        Files.writeString(Path.of("target", "http1-watchers-benchmark.md"), md.toString());
        System.out.println(md);
    }
}
