package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Kapi installed into an unmodified Apache Karaf 4.4.10 (org.apache.karaf:apache-karaf:4.4.10:tar.gz
 * from Maven Central), as the README says: feature:repo-add, feature:install kapi, and kubectl works
 * with the generated kubeconfig without a restart. Only Karaf's own ports, Kapi's port and loopback bind
 * address (its {@code etc/io.kapi.server.cfg}: tests talk to loopback only) are set, Pax Web's configuration
 * is not, and the console user Karaf ships commented out is enabled.
 */
public class StockKarafE2EIT {
    private static Path home;
    private static int securePort;
    private static Process karaf;

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        assertEquals(String.join(" ", cmd), 0, p.waitFor());
    }

    private static void set(String file, String key, String value) throws Exception {
        Path cfg = home.resolve(file);
        List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg)) : new ArrayList<>();
        lines.removeIf(l -> l.matches("\\s*" + java.util.regex.Pattern.quote(key) + "\\s*=.*"));
        lines.add(key + " = " + value);
        Files.write(cfg, lines);
    }

    /** One shell command through bin/client as the stock console user. */
    private static String shell(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", "karaf", "-p", "karaf", "-r", "30", "-d", "2", "-b")
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(command + " did not finish", p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(command + ": " + out, 0, p.exitValue());
        return out;
    }

    /**
     * What a failure needs to be understood once the Karaf folder is gone (CI prints only the assertion): Karaf's
     * warnings and errors, Jetty's connectors starting and stopping, the Pax Web configuration's changes, and
     * Kapi's port and Pax Web's settings as the files hold them.
     */
    private static String diagnosis() {
        StringBuilder b = new StringBuilder("\n--- Karaf's log (warnings, errors, connectors, configuration) ---\n");
        try {
            Path log = home.resolve("data/log/karaf.log");
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
            List<String> kept = lines.stream()
                    .filter(l -> l.contains("| WARN ") || l.contains("| ERROR ") || l.contains("Exception")
                            || l.matches(".*(Started|Stopped|Stopping|connector|Configuring server|configuration has change|"
                                    + "Pax Web configured|Pax Web's configuration|kubeconfig|Kapi ).*"))
                    .map(l -> l.length() > 400 ? l.substring(0, 400) + "…" : l)
                    .toList();
            kept.subList(Math.max(0, kept.size() - 60), kept.size()).forEach(l -> b.append(l).append('\n'));
            Path paxWeb = home.resolve("etc/org.ops4j.pax.web.cfg");
            b.append("--- etc/org.ops4j.pax.web.cfg (ports, enabled) ---\n");
            if (Files.exists(paxWeb)) {
                Files.readAllLines(paxWeb).stream().filter(l -> l.matches("\\s*org\\.osgi\\.service\\.http\\..*"))
                        .forEach(l -> b.append(l).append('\n'));
            }
            b.append("Kapi's port: ").append(securePort).append('\n');
        } catch (IOException | RuntimeException e) {
            b.append("(could not read: ").append(e).append(")\n");
        }
        return b.toString();
    }

    @BeforeClass
    public static void unpackAndStart() throws Exception {
        home = Path.of("target", "e2e", "stock-karaf").toAbsolutePath();
        if (Files.exists(home)) {
            run(Path.of("."), "rm", "-rf", home.toString());
        }
        Files.createDirectories(home);
        Path tarball = Path.of(System.getProperty("maven.repo.local"), "org/apache/karaf/apache-karaf/4.4.10/apache-karaf-4.4.10.tar.gz");
        run(home, "tar", "xzf", tarball.toString(), "-C", home.toString(), "--strip-components=1");
        // the stock console user, commented out in Karaf's users.properties
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users).replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
                .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
        securePort = KapiContainer.freePort();
        set("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(KapiContainer.freePort()));
        set("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(KapiContainer.freePort()));
        set("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(KapiContainer.freePort()));
        // Pax Web's configuration is left as the stock Karaf has it (none: its feature writes its defaults when installed,
        // which once stopped Kapi's HTTPS connector moments after it started)
        // Kapi's artifacts come from the Maven repository this build installed them into (~/.m2 by default)
        set("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", System.getProperty("maven.repo.local"));
        // Kapi's own settings, before the feature is installed: its port, loopback only
        set("etc/io.kapi.server.cfg", "securePort", Integer.toString(securePort));
        set("etc/io.kapi.server.cfg", "bindAddress", "127.0.0.1");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        karaf = pb.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (karaf != null) {
            karaf.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            karaf.destroyForcibly();
            karaf.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    public void featureInstallServesKubectlWithoutARestart() throws Exception {
        shell("feature:repo-add mvn:io.kapi/kapi-features/" + System.getProperty("kapi.version") + "/xml/features");
        shell("feature:install kapi");
        Path kubeconfig = home.resolve("etc/kapi/admin.kubeconfig");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Distribution.Result r = new Distribution.Result(-1, "");
        while (System.nanoTime() < deadline) {
            if (Files.exists(kubeconfig)) {
                Process p = new ProcessBuilder("kubectl", "--kubeconfig=" + kubeconfig, "get", "ns", "kube-system", "-o", "name")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(60, TimeUnit.SECONDS);
                r = new Distribution.Result(p.exitValue(), out);
                if (r.code() == 0) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        if (r.code() != 0) {
            fail(r.out() + diagnosis());
        }
        assertEquals("namespace/kube-system", r.out().trim());
        assertTrue(Files.readString(kubeconfig).contains("https://127.0.0.1:" + securePort));
        // and Kapi's settings are what Pax Web keeps (its feature writes its defaults into the same file, HTTP on 8181)
        Path paxWeb = home.resolve("etc/org.ops4j.pax.web.cfg");
        String kapiPort = "(?s).*org\\.osgi\\.service\\.http\\.port\\.secure\\s*=\\s*" + securePort + "\\b.*";
        long settled = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String cfg = "";
        while (System.nanoTime() < settled) {
            cfg = Files.exists(paxWeb) ? Files.readString(paxWeb) : "";
            if (cfg.matches(kapiPort)) {
                break;
            }
            Thread.sleep(250);
        }
        assertTrue(cfg, cfg.matches(kapiPort));
        assertTrue(cfg, cfg.matches("(?s).*org\\.osgi\\.service\\.http\\.secure\\.enabled\\s*=\\s*true.*"));
        assertTrue(cfg, cfg.matches("(?s).*org\\.osgi\\.service\\.http\\.enabled\\s*=\\s*false.*"));
        // and it stays up: answers a few seconds later too (a restart of Jetty in between is retried, as kubectl users would)
        Thread.sleep(3000);
        long again = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String out;
        int code;
        do {
            Process p = new ProcessBuilder("kubectl", "--kubeconfig=" + kubeconfig, "get", "ns", "default", "-o", "name").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            code = p.waitFor();
        } while (code != 0 && System.nanoTime() < again);
        if (code != 0) {
            fail(out + diagnosis());
        }
        assertEquals("namespace/default", out.trim());
    }
}
