package io.kapi.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaxWebHttpsTest {
    static final Map<String, String> WANTED = PaxWebHttps.wanted(Path.of("/k/etc/kapi/pki/serving.p12"),
            Path.of("/k/etc/kapi/pki/ca-truststore.p12"), "kapi-serving", "pw", "f1", 6443, "0.0.0.0");

    @Test
    void httpsOnlyWithTheGeneratedStoresAndClientCertificatesWanted() {
        assertEquals("false", WANTED.get("org.osgi.service.http.enabled"));
        assertEquals("true", WANTED.get("org.osgi.service.http.secure.enabled"));
        assertEquals("6443", WANTED.get("org.osgi.service.http.port.secure"));
        assertEquals("0.0.0.0", WANTED.get("org.ops4j.pax.web.listening.addresses"));
        assertEquals("/k/etc/kapi/pki/serving.p12", WANTED.get("org.ops4j.pax.web.ssl.keystore"));
        assertEquals("PKCS12", WANTED.get("org.ops4j.pax.web.ssl.keystore.type"));
        assertEquals("pw", WANTED.get("org.ops4j.pax.web.ssl.keystore.password"));
        assertEquals("pw", WANTED.get("org.ops4j.pax.web.ssl.key.password"));
        assertEquals("kapi-serving", WANTED.get("org.ops4j.pax.web.ssl.key.alias"));
        assertEquals("/k/etc/kapi/pki/ca-truststore.p12", WANTED.get("org.ops4j.pax.web.ssl.truststore"));
        assertEquals("PKCS12", WANTED.get("org.ops4j.pax.web.ssl.truststore.type"));
        assertEquals("pw", WANTED.get("org.ops4j.pax.web.ssl.truststore.password"));
        assertEquals("true", WANTED.get("org.ops4j.pax.web.ssl.clientauth.wanted"));
        assertEquals("false", WANTED.get("org.ops4j.pax.web.ssl.clientauth.needed"));
        assertEquals("f1", WANTED.get("io.kapi.security.stores.sha256"));
        assertEquals(15, WANTED.size());
    }

    @Test
    void mergeKeepsForeignPropertiesAndReportsNoChangeAsNull() {
        Hashtable<String, Object> fromFile = new Hashtable<>();
        fromFile.put("javax.servlet.context.tempdir", "/k/data/pax-web/tmp");
        fromFile.put("felix.fileinstall.filename", "file:/k/etc/org.ops4j.pax.web.cfg");
        fromFile.put("org.osgi.service.http.enabled", "true");
        Hashtable<String, Object> merged = PaxWebHttps.merge(fromFile, WANTED);
        assertEquals("/k/data/pax-web/tmp", merged.get("javax.servlet.context.tempdir"));
        assertEquals("file:/k/etc/org.ops4j.pax.web.cfg", merged.get("felix.fileinstall.filename"));
        assertEquals("false", merged.get("org.osgi.service.http.enabled"));
        assertNull(PaxWebHttps.merge(merged, WANTED));

        // typed values equal to the wanted strings are no change either
        Hashtable<String, Object> typed = new Hashtable<>(merged);
        typed.put("org.osgi.service.http.port.secure", 6443);
        typed.put("org.ops4j.pax.web.ssl.clientauth.wanted", Boolean.TRUE);
        assertNull(PaxWebHttps.merge(typed, WANTED));
        assertEquals(WANTED, Map.copyOf(PaxWebHttps.merge(null, WANTED)));
    }

    @Test
    void applyUpdatesOnlyWhenSomethingDiffers() throws Exception {
        FakeConfigAdmin cm = new FakeConfigAdmin();
        assertTrue(PaxWebHttps.apply(cm.service(), WANTED));
        assertFalse(PaxWebHttps.apply(cm.service(), WANTED));
        assertEquals(1, cm.updates);
        assertFalse(cm.configs.get("org.ops4j.pax.web").containsKey("service.pid"));
        Map<String, String> otherPort = PaxWebHttps.wanted(Path.of("/k/etc/kapi/pki/serving.p12"),
                Path.of("/k/etc/kapi/pki/ca-truststore.p12"), "kapi-serving", "pw", "f1", 7443, "0.0.0.0");
        assertTrue(PaxWebHttps.apply(cm.service(), otherPort));
        assertEquals("7443", cm.configs.get("org.ops4j.pax.web").get("org.osgi.service.http.port.secure"));
    }
}
