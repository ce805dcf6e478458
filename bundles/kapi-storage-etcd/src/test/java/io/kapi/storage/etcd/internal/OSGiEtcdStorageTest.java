package io.kapi.storage.etcd.internal;

import io.kapi.storage.etcd.EtcdConfig;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The configuration file's entries, as Karaf hands them to the component. */
class OSGiEtcdStorageTest {

    private static OSGiEtcdStorage.Config config(String endpoints, String prefix, String ca, String cert, String key) {
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
}
