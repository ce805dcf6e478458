package io.kapi.security.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The part of Pax Web 8's configuration (PID {@value #PID}) that makes it serve Kapi over HTTPS only.
 * Property names are those of {@code org.ops4j.pax.web.service.PaxWebConfig} (pax-web-api, branch
 * web-8.0.x); see the package documentation for each value and why.
 *
 * <p>Pax Web restarts Jetty on every change of this PID (its {@code Activator#updateController}
 * compares the whole dictionary), so {@link #apply} writes only when a wanted value differs, and
 * keeps every property it does not own (temp dir, jetty.xml location, fileinstall's file name).
 */
final class PaxWebHttps {
    static final String PID = "org.ops4j.pax.web";

    static final String HTTP_ENABLED = "org.osgi.service.http.enabled";
    static final String HTTPS_ENABLED = "org.osgi.service.http.secure.enabled";
    static final String HTTPS_PORT = "org.osgi.service.http.port.secure";
    static final String LISTENING_ADDRESSES = "org.ops4j.pax.web.listening.addresses";
    static final String KEYSTORE = "org.ops4j.pax.web.ssl.keystore";
    static final String KEYSTORE_TYPE = "org.ops4j.pax.web.ssl.keystore.type";
    static final String KEYSTORE_PASSWORD = "org.ops4j.pax.web.ssl.keystore.password";
    static final String KEY_PASSWORD = "org.ops4j.pax.web.ssl.key.password";
    static final String KEY_ALIAS = "org.ops4j.pax.web.ssl.key.alias";
    static final String TRUSTSTORE = "org.ops4j.pax.web.ssl.truststore";
    static final String TRUSTSTORE_TYPE = "org.ops4j.pax.web.ssl.truststore.type";
    static final String TRUSTSTORE_PASSWORD = "org.ops4j.pax.web.ssl.truststore.password";
    static final String CLIENT_AUTH_WANTED = "org.ops4j.pax.web.ssl.clientauth.wanted";
    static final String CLIENT_AUTH_NEEDED = "org.ops4j.pax.web.ssl.clientauth.needed";
    /**
     * Kapi's own key, ignored by Pax Web: the fingerprint of the stores. Jetty reads them when it
     * starts; when they are rewritten under the same path and password (a serving certificate
     * reissued for a new host name, or renewed), this value is what changes the configuration and so
     * restarts Jetty with them.
     */
    static final String STORES_FINGERPRINT = "io.kapi.security.stores.sha256";

    private PaxWebHttps() {
    }

    /** The properties Kapi needs, as the strings a {@code .cfg} file would hold. */
    static Map<String, String> wanted(Path keystore, Path truststore, String keyAlias, String password, String fingerprint, int port,
                                      String bindAddress) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(HTTP_ENABLED, "false");
        p.put(HTTPS_ENABLED, "true");
        p.put(HTTPS_PORT, Integer.toString(port));
        p.put(LISTENING_ADDRESSES, bindAddress);
        p.put(KEYSTORE, keystore.toAbsolutePath().toString());
        p.put(KEYSTORE_TYPE, "PKCS12");
        p.put(KEYSTORE_PASSWORD, password);
        p.put(KEY_PASSWORD, password);
        p.put(KEY_ALIAS, keyAlias);
        p.put(TRUSTSTORE, truststore.toAbsolutePath().toString());
        p.put(TRUSTSTORE_TYPE, "PKCS12");
        p.put(TRUSTSTORE_PASSWORD, password);
        p.put(CLIENT_AUTH_WANTED, "true");
        p.put(CLIENT_AUTH_NEEDED, "false");
        p.put(STORES_FINGERPRINT, fingerprint);
        return p;
    }

    /**
     * The dictionary to store: {@code current} with the wanted values, or null when {@code current}
     * already holds them all. Values are compared as strings, because a {@code .cfg} file read by
     * fileinstall gives strings where ConfigAdmin clients may have stored Booleans or Integers.
     */
    static Hashtable<String, Object> merge(Dictionary<String, ?> current, Map<String, String> wanted) {
        Hashtable<String, Object> next = new Hashtable<>();
        boolean same = current != null;
        if (current != null) {
            for (Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                next.put(k, current.get(k));
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            Object have = next.get(e.getKey());
            if (have == null || !String.valueOf(have).equals(e.getValue())) {
                same = false;
            }
            next.put(e.getKey(), e.getValue());
        }
        return same ? null : next;
    }

    /** Updates the Pax Web configuration if it differs; returns whether it did. */
    static boolean apply(ConfigurationAdmin admin, Map<String, String> wanted) throws IOException {
        // "?": a multi-location binding, as fileinstall creates it, so pax-web-runtime receives it
        // whichever bundle wrote it first; an existing configuration is returned as it is
        Configuration config = admin.getConfiguration(PID, "?");
        Hashtable<String, Object> next = merge(config.getProperties(), wanted);
        if (next == null) {
            return false;
        }
        next.remove("service.pid");
        config.update(next);
        return true;
    }
}
