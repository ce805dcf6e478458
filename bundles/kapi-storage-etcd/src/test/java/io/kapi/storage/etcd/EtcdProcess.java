package io.kapi.storage.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd for tests: Debian's {@code /usr/bin/etcd} (package {@code etcd-server}) on free
 * loopback ports with its own data directory, started and stopped by this JVM only (by its PID),
 * and restartable on the same ports and data.
 */
public final class EtcdProcess implements AutoCloseable {

    /** Where Debian's etcd-server puts the binary; ETCD_BINARY overrides it. */
    public static Path binary() {
        String env = System.getenv("ETCD_BINARY");
        Path p = Paths.get(env == null || env.isBlank() ? "/usr/bin/etcd" : env);
        return Files.isExecutable(p) ? p : null;
    }

    private final Path dir;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraArgs;
    private final String scheme;
    private Process process;

    private EtcdProcess(Path dir, int clientPort, int peerPort, String scheme, List<String> extraArgs) {
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.scheme = scheme;
        this.extraArgs = extraArgs;
    }

    /** Starts a plain-http etcd; {@code extraArgs} are added to the command line. */
    public static EtcdProcess start(String... extraArgs) throws Exception {
        return start("http", List.of(extraArgs));
    }

    /** Starts etcd serving its client port with {@code scheme} (https needs TLS flags in extraArgs). */
    public static EtcdProcess start(String scheme, List<String> extraArgs) throws Exception {
        Path bin = binary();
        if (bin == null) {
            throw new IllegalStateException("no etcd binary: apt-get install -y etcd-server");
        }
        Path dir = Files.createTempDirectory("kapi-etcd-test");
        Exception last = null;
        // A port found free can be taken by someone else before etcd binds it: retry with new ones.
        for (int attempt = 0; attempt < 3; attempt++) {
            EtcdProcess etcd = new EtcdProcess(dir, freePort(), freePort(), scheme, extraArgs);
            try {
                etcd.launch();
                return etcd;
            } catch (Exception e) {
                last = e;
                etcd.stop();
                deleteTree(etcd.dataDir);
            }
        }
        deleteTree(dir);
        throw last;
    }

    public String endpoint() {
        return scheme + "://127.0.0.1:" + clientPort;
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public Path dir() {
        return dir;
    }

    private void launch() throws Exception {
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(binary().toString(),
                "--name", "kapi-test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "kapi-test=" + peer,
                "--log-level", "warn",
                "--logger", "zap"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
                .start();
        awaitHealthy(Duration.ofSeconds(20));
    }

    /** Waits until the client port answers {@code /health} (over plain http only). */
    private void awaitHealthy(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + ", see " + dir.resolve("etcd.log"));
            }
            if (!"http".equals(scheme)) {
                // https health needs the test's client certificate; a TCP connect is enough here.
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", clientPort)) {
                    Thread.sleep(300);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                    continue;
                }
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd not healthy within " + timeout + ", see " + dir.resolve("etcd.log"));
    }

    /** Stops etcd (SIGTERM to its PID, SIGKILL after 10 s); the data directory stays. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts etcd again on the same ports and data directory. */
    public void restart() throws Exception {
        stop();
        launch();
    }

    /** Stops etcd and deletes its directory. */
    @Override
    public void close() throws Exception {
        stop();
        deleteTree(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
