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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * CPU per request (a benchmark, not a test: {@code mvn -o verify -pl itests -Dit.test=CpuPerRequestBenchmark};
 * writes {@code itests/target/cpu-per-request.md}). The load comes from {@code wrk} (Debian's package, its own
 * process; HTTPS with keep-alive, HTTP/1.1) against the real distribution on the embedded store: GETs of one
 * ConfigMap, creates of ConfigMaps with a generated name, unconditional updates (PUT without a resourceVersion)
 * of 64 ConfigMaps. Each figure is the server's CPU time (user + system, from the process) divided by the
 * operations, the median of {@link #ROUNDS} rounds; wrk's own CPU is reported beside it, so a saturated client
 * shows. Jetty's own hello world over HTTPS ({@link HelloJetty}, in a JVM of its own) runs in the same rounds:
 * the HTTP ceiling of this machine. With {@code -Dkapi.bench.jfr=true} each Kapi operation is then profiled
 * once more with JDK Flight Recorder and its hottest frames are written into the report.
 */
public class CpuPerRequestBenchmark {
    private static final int ROUNDS = Integer.getInteger("kapi.bench.rounds", 3);
    private static final int SECONDS = Integer.getInteger("kapi.bench.seconds", 10);
    private static final String CREATE_LUA = """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"c-","namespace":"bench"},"data":{"k":"v"}}'
            """;
    private static final String UPDATE_LUA = """
            local n = 0
            request = function()
              n = n + 1
              local name = "u" .. (n % 64)
              local h = {}
              for k, v in pairs(wrk.headers) do h[k] = v end
              h["Content-Type"] = "application/json"
              return wrk.format("PUT", "/api/v1/namespaces/bench/configmaps/" .. name, h,
                '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' .. name .. '","namespace":"bench"},"data":{"k":"' .. n .. '"}}')
            end
            """;

    /** One wrk run: operations, errors, the server's and wrk's CPU. */
    record Run(long ops, long errors, double perSecond, long serverCpuMillis, long clientCpuMillis) {
        double serverMicrosPerOp() {
            return ops == 0 ? 0 : serverCpuMillis * 1000.0 / ops;
        }

        double clientMicrosPerOp() {
            return ops == 0 ? 0 : clientCpuMillis * 1000.0 / ops;
        }
    }

    @Test
    public void cpuPerRequest() throws Exception {
        assertTrue("wrk is needed: apt-get install -y wrk", Files.isExecutable(Path.of("/usr/bin/wrk")));
        Path work = Files.createTempDirectory("cpu-bench");
        Path createLua = Files.writeString(work.resolve("create.lua"), CREATE_LUA);
        Path updateLua = Files.writeString(work.resolve("update.lua"), UPDATE_LUA);
        Path keyStore = work.resolve("hello.p12");
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "hello",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "hello-bench"));
        int helloPort = KapiContainer.freePort();
        Process hello = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"), HelloJetty.class.getName(),
                Integer.toString(helloPort), keyStore.toString(), "hello-bench")
                .redirectErrorStream(true).redirectOutput(work.resolve("hello.log").toFile()).start();
        try (Distribution dist = new Distribution("cpu-bench")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            long kapi = ApiBenchmark.karafPid(dist);
            String auth = "Authorization: Bearer " + dist.token();
            prepare(dist);
            awaitListening(helloPort);
            String kapiUrl = dist.baseUrl();
            String helloUrl = "https://127.0.0.1:" + helloPort + "/";
            String get = kapiUrl + "/api/v1/namespaces/bench/configmaps/g";
            String creates = kapiUrl + "/api/v1/namespaces/bench/configmaps";
            Map<String, List<String>> loads = new LinkedHashMap<>();
            loads.put("Jetty hello world, GET (c64)", List.of("-c64", helloUrl));
            loads.put("Kapi GET (c64)", List.of("-c64", "-H", auth, get));
            loads.put("Kapi create (c64)", List.of("-c64", "-s", createLua.toString(), "-H", auth, creates));
            loads.put("Kapi update (c16)", List.of("-c16", "-s", updateLua.toString(), "-H", auth, kapiUrl));
            // warm-up: both JVMs compile what they run
            for (Map.Entry<String, List<String>> load : loads.entrySet()) {
                wrk(load.getKey().startsWith("Jetty") ? hello.pid() : kapi, 8, load.getValue());
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, List<String>> load : loads.entrySet()) {
                    Run r = wrk(load.getKey().startsWith("Jetty") ? hello.pid() : kapi, SECONDS, load.getValue());
                    runs.computeIfAbsent(load.getKey(), k -> new ArrayList<>()).add(r);
                    System.out.printf("CPU-PER-REQUEST: %s round %d: %d ops, %.0f/s, %d errors, server %.0f µs/op, wrk %.0f µs/op%n",
                            load.getKey(), round + 1, r.ops(), r.perSecond(), r.errors(), r.serverMicrosPerOp(), r.clientMicrosPerOp());
                }
            }
            StringBuilder report = new StringBuilder("# CPU per request\n\n");
            report.append("Median of ").append(ROUNDS).append(" rounds of ").append(SECONDS)
                    .append(" s each, wrk over HTTPS (HTTP/1.1, keep-alive), after a warm-up round; load ")
                    .append(String.format("%.2f", loadAverage())).append(" at the end.\n\n")
                    .append("| load | ops/s | server CPU per op | wrk CPU per op | errors | rounds (server µs/op) |\n|---|---|---|---|---|---|\n");
            for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
                List<Run> rs = e.getValue();
                report.append(String.format("| %s | %.0f | %.0f µs | %.0f µs | %d | %s |%n", e.getKey(),
                        median(rs.stream().map(Run::perSecond).toList()),
                        median(rs.stream().map(Run::serverMicrosPerOp).toList()),
                        median(rs.stream().map(Run::clientMicrosPerOp).toList()),
                        rs.stream().mapToLong(Run::errors).sum(),
                        rs.stream().map(r -> String.format("%.0f", r.serverMicrosPerOp())).toList()));
            }
            if (Boolean.getBoolean("kapi.bench.jfr")) {
                for (Map.Entry<String, List<String>> load : loads.entrySet()) {
                    if (!load.getKey().startsWith("Jetty")) {
                        report.append("\n").append(profile(kapi, work, load.getKey(), load.getValue()));
                    }
                }
            }
            Files.writeString(Path.of("target", "cpu-per-request.md"), report.toString());
            System.out.println(report);
        } finally {
            hello.destroy();
            if (!hello.waitFor(30, TimeUnit.SECONDS)) {
                hello.destroyForcibly();
            }
        }
    }

    /** The namespace, the ConfigMap the GETs read and the 64 the updates write. */
    private static void prepare(Distribution dist) throws Exception {
        HttpClient client = Distribution.insecureClient();
        String token = dist.token();
        post(client, dist.baseUrl() + "/api/v1/namespaces", token, "{\"metadata\":{\"name\":\"bench\"}}");
        post(client, dist.baseUrl() + "/api/v1/namespaces/bench/configmaps", token, "{\"metadata\":{\"name\":\"g\"},\"data\":{\"a\":\"b\"}}");
        for (int i = 0; i < 64; i++) {
            post(client, dist.baseUrl() + "/api/v1/namespaces/bench/configmaps", token,
                    "{\"metadata\":{\"name\":\"u" + i + "\"},\"data\":{\"a\":\"b\"}}");
        }
    }

    private static void post(HttpClient client, String url, String token, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(url + ": " + r.statusCode() + " " + r.body(), r.statusCode() == 201);
    }

    private static void awaitListening(int port) throws Exception {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); ; ) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                assertTrue("Jetty's hello world did not start", System.nanoTime() < end);
                Thread.sleep(200);
            }
        }
    }

    /**
     * Runs wrk for {@code seconds} with one thread; the server's CPU is read around it, wrk's own from its
     * shell's children times ({@code /proc/<shell>/stat} after wrk exited).
     */
    static Run wrk(long serverPid, int seconds, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-d" + seconds + "s", "--timeout", "10s"));
        cmd.addAll(args);
        String script = "\"$@\"; echo; echo WRK-STAT $(cat /proc/$$/stat)";
        List<String> shell = new ArrayList<>(List.of("bash", "-c", script, "wrk"));
        shell.addAll(cmd);
        long cpu0 = ApiBenchmark.cpuMillis(serverPid);
        Process p = new ProcessBuilder(shell).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        long cpu = ApiBenchmark.cpuMillis(serverPid) - cpu0;
        Matcher ops = Pattern.compile("(\\d+) requests in").matcher(out);
        Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        assertTrue("wrk: " + out, ops.find() && rps.find());
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        long errors = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        long clientCpu = -1;
        Matcher stat = Pattern.compile("WRK-STAT \\d+ \\(.*?\\) (.*)").matcher(out);
        if (stat.find()) {
            // after the comm field: state is field 3, cutime and cstime are fields 16 and 17 (clock ticks of 10 ms)
            String[] f = stat.group(1).trim().split("\\s+");
            clientCpu = (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
        }
        return new Run(Long.parseLong(ops.group(1)), errors, Double.parseDouble(rps.group(1)), cpu, clientCpu);
    }

    /** One more run of {@code load} under JDK Flight Recorder: the frames the server's CPU went to. */
    private static String profile(long pid, Path work, String name, List<String> load) throws Exception {
        Path recording = work.resolve(name.replaceAll("\\W+", "-") + ".jfr");
        String bin = Path.of(System.getProperty("java.home"), "bin").toString();
        run(List.of(bin + "/jcmd", Long.toString(pid), "JFR.start", "name=bench", "settings=profile", "filename=" + recording));
        wrk(pid, SECONDS, load);
        run(List.of(bin + "/jcmd", Long.toString(pid), "JFR.stop", "name=bench"));
        Process p = new ProcessBuilder(bin + "/jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96",
                recording.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return JfrFrames.summary(name, text, 15);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cmd + ": " + out, p.waitFor() == 0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double loadAverage() throws Exception {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /**
     * Hottest frames of a {@code jfr print} of execution samples: by own time, and each sample charged to
     * the Kapi frame nearest the top of its stack (with its line), so that the libraries a Kapi line calls
     * count for that line.
     */
    static final class JfrFrames {
        private JfrFrames() {
        }

        static String summary(String name, String jfrPrint, int top) {
            Pattern frame = Pattern.compile("^\\s+([\\w$.<>/]+)\\(.*?line: (\\d+)", Pattern.MULTILINE);
            Map<String, Integer> self = new TreeMap<>();
            Map<String, Integer> nearest = new TreeMap<>();
            int samples = 0;
            for (String sample : jfrPrint.split("jdk.ExecutionSample")) {
                Matcher m = frame.matcher(sample);
                String first = null;
                String kapi = null;
                while (m.find()) {
                    if (first == null) {
                        first = m.group(1);
                    }
                    if (kapi == null && m.group(1).startsWith("io.kapi.")) {
                        kapi = m.group(1) + ":" + m.group(2);
                    }
                }
                if (first == null) {
                    continue;
                }
                samples++;
                self.merge(first, 1, Integer::sum);
                nearest.merge(kapi == null ? "(no Kapi frame: Jetty, TLS, the JDK)" : kapi, 1, Integer::sum);
            }
            StringBuilder out = new StringBuilder("### JFR: " + name + " (" + samples + " samples)\n\nOwn time:\n\n");
            append(out, self, samples, top);
            out.append("\nCharged to the nearest Kapi frame:\n\n");
            append(out, nearest, samples, top);
            return out.toString();
        }

        private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                    .forEach(e -> out.append(String.format("- %.1f %% `%s`%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
        }
    }
}
