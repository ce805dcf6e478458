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

    /** A free loopback port never handed out before in this JVM (the kernel may offer a just-closed port again). */
    static int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
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
