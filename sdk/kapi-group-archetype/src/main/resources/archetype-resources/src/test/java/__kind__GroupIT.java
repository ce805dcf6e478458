package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.kapi.api.server.KapiRuntime;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;

/**
 * The bundle in a real Kapi: Pax Exam boots the Kapi distribution (from the local repository), installs
 * this project's jar, waits for the group to be served and creates, reads and lists a ${kind} over HTTPS.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ${kind}GroupIT {
    /** Kapi's HTTPS port: chosen where Pax Exam configures the container, read in it (the test runs in Karaf's JVM). */
    private static final String PORT_PROPERTY = "kapi.test.securePort";

    @Inject
    KapiRuntime runtime;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        String localRepo = System.getProperty("maven.repo.local");
        String port = Integer.toString(freePort());
        return new Option[] {
            karafDistributionConfiguration().frameworkUrl(new File(System.getProperty("kapi.distribution")).toURI().toString())
                    .unpackDirectory(new File("target/exam")).useDeployFolder(false).name("Kapi"),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevelOption.LogLevel.WARN),
            // Pax Exam's own bundles come from the local repository
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories",
#[[                    "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,file:" + localRepo + "@id=local@snapshots"),]]#
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/io.kapi.server.cfg", "securePort", port),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port.secure", port),
            systemProperty(PORT_PROPERTY).value(port),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
            // the bundle under test, as this build packaged it
            bundle(new File(System.getProperty("kapi.bundle")).toURI().toString()),
        };
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    @Test
    public void theGroupIsServed() throws Exception {
        // the probe holds only the test classes: the group is named here, not read from the provider class
        String base = "https://127.0.0.1:" + Integer.getInteger(PORT_PROPERTY) + "/apis/${apiGroup}/v1/namespaces/default/${plural}";
        HttpResponse<String> created = retry(() -> send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"${apiGroup}/v1\",\"kind\":\"${kind}\","
                        + "\"metadata\":{\"name\":\"first\"},\"spec\":{\"color\":\"blue\"}}"))));
        assertEquals(created.body(), 201, created.statusCode());
        assertTrue(created.body(), created.body().contains("\"size\":1"));
        HttpResponse<String> invalid = send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"second\"},\"spec\":{\"size\":0}}")));
        assertEquals(invalid.body(), 422, invalid.statusCode());
        HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(base + "?fieldSelector=spec.color%3Dblue")).GET());
        assertEquals(list.body(), 200, list.statusCode());
        assertTrue(list.body(), list.body().contains("\"first\""));
    }

    private interface Call {
        HttpResponse<String> call() throws Exception;
    }

    /** The group is served once its bundle started and Kapi is ready; until then requests may fail or answer 404/503. */
    private static HttpResponse<String> retry(Call call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = call.call();
                if ((r.statusCode() != 404 && r.statusCode() != 503 && r.statusCode() != 401) || System.nanoTime() > deadline) {
                    return r;
                }
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        String token = Files.readAllLines(Path.of(System.getProperty("karaf.etc"), "kapi", "tokens.csv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
        return client().send(request.header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The test checks the API, not the generated certificate chain. */
    private static HttpClient client() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
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
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
