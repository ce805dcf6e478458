package io.kapi.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real etcd (Debian's etcd-server, /usr/bin/etcd) on free loopback ports with its own data directory; stopped by its PID. */
final class EtcdServer implements AutoCloseable {
    final int clientPort = KapiContainer.freePort();
    private final int peerPort = KapiContainer.freePort();
    private final Path dataDir;
    private Process process;

    EtcdServer(Path dataDir) throws Exception {
        this.dataDir = dataDir;
        start();
    }

    /** Starts (again) on the same ports and data directory. */
    void start() throws Exception {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Files.createDirectories(dataDir);
        process = new ProcessBuilder("/usr/bin/etcd", "--name", "kapi-test", "--data-dir", dataDir.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "kapi-test=" + peer, "--experimental-watch-progress-notify-interval=1s")
                .redirectErrorStream(true).redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("etcd.log").toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + dataDir.resolveSibling("etcd.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(client + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("true")) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("etcd did not become healthy");
    }

    /** A fresh etcd for one test: {@code target/etcd/<name>/data}, emptied first (the log goes next to it). */
    static EtcdServer fresh(String name) throws Exception {
        Path dir = Path.of("target", "etcd", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return new EtcdServer(dir.resolve("data"));
    }

    String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** The etcd process's PID. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9 of etcd by its PID, waiting until it is gone; its data directory stays for {@link #start()}. */
    void kill9() throws Exception {
        ProcessHandle h = process.toHandle();
        new ProcessBuilder("kill", "-9", Long.toString(h.pid())).start().waitFor();
        h.onExit().get(30, TimeUnit.SECONDS);
    }

    /** How many keys etcd itself holds under {@code keyPrefix} (through its JSON gateway, count only). */
    long count(String keyPrefix) throws Exception {
        byte[] start = keyPrefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] end = start.clone();
        end[end.length - 1]++;
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/v3/kv/range")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + b64.encodeToString(start) + "\",\"range_end\":\""
                                + b64.encodeToString(end) + "\",\"count_only\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("etcd range: " + r.statusCode() + " " + r.body());
        }
        // the gateway leaves out a zero count
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"count\":\"?(\\d+)").matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Stops etcd (SIGTERM, then SIGKILL), keeping its data. */
    void stop() throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
