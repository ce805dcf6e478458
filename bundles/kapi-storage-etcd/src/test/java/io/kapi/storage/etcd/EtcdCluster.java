package io.kapi.storage.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three real etcd members on loopback (Debian's {@code /usr/bin/etcd}), each with its own ports and
 * data directory, started and stopped, paused and resumed by their PIDs only.
 */
final class EtcdCluster implements AutoCloseable {

    static final int SIZE = 3;

    private final Path dir;
    private final int[] clientPorts = new int[SIZE];
    private final int[] peerPorts = new int[SIZE];
    private final Process[] members = new Process[SIZE];
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdCluster(Path dir) {
        this.dir = dir;
    }

    static EtcdCluster start() throws Exception {
        Path dir = Files.createTempDirectory("kapi-etcd-cluster");
        EtcdCluster c = new EtcdCluster(dir);
        try {
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            for (int i = 0; i < SIZE; i++) {
                c.clientPorts[i] = listenPort(taken);
                c.peerPorts[i] = listenPort(taken);
            }
            StringBuilder initial = new StringBuilder();
            for (int i = 0; i < SIZE; i++) {
                initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(c.peerPorts[i]);
            }
            for (int i = 0; i < SIZE; i++) {
                c.launch(i, initial.toString());
            }
            for (int i = 0; i < SIZE; i++) {
                c.awaitHealthy(i, Duration.ofSeconds(30));
            }
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void launch(int i, String initial) throws IOException {
        String client = endpoint(i);
        String peer = "http://127.0.0.1:" + peerPorts[i];
        members[i] = new ProcessBuilder(EtcdProcess.binary().toString(), "--name", "m" + i,
                "--data-dir", dir.resolve("m" + i).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", "kapi-test-" + dir.getFileName(),
                "--log-level", "warn", "--logger", "zap")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + i + ".log").toFile()))
                .start();
    }

    String endpoint(int i) {
        return "http://127.0.0.1:" + clientPorts[i];
    }

    String[] endpoints() {
        String[] e = new String[SIZE];
        for (int i = 0; i < SIZE; i++) {
            e[i] = endpoint(i);
        }
        return e;
    }

    private void awaitHealthy(int i, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!members[i].isAlive()) {
                throw new IllegalStateException("etcd m" + i + " exited, see " + dir.resolve("m" + i + ".log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd m" + i + " not healthy within " + timeout);
    }

    /** The member that is the leader now (asked over etcd's JSON gateway), waiting up to 30 s for there to be one. */
    int leader() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Pattern field = Pattern.compile("\"(member_id|leader)\":\"?(\\d+)");
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < SIZE; i++) {
                if (members[i] == null || !members[i].isAlive()) {
                    continue;
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/v3/maintenance/status"))
                            .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String member = null;
                    String leader = null;
                    Matcher m = field.matcher(r.body());
                    while (m.find()) {
                        if (m.group(1).equals("member_id")) {
                            member = m.group(2);
                        } else {
                            leader = m.group(2);
                        }
                    }
                    if (member != null && member.equals(leader)) {
                        return i;
                    }
                } catch (IOException notAnswering) {
                    // next member
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no etcd leader within 30 s");
    }

    long pid(int i) {
        return members[i].pid();
    }

    /** kill -9 of member {@code i}, by its PID, waiting until it is gone. */
    void kill9(int i) throws Exception {
        signal(i, "-9");
        members[i].onExit().get(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP of member {@code i}: it keeps its connections but answers nothing. */
    void pause(int i) throws Exception {
        signal(i, "-STOP");
    }

    /** SIGCONT of a paused member. */
    void resume(int i) throws Exception {
        signal(i, "-CONT");
    }

    private void signal(int i, String signal) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(members[i].pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        for (Process p : members) {
            if (p != null && p.isAlive()) {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
                p.destroy();
            }
        }
        for (Process p : members) {
            if (p != null && !p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        EtcdProcess.deleteTree(dir);
    }

    /**
     * A free loopback port, not in {@code taken}, below Linux's ephemeral range (32768 on): the members are started one
     * after the other and the first ones connect out to their peers at once, from ephemeral ports, which could take a
     * port chosen for a member not started yet (seen: a member exiting at start, its address in use).
     */
    private static int listenPort(java.util.Set<Integer> taken) throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20000 + random.nextInt(12000);
            if (taken.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                taken.add(port);
                return s.getLocalPort();
            } catch (IOException inUse) {
                // another one
            }
        }
        throw new IOException("no free port below the ephemeral range");
    }

    static List<Integer> others(int i) {
        List<Integer> o = new ArrayList<>();
        for (int j = 0; j < SIZE; j++) {
            if (j != i) {
                o.add(j);
            }
        }
        return o;
    }
}
