package io.kapi.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.Test;

/**
 * A connection storm (not a test: {@code mvn -o verify -pl itests -Dit.test=ConnectionStormBenchmark}; writes
 * {@code itests/target/connection-storm-benchmark.md}): 2000 clients, each on its own thread, released at once,
 * each opening its own TCP connection, doing the TLS handshake and one {@code GET /livez} over HTTP/1.1, then
 * holding the connection until every client is done (as watchers would). Run against the real distribution
 * twice, side by side: with the JDK's listen backlog of 50 (what Kapi listened with before, set by
 * {@code io.kapi.server.acceptQueueSize=50}) and with the default, Go's (the system's somaxconn). A client
 * gives up after 10 s of connecting or 30 s of waiting for the answer. The kernel's listen-overflow counter
 * ({@code nstat TcpExtListenOverflows}) is read around each storm. Then twice from h2load (Debian's
 * nghttp2-client) in its own process, whose handshakes cost far less than the JDK's, on a distribution of its
 * own, with Kapi's CPU and h2load's beside the times.
 */
public class ConnectionStormBenchmark {
    private static final int CLIENTS = Integer.getInteger("kapi.storm.clients", 2000);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    record Storm(String label, String backlog, int ok, Map<String, Integer> failures, List<Long> millis, long allDoneMillis,
                 long listenOverflows) {
    }

    private static long listenOverflows() throws Exception {
        Process p = new ProcessBuilder("nstat", "-az", "TcpExtListenOverflows").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("TcpExtListenOverflows")) {
                return Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        return -1;
    }

    private static String backlog(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        ss.waitFor();
        String[] cols = out.split("\\s+");
        return cols.length > 2 ? cols[2] : out;
    }

    private static Storm storm(String label, String acceptQueueSize) throws Exception {
        try (Distribution dist = new Distribution("storm-" + label)) {
            if (acceptQueueSize != null) {
                dist.setProperty("etc/system.properties", "io.kapi.server.acceptQueueSize", acceptQueueSize);
            }
            dist.start();
            dist.awaitReady(System.nanoTime());
            SSLSocketFactory tls = Distribution.trustingAnyCertificate().getSocketFactory();
            int port = dist.securePort;
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(CLIENTS);
            CountDownLatch release = new CountDownLatch(1);
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            AtomicInteger ok = new AtomicInteger();
            long overflowsBefore = listenOverflows();
            List<Thread> threads = new ArrayList<>();
            long[] start = new long[1];
            for (int i = 0; i < CLIENTS; i++) {
                Thread t = new Thread(() -> {
                    Socket raw = new Socket();
                    try {
                        go.await();
                        raw.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
                        raw.setSoTimeout(READ_TIMEOUT_MS);
                        SSLSocket s = (SSLSocket) tls.createSocket(raw, "127.0.0.1", port, true);
                        s.startHandshake();
                        OutputStream out = s.getOutputStream();
                        out.write(("GET /livez HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                        if (status != null && status.startsWith("HTTP/1.1 200")) {
                            ok.incrementAndGet();
                            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start[0]));
                        } else {
                            failures.merge("answer " + status, 1, Integer::sum);
                        }
                        done.countDown();
                        release.await(); // held open, as a watcher's connection is
                    } catch (SocketTimeoutException e) {
                        failures.merge(raw.isConnected() ? "read timeout" : "connect timeout (" + CONNECT_TIMEOUT_MS / 1000 + " s)", 1, Integer::sum);
                        done.countDown();
                    } catch (IOException e) {
                        failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        done.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        try {
                            raw.close();
                        } catch (IOException ignored) {
                            // the storm is over
                        }
                    }
                }, "storm-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            start[0] = System.nanoTime();
            go.countDown();
            done.await(2, TimeUnit.MINUTES);
            long allDone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start[0]);
            long overflows = listenOverflows() - overflowsBefore;
            release.countDown();
            for (Thread t : threads) {
                t.join(5000);
            }
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return new Storm(label, backlog(port), ok.get(), new TreeMap<>(failures), sorted, allDone, overflows);
        }
    }

