package io.kapi.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;

/** The Pax Exam options that boot Kapi's own distribution, offline, on free loopback ports. */
final class KapiContainer {
    private KapiContainer() {
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The lowest port tried: above the registered services most machines run. */
    private static final int LOWEST = 15000;

    /**
     * A free port never handed out before in this JVM, below the kernel's ephemeral range. A port is handed out
     * seconds before the server binds it (Karaf starts first), and a port of the ephemeral range can be taken
     * meanwhile by any outgoing connection on the machine (ssh to Karaf's console, an earlier test's clients): the
     * server's bind then fails with "Address already in use" and the port answers "connection refused". Ports
     * below the range are never given to outgoing connections.
     */
    static int freePort() {
        // and below Kubernetes' node ports (30000-32767): on a machine that is also a node, kube-proxy redirects them
        int below = Math.min(ephemeralLow(), 30000);
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 10_000; tries++) {
            int port = below > LOWEST + 1000 ? random.nextInt(LOWEST, below) : 0;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(port)); // every address: free on loopback and the rest
                port = s.getLocalPort();
            } catch (IOException taken) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port below " + below);
    }

    /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
    static int ephemeralLow() {
        // in one read: a sysctl file answers end of file to a read at any offset but 0 (Files.readString reads
        // a file that reports size 0 one byte first, and got "3" of "32768")
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32768;
        }
    }

    /** {@link #options()}, and {@code kapi.benchmark.dir} naming itests/target, where a benchmark in the container writes its report. */
    static Option[] benchmarkOptions() {
        java.util.List<Option> options = new java.util.ArrayList<>(java.util.List.of(options()));
        options.add(org.ops4j.pax.exam.CoreOptions.systemProperty("kapi.benchmark.dir").value(new File("target").getAbsolutePath()));
        return options.toArray(new Option[0]);
    }

    static Option[] options() {
        String distribution = System.getProperty("kapi.distribution");
        String localRepo = System.getProperty("maven.repo.local");
        int securePort = freePort();
        return new Option[] {
            karafDistributionConfiguration().frameworkUrl(new File(distribution).toURI().toString())
                    .unpackDirectory(new File("target/exam")).useDeployFolder(false).name("Kapi"),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevelOption.LogLevel.WARN),
            // the probe and the exam feature come from the build's local repository (Pax Exam cannot fetch them from inside an offline Karaf)
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories",
                    "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,file:" + localRepo
                            + "@id=local@snapshots"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/io.kapi.server.cfg", "securePort", Integer.toString(securePort)),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port.secure", Integer.toString(securePort)),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
            systemProperty("kapi.test.securePort").value(Integer.toString(securePort)),
            keepRuntimeFolder(),
        };
    }
}
