package io.kapi.security.internal;

import io.kapi.security.pki.Pki;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The Pax Web 8 configuration (PID {@code org.ops4j.pax.web}, property names from Pax Web's
 * {@code PaxWebConfig}) that serves Kapi over HTTPS only: the generated keystore, the CA as
 * truststore with client certificates wanted (not needed: bearer tokens must work too), and no
 * plain HTTP connector. Updated only when it differs, so a restart does not bounce Jetty.
 */
final class PaxWebHttps {
    static final String PID = "org.ops4j.pax.web";

    private PaxWebHttps() {
    }

    static Map<String, String> wanted(Pki pki, int port, String bindAddress) throws IOException {
        String password = pki.keystorePassword();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("org.osgi.service.http.enabled", "false");
        p.put("org.osgi.service.http.secure.enabled", "true");
        p.put("org.osgi.service.http.port.secure", Integer.toString(port));
        p.put("org.ops4j.pax.web.listening.addresses", bindAddress);
        p.put("org.ops4j.pax.web.ssl.keystore", pki.file(Pki.KEYSTORE).toString());
        p.put("org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
        p.put("org.ops4j.pax.web.ssl.keystore.password", password);
        p.put("org.ops4j.pax.web.ssl.key.password", password);
        p.put("org.ops4j.pax.web.ssl.truststore", pki.file(Pki.TRUSTSTORE).toString());
        p.put("org.ops4j.pax.web.ssl.truststore.type", "PKCS12");
        p.put("org.ops4j.pax.web.ssl.truststore.password", password);
        p.put("org.ops4j.pax.web.ssl.clientauth.wanted", "true");
        p.put("org.ops4j.pax.web.ssl.clientauth.needed", "false");
        return p;
    }

    /** Returns true when the configuration was changed. */
    static boolean apply(ConfigurationAdmin admin, Map<String, String> wanted) throws IOException {
        Configuration config = admin.getConfiguration(PID, "?");
        Dictionary<String, Object> current = config.getProperties();
        Dictionary<String, Object> next = new Hashtable<>();
        boolean same = current != null;
        if (current != null) {
            for (java.util.Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                next.put(k, current.get(k));
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            Object have = current == null ? null : current.get(e.getKey());
            if (have == null || !String.valueOf(have).equals(e.getValue())) {
                same = false;
            }
            next.put(e.getKey(), e.getValue());
        }
        if (same) {
            return false;
        }
        config.update(next);
        return true;
    }
}
