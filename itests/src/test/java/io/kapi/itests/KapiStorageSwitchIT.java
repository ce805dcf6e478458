package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.kapi.api.server.KapiRuntime;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Switching the running distribution from the embedded store to etcd by dropping
 * {@code etc/io.kapi.storage.etcd.cfg} into Karaf, and back by removing it, without a restart. Each
 * store keeps its own data. Waits on the runtime's change count, never on sleeps.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KapiStorageSwitchIT {
    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Configuration
    public Option[] config() {
        return KapiContainer.options();
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(org.osgi.framework.Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    private void awaitRuntime(String what, BooleanSupplier condition) throws Exception {
        RuntimeWaits.await(context, runtime, what, condition);
    }

    private static boolean ok(ApiClient api, String path) {
        try {
            return api.get(path).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void switchToEtcdAndBackThroughTheConfigurationFile() throws Exception {
        org.junit.Assume.assumeTrue("etcd-server is installed", Files.isExecutable(Path.of("/usr/bin/etcd")));
        Path etc = Path.of(System.getProperty("karaf.etc"));
        try (EtcdServer etcd = new EtcdServer(Path.of(System.getProperty("karaf.data"), "etcd-test", "data"))) {
            awaitRuntime("embedded store serving", () -> runtime.ready() && "embedded".equals(runtime.storage()));
            ApiClient api = new ApiClient(Integer.parseInt(System.getProperty("kapi.test.securePort")));
            awaitRuntime("default namespace", () -> ok(api, "/api/v1/namespaces/default"));
            assertEquals(201, api.post("/api/v1/namespaces/default/configmaps",
                    "{\"metadata\":{\"name\":\"kept-in-embedded\"},\"data\":{\"a\":\"1\"}}").statusCode());

            Path cfg = etc.resolve("io.kapi.storage.etcd.cfg");
            Files.writeString(cfg, "endpoints = " + etcd.endpoint() + "\n");
            awaitRuntime("etcd serving", () -> "etcd".equals(runtime.storage()));
            // the system namespaces are created on the new store by the bootstrap hook
            awaitRuntime("default namespace in etcd", () -> ok(api, "/api/v1/namespaces/default"));
            assertEquals(404, api.get("/api/v1/namespaces/default/configmaps/kept-in-embedded").statusCode());
            HttpResponse<String> created = api.post("/api/v1/namespaces/default/configmaps",
                    "{\"metadata\":{\"name\":\"in-etcd\"},\"data\":{\"b\":\"2\"}}");
            assertEquals(created.body(), 201, created.statusCode());
            // the object is in etcd itself, at kube's key
            HttpResponse<String> raw = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(etcd.endpoint() + "/v3/kv/range")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"key\":\"" + java.util.Base64.getEncoder().encodeToString("/registry/configmaps/default/in-etcd".getBytes())
                            + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(raw.body(), raw.body().contains("\"count\":\"1\""));

            // etcd unreachable: API requests answer 503 with a Status, /readyz fails within 10 s; both recover by themselves
            etcd.stop();
            long stopped = System.nanoTime();
            HttpResponse<String> down = api.get("/api/v1/namespaces/default/configmaps/in-etcd");
            assertEquals(down.body(), 503, down.statusCode());
            assertTrue(down.body(), down.body().contains("\"reason\":\"ServiceUnavailable\""));
            while (api.get("/readyz").statusCode() == 200) {
                assertTrue("/readyz still ok 10 s after etcd stopped", System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(10));
                Thread.sleep(200);
            }
            etcd.start();
            long restarted = System.nanoTime();
            while (api.get("/readyz").statusCode() != 200 || !ok(api, "/api/v1/namespaces/default/configmaps/in-etcd")) {
                assertTrue("no recovery 30 s after etcd came back", System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(30));
                Thread.sleep(200);
            }

            Files.delete(cfg);
            awaitRuntime("embedded store serving again", () -> "embedded".equals(runtime.storage()));
            awaitRuntime("embedded data back", () -> ok(api, "/api/v1/namespaces/default/configmaps/kept-in-embedded"));
            assertEquals(404, api.get("/api/v1/namespaces/default/configmaps/in-etcd").statusCode());
        }
    }
}
