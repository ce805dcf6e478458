package io.kapi.storage.etcd.internal;

import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.storage.etcd.EtcdConfig;
import io.kapi.storage.etcd.EtcdProcess;
import io.kapi.storage.etcd.EtcdStorage;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The configuration file's entries, as Karaf hands them to the component. */
class OSGiEtcdStorageTest {

    private static OSGiEtcdStorage.Config config(String endpoints, String prefix, String ca, String cert, String key) {
        return config(endpoints, prefix, ca, cert, key, 300_000);
    }

    private static OSGiEtcdStorage.Config config(String endpoints, String prefix, String ca, String cert, String key,
                                                 long compactionMillis) {
        return new OSGiEtcdStorage.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OSGiEtcdStorage.Config.class;
            }

            @Override
            public String endpoints() {
                return endpoints;
            }

            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public String caFile() {
                return ca;
            }

            @Override
            public String certFile() {
                return cert;
            }

            @Override
            public String keyFile() {
                return key;
            }

            @Override
            public long requestTimeoutMillis() {
                return 1500;
            }

            @Override
            public int maxValueBytes() {
                return 1000;
            }

            @Override
            public long compactionIntervalMillis() {
                return compactionMillis;
            }
        };
    }

    @Test
    void mapsTheConfigurationFile() {
        EtcdConfig c = OSGiEtcdStorage.toEtcdConfig(config(" http://127.0.0.1:2379/ , https://etcd-2:2379", "/kapi/", "", " ", ""));
        assertEquals(List.of(URI.create("http://127.0.0.1:2379"), URI.create("https://etcd-2:2379")), c.endpoints());
        assertEquals("/kapi", c.prefix());
        assertEquals(Duration.ofMillis(1500), c.requestTimeout());
        assertEquals(1000, c.maxValueBytes());
        assertNull(c.caFile());
        assertNull(c.certFile());

        EtcdConfig tls = OSGiEtcdStorage.toEtcdConfig(config("https://127.0.0.1:2379", "", "/etc/etcd/ca.pem",
                "/etc/etcd/client.pem", "/etc/etcd/client-key.pem"));
        assertEquals(Paths.get("/etc/etcd/ca.pem"), tls.caFile());
        assertEquals(Paths.get("/etc/etcd/client-key.pem"), tls.keyFile());
    }

    @Test
    void rejectsBadEntries() {
        assertThrows(IllegalArgumentException.class, () -> OSGiEtcdStorage.toEtcdConfig(config("", "", "", "", "")));
        assertThrows(IllegalArgumentException.class,
                () -> OSGiEtcdStorage.toEtcdConfig(config("127.0.0.1:2379", "", "", "", "")));
        assertThrows(IllegalArgumentException.class,
                () -> OSGiEtcdStorage.toEtcdConfig(config("http://127.0.0.1:2379", "", "", "/c.pem", "")));
    }

    @Test
    void compactionIntervalDefaultsToKubesFiveMinutesAndZeroOrLessDisablesIt() throws Exception {
        assertEquals(300_000L, OSGiEtcdStorage.Config.class.getMethod("compactionIntervalMillis").getDefaultValue());
        String e = "http://127.0.0.1:2379";
        assertEquals(Duration.ofMinutes(5), OSGiEtcdStorage.compactionInterval(config(e, "", "", "", "", 300_000)));
        assertEquals(Duration.ZERO, OSGiEtcdStorage.compactionInterval(config(e, "", "", "", "", 0)));
        assertEquals(Duration.ZERO, OSGiEtcdStorage.compactionInterval(config(e, "", "", "", "", -1)));
    }

    /** A BundleContext that only registers: what activate/deactivate use. */
    private static BundleContext context(AtomicReference<Object> registered, AtomicBoolean unregistered) {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                OSGiEtcdStorageTest.class.getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (p, m, args) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered.set(true);
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(OSGiEtcdStorageTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, args) -> {
                    if (m.getName().equals("registerService")) {
                        registered.set(args[1]);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void activationRunsTheCompactorAndDeactivationStopsItBeforeClosing() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdStorage observer = new EtcdStorage(EtcdConfig.of(etcd.endpoint()).withPrefix("/kapi"))) {
            AtomicReference<Object> registered = new AtomicReference<>();
            AtomicBoolean unregistered = new AtomicBoolean();
            OSGiEtcdStorage component = new OSGiEtcdStorage();
            component.activate(context(registered, unregistered), config(etcd.endpoint(), "/kapi", "", "", "", 200));
            Storage storage = (Storage) registered.get();
            long first = storage.create("/registry/osgi/a", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .modRevision();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (observer.compactedRevision() < first) {
                assertTrue(System.nanoTime() < deadline, "the component's compactor did not compact in 30 s");
                Thread.sleep(50);
            }
            component.deactivate();
            assertTrue(unregistered.get());
            assertEquals(StorageException.Code.UNAVAILABLE,
                    assertThrows(StorageException.class, () -> storage.get("/registry/osgi/a")).code(),
                    "the storage is closed");
            // the compactor's thread is gone (it would live on, failing its rounds, if left running)
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (compactorThreadAlive()) {
                assertTrue(System.nanoTime() < until, "compactor thread still alive after deactivation");
                Thread.sleep(50);
            }
        }
    }

    private static boolean compactorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("kapi-etcd-compactor"));
    }
}
