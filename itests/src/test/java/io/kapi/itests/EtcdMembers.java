package io.kapi.itests;

import java.io.IOException;
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
 * A cluster of real etcd members (Debian's etcd-server, /usr/bin/etcd) on loopback, each with its own
 * client and peer ports and its own data directory under {@code target/etcd/<name>/m<i>}; every process
 * is started, killed, paused, resumed and stopped by its PID only.
 */
final class EtcdMembers implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] members;
    private final String initialCluster;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdMembers(Path dir, int size) {
        this.dir = dir;
        this.size = size;
        this.clientPorts = new int[size];
        this.peerPorts = new int[size];
        this.members = new Process[size];
        StringBuilder initial = new StringBuilder();
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int i = 0; i < size; i++) {
            clientPorts[i] = listenPort(taken);
            peerPorts[i] = listenPort(taken);
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peerPorts[i]);
        }
        this.initialCluster = initial.toString();
    }

    /** A fresh cluster of {@code size} members in {@code target/etcd/<name>}, emptied first; returns once every member is healthy. */
    static EtcdMembers fresh(String name, int size) throws Exception {
        Path dir = Path.of("target", "etcd", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        EtcdMembers c = new EtcdMembers(dir, size);
        try {
            for (int i = 0; i < size; i++) {
                c.launch(i);
            }
            for (int i = 0; i < size; i++) {
                c.awaitHealthy(i, Duration.ofSeconds(60));
            }
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void launch(int i) throws IOException {
        String client = endpoint(i);
        String peer = "http://127.0.0.1:" + peerPorts[i];
        // on a restart the data directory holds the membership; the initial-cluster flags are then ignored
        members[i] = new ProcessBuilder("/usr/bin/etcd", "--name", "m" + i, "--data-dir", dir.resolve("m" + i).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "kapi-" + dir.getFileName(),
                "--experimental-watch-progress-notify-interval=1s")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + i + ".log").toFile())).start();
    }

    /** Starts member {@code i} again on its ports and data; returns once it answers /health. */
    void restart(int i) throws Exception {
        if (members[i] != null && members[i].isAlive()) {
            throw new IllegalStateException("m" + i + " is running");
        }
        launch(i);
        awaitHealthy(i, Duration.ofSeconds(60));
    }

    int size() {
        return size;
    }

    String endpoint(int i) {
        return "http://127.0.0.1:" + clientPorts[i];
    }

    /** Every member's client URL, comma-separated, as etc/io.kapi.storage.etcd.cfg takes them. */
    String endpoints() {
        List<String> e = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            e.add(endpoint(i));
        }
        return String.join(",", e);
    }

    private void awaitHealthy(int i, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!members[i].isAlive()) {
                throw new IllegalStateException("etcd m" + i + " exited with " + members[i].exitValue() + "; see " + dir.resolve("m" + i + ".log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // starting, or no leader yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd m" + i + " not healthy within " + timeout + "; see " + dir.resolve("m" + i + ".log"));
    }

    /**
     * The member that is leader now, by etcd's Maintenance/Status (its JSON gateway, POST
     * /v3/maintenance/status: {@code header.member_id == leader}), asking the running members; -1
     * when none says it is leader within {@code timeout}.
     */
    int leader(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern field = Pattern.compile("\"(member_id|leader)\":\"?(\\d+)");
        do {
            for (int i = 0; i < size; i++) {
                if (!isRunning(i)) {
                    continue;
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/v3/maintenance/status"))
                            .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String member = null;
                    String leader = null;
                    for (Matcher m = field.matcher(r.body()); m.find(); ) {
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
                    // the next member
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return -1;
    }

    private boolean isRunning(int i) {
        return members[i] != null && members[i].isAlive();
    }

    long pid(int i) {
        return members[i].pid();
    }

    /** kill -9 of member {@code i} by its PID, waiting until it is gone; its data stays for {@link #restart}. */
    void kill9(int i) throws Exception {
        signal(i, "-9");
        members[i].onExit().get(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP of member {@code i}: it keeps its sockets open but answers nothing. */
    void pause(int i) throws Exception {
        signal(i, "-STOP");
    }

    /** SIGCONT of member {@code i}. */
    void resume(int i) throws Exception {
        signal(i, "-CONT");
    }

    private void signal(int i, String signal) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(members[i].pid())).inheritIO().start().waitFor();
    }

    /** Stops every member this started (resumed first, in case it is paused): SIGTERM, then SIGKILL; data stays. */
    @Override
    public void close() throws Exception {
        for (Process p : members) {
            if (p != null && p.isAlive()) {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
                p.destroy();
            }
        }
        for (Process p : members) {
            if (p != null && !p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A free loopback port, not in {@code taken}, below Linux's ephemeral range (32768 on): the members start one after
     * the other and the first connect out to their peers at once, from ephemeral ports, which could take a port chosen
     * for a member not started yet.
     */
    private static int listenPort(java.util.Set<Integer> taken) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20000 + random.nextInt(12000);
            if (!taken.contains(port)) {
                try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                    taken.add(port);
                    return port;
                } catch (IOException inUse) {
                    // another one
                }
            }
        }
        throw new IllegalStateException("no free port below the ephemeral range");
    }
}
