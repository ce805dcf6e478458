package io.kapi.itests;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The real distribution, unpacked and started as a user would (bin/karaf server), on free loopback
 * ports; stopped or killed by its PID.
 */
final class Distribution implements AutoCloseable {
    final Path home;
    final int securePort;
    private Process process;

    Distribution(String name) throws Exception {
        Path target = Path.of("target", "e2e", name).toAbsolutePath();
        if (Files.exists(target)) {
            run(List.of("rm", "-rf", target.toString()), Path.of("."));
        }
        Files.createDirectories(target);
        run(List.of("tar", "xzf", System.getProperty("kapi.distribution"), "-C", target.toString(), "--strip-components=1"), target);
        this.home = target;
        this.securePort = KapiContainer.freePort();
        Files.writeString(home.resolve("etc/io.kapi.server.cfg"), "securePort = " + securePort + "\n");
        setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(KapiContainer.freePort()));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(KapiContainer.freePort()));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(KapiContainer.freePort()));
    }

    /** Sets {@code key = value} in a Karaf .cfg file of this distribution. */
    void setProperty(String file, String key, String value) throws IOException {
        Path cfg = home.resolve(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg));
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*" + java.util.regex.Pattern.quote(key) + "\\s*=.*")) {
                lines.set(i, key + " = " + value);
                found = true;
            }
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Files.write(cfg, lines);
    }

    private static void run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("failed: " + cmd);
        }
    }

    void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = pb.start();
    }

    /** Milliseconds until /readyz answered 200. */
    long awaitReady(long startNanos) throws Exception {
        HttpClient client = insecureClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited: " + Files.readString(home.resolve("console.log")));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + securePort + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.exists(kubeconfig())) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready in 120 s; see " + home.resolve("data/log/karaf.log"));
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** https://127.0.0.1:securePort */
    String baseUrl() {
        return "https://127.0.0.1:" + securePort;
    }

    /** The admin bearer token, written to etc/kapi/tokens.csv at the first start. */
    String token() throws IOException {
        return Files.readAllLines(home.resolve("etc/kapi/tokens.csv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
    }

    /**
     * Writes etc/io.kapi.storage.etcd.cfg: from its next start Kapi serves from that etcd (the dormant
     * etcd bundle of the {@code kapi} feature activates on it), with {@code prefix} before every key.
     */
    void useEtcd(String endpoint, String prefix) throws IOException {
        Files.writeString(home.resolve("etc/io.kapi.storage.etcd.cfg"), "endpoints = " + endpoint + "\n"
                + (prefix.isEmpty() ? "" : "prefix = " + prefix + "\n"));
    }

    Path kubeconfig() {
        return home.resolve("etc/kapi/admin.kubeconfig");
    }

    static HttpClient insecureClient() throws Exception {
        return insecureClient(null);
    }

    /** The same, on one HTTP version (HTTP/1.1: one connection per request, so a hang-up is a real one); null: the default. */
    static HttpClient insecureClient(HttpClient.Version version) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(trustingAnyCertificate()).connectTimeout(Duration.ofSeconds(2));
        return (version == null ? builder : builder.version(version)).build();
    }

    /** A TLS context that trusts any server certificate: tests that check the API, not the chain (the kubectl test checks that). */
    static SSLContext trustingAnyCertificate() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ssl;
    }

    /**
     * kubectl {@code version} again every half second until {@code done} holds or {@code seconds} pass: for what
     * follows a change the server applies asynchronously (a group served once discovery shows it, a definition's
     * new state). The last result.
     */
    Result retry(String version, java.util.function.Predicate<Result> done, int seconds, String... args) throws Exception {
        Result r = kubectlVersion(version, args);
        for (long end = System.nanoTime() + seconds * 1_000_000_000L; !done.test(r) && System.nanoTime() < end; ) {
            Thread.sleep(500);
            r = kubectlVersion(version, args);
        }
        return r;
    }

    /** kubectl {@code version} ("" for the PATH's) with the admin kubeconfig, which must succeed: its output (stdout and stderr). */
    String ok(String version, String... args) throws Exception {
        Result r = kubectlVersion(version, args);
        org.junit.Assert.assertEquals("kubectl " + version + " " + String.join(" ", args) + " -> " + r.out(), 0, r.code());
        return r.out();
    }

    /** The same, for a command that must fail: its output. */
    String fails(String version, String... args) throws Exception {
        Result r = kubectlVersion(version, args);
        org.junit.Assert.assertTrue("kubectl " + version + " " + String.join(" ", args) + " should fail: " + r.out(), r.code() != 0);
        return r.out();
    }

    /** Runs kubectl (the one on the PATH) with the generated admin kubeconfig. */
    Result kubectl(String... args) throws Exception {
        return kubectlVersion("", args);
    }

    /**
     * Runs the kubectl of one minor version ({@code 1.27}: {@code kubectl.1.27} beside the real file the
     * PATH's kubectl links to), or the PATH's own for "".
     */
    Result kubectlVersion(String version, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(version.isEmpty() ? "kubectl" : kubectlBinary(version).toString());
        cmd.add("--kubeconfig=" + kubeconfig());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(120, TimeUnit.SECONDS);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs one Karaf shell command through bin/client (which logs the local operator in). */
    Result client(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-b").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Path kubectlBinary(String version) throws IOException {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path onPath = Path.of(dir, "kubectl");
            if (Files.isExecutable(onPath)) {
                Path versioned = onPath.toRealPath().getParent().resolve("kubectl." + version);
                if (!Files.isExecutable(versioned)) {
                    throw new IOException("no kubectl " + version + " at " + versioned);
                }
                return versioned;
            }
        }
        throw new IOException("no kubectl on the PATH");
    }

    Process kubectlBackground(File output, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("kubectl");
        cmd.add("--kubeconfig=" + kubeconfig());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output).start();
    }

    record Result(int code, String out) {
    }

    /** kill -9 of Karaf's JVM (and its launcher script). */
    void kill9() throws Exception {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            new ProcessBuilder("kill", "-9", Long.toString(h.pid())).start().waitFor();
        }
        for (ProcessHandle h : all) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** Graceful stop (SIGTERM to Karaf's JVM and its launcher), waiting until every process is gone. */
    void stop() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            h.destroy();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                new ProcessBuilder("kill", "-9", Long.toString(h.pid())).start().waitFor();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