    /** What h2load reported for one storm, with its own CPU and Kapi's. */
    record H2loadStorm(String label, String summary, long kapiCpuMillis, String clientCpu) {
    }

    /**
     * The same storm from h2load (nghttp2-client, C and OpenSSL) in its own process, on one thread: all
     * {@code CLIENTS} connections opened at once, each with its TLS handshake and one HTTP/1.1
     * {@code GET /livez}. A client whose own handshakes are cheap, so that what is measured is the server;
     * {@code rounds} storms one after the other on the same distribution, the first on a cold JVM.
     */
    private static List<H2loadStorm> h2loadStorms(int rounds) throws Exception {
        List<H2loadStorm> out = new ArrayList<>();
        try (Distribution dist = new Distribution("storm-h2load")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            long karaf = ApiBenchmark.karafPid(dist);
            for (int round = 0; round < rounds; round++) {
                long cpu0 = ApiBenchmark.cpuMillis(karaf);
                Process p = new ProcessBuilder("/usr/bin/time", "-f", "client CPU %U s user + %S s system, %e s",
                        "h2load", "--h1", "-c", Integer.toString(CLIENTS), "-n", Integer.toString(CLIENTS),
                        "https://127.0.0.1:" + dist.securePort + "/livez").redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("h2load failed:\n" + text);
                }
                long kapiCpu = ApiBenchmark.cpuMillis(karaf) - cpu0;
                StringBuilder summary = new StringBuilder();
                String clientCpu = "";
                for (String line : text.split("\n")) {
                    if (line.startsWith("finished in") || line.startsWith("requests:") || line.startsWith("status codes:")
                            || line.startsWith("time for connect:") || line.startsWith("time to 1st byte:")) {
                        summary.append(line.trim()).append("; ");
                    } else if (line.startsWith("client CPU")) {
                        clientCpu = line.trim();
                    }
                }
                out.add(new H2loadStorm(round == 0 ? "h2load, cold" : "h2load, again", summary.toString(), kapiCpu, clientCpu));
            }
        }
        return out;
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    @Test
    public void aStormOfClientsConnectingAtOnce() throws Exception {
        List<Storm> storms = List.of(storm("jdk-backlog-50", "50"), storm("somaxconn", null));
        StringBuilder md = new StringBuilder("| listen backlog (ss Send-Q) | answered | failed | p50 | p99 | max | all done | listen overflows |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Storm s : storms) {
            md.append("| ").append(s.label()).append(" (").append(s.backlog()).append(") | ").append(s.ok()).append(" / ").append(CLIENTS)
                    .append(" | ").append(s.failures().isEmpty() ? "0" : s.failures().toString()).append(" | ")
                    .append(pct(s.millis(), 0.5)).append(" ms | ").append(pct(s.millis(), 0.99)).append(" ms | ")
                    .append(s.millis().isEmpty() ? -1 : s.millis().get(s.millis().size() - 1)).append(" ms | ")
                    .append(s.allDoneMillis()).append(" ms | ").append(s.listenOverflows()).append(" |\n");
        }
        md.append("\nThe same storm from h2load in its own process (Go's backlog), time columns min / max / mean / sd:\n\n")
                .append("| storm | h2load's report | Kapi CPU | h2load CPU |\n|---|---|---|---|\n");
        for (H2loadStorm h : h2loadStorms(2)) {
            md.append("| ").append(h.label()).append(" | ").append(h.summary()).append(" | ").append(h.kapiCpuMillis())
                    .append(" ms | ").append(h.clientCpu()).append(" |\n");
        }
        Path out = Path.of("target", "connection-storm-benchmark.md");
        Files.writeString(out, md.toString());
        System.out.println(md);
    }
}
