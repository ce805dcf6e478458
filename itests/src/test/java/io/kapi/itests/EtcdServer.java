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

    String endpoint() {
        return "http://127.0.0.1:" + clientPort;
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
