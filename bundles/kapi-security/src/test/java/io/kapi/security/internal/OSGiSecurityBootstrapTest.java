package io.kapi.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.authz.AdminAuthorizer;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

class OSGiSecurityBootstrapTest {
    @TempDir
    Path etc;

    record Registered(Class<?> type, Object service, Dictionary<String, ?> properties, boolean[] unregistered) {
    }

    final List<Registered> registered = new ArrayList<>();
    final FakeConfigAdmin cm = new FakeConfigAdmin();

    BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> "karaf.etc".equals(args[0]) ? etc.toString() : null;
                    case "registerService" -> {
                        boolean[] gone = {false};
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                        registered.add(new Registered((Class<?>) args[0], args[1], props, gone));
                        yield Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("unregister")) {
                                        gone[0] = true;
                                        return null;
                                    }
                                    throw new UnsupportedOperationException(m.getName());
                                });
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static OSGiSecurityBootstrap.Config config(Map<String, Object> values) {
        return (OSGiSecurityBootstrap.Config) Proxy.newProxyInstance(OSGiSecurityBootstrapTest.class.getClassLoader(),
                new Class<?>[] {OSGiSecurityBootstrap.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return OSGiSecurityBootstrap.Config.class;
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** ConfigurationAdmin's event for an update of {@code pid}. */
    @SuppressWarnings("unchecked")
    static org.osgi.service.cm.ConfigurationEvent updated(String pid) {
        var ref = (org.osgi.framework.ServiceReference<org.osgi.service.cm.ConfigurationAdmin>) Proxy.newProxyInstance(
                OSGiSecurityBootstrapTest.class.getClassLoader(), new Class<?>[] {org.osgi.framework.ServiceReference.class}, (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        return new org.osgi.service.cm.ConfigurationEvent(ref, org.osgi.service.cm.ConfigurationEvent.CM_UPDATED, null, pid);
    }

    OSGiSecurityBootstrap activate(Map<String, Object> values) throws Exception {
        OSGiSecurityBootstrap b = new OSGiSecurityBootstrap();
        b.configurationAdmin = cm.service();
        b.activate(context(), config(values));
        return b;
    }

    @Test
    void firstStartWritesEverythingConfiguresHttpsAndPublishesTheServices() throws Exception {
        OSGiSecurityBootstrap b = activate(Map.of("securePort", 7443, "advertiseAddress", "10.0.0.5"));
        Path kapi = etc.resolve("kapi");
        assertTrue(Files.isRegularFile(kapi.resolve("pki/serving.p12")));
        assertTrue(Files.isRegularFile(kapi.resolve("tokens.csv")));
        String kubeconfig = Files.readString(kapi.resolve("admin.kubeconfig"));
        assertTrue(kubeconfig.contains("server: https://10.0.0.5:7443\n"), kubeconfig);

        var pax = cm.configs.get("org.ops4j.pax.web");
        assertEquals("7443", pax.get("org.osgi.service.http.port.secure"));
        assertEquals(kapi.resolve("pki/serving.p12").toString(), pax.get("org.ops4j.pax.web.ssl.keystore"));
        assertEquals(Files.readString(kapi.resolve("pki/keystore.password")).trim(), pax.get("org.ops4j.pax.web.ssl.keystore.password"));
        assertEquals(1, cm.updates);

        assertEquals(4, registered.size());
        Registered x509 = registered.get(0);
        assertEquals(Authenticator.class, x509.type());
        assertTrue(x509.service() instanceof X509Authenticator);
        assertEquals("x509", x509.properties().get("kapi.authenticator"));
        assertEquals(200, x509.properties().get("service.ranking"));
        Registered token = registered.get(1);
        assertTrue(token.service() instanceof TokenAuthenticator);
        assertEquals("token", token.properties().get("kapi.authenticator"));
        assertEquals(100, token.properties().get("service.ranking"));
        Registered admin = registered.get(2);
        assertEquals(Authorizer.class, admin.type());
        assertTrue(admin.service() instanceof AdminAuthorizer);
        assertEquals("admin", admin.properties().get("kapi.authorizer"));

        // Pax Web's feature writes its defaults over Kapi's settings (a stock Karaf installing both): they are written again
        Registered guard = registered.get(3);
        assertEquals(org.osgi.service.cm.ConfigurationListener.class, guard.type());
        var listener = (org.osgi.service.cm.ConfigurationListener) guard.service();
        java.util.Hashtable<String, Object> featureDefaults = new java.util.Hashtable<>(Map.of("org.osgi.service.http.enabled", "true",
                "org.osgi.service.http.port", "8181", "org.osgi.service.http.secure.enabled", "false",
                "javax.servlet.context.tempdir", "/k/data/pax-web/tmp"));
        cm.configs.put("org.ops4j.pax.web", featureDefaults);
        listener.configurationEvent(updated("org.ops4j.pax.web"));
        pax = cm.configs.get("org.ops4j.pax.web");
        assertEquals("7443", pax.get("org.osgi.service.http.port.secure"));
        assertEquals("true", pax.get("org.osgi.service.http.secure.enabled"));
        assertEquals("false", pax.get("org.osgi.service.http.enabled"));
        assertEquals("/k/data/pax-web/tmp", pax.get("javax.servlet.context.tempdir"), "the feature's other settings are kept");
        assertEquals(2, cm.updates);
        // its own write's event, and changes of other PIDs, write nothing
        listener.configurationEvent(updated("org.ops4j.pax.web"));
        cm.configs.put("org.ops4j.pax.web", featureDefaults);
        listener.configurationEvent(updated("org.apache.karaf.shell"));
        assertEquals(2, cm.updates);

        b.deactivate();
        assertTrue(registered.stream().allMatch(r -> r.unregistered()[0]));
        listener.configurationEvent(updated("org.ops4j.pax.web"));
        assertEquals(2, cm.updates, "an event queued before the deactivation writes nothing");
    }

    @Test
    void aRestartChangesNothingAndDoesNotBounceJetty() throws Exception {
        activate(Map.of()).deactivate();
        Path kapi = etc.resolve("kapi");
        String kubeconfig = Files.readString(kapi.resolve("admin.kubeconfig"));
        String tokens = Files.readString(kapi.resolve("tokens.csv"));
        String ca = Files.readString(kapi.resolve("pki/ca.crt"));
        var modified = Files.getLastModifiedTime(kapi.resolve("admin.kubeconfig"));

        activate(Map.of()).deactivate();
        assertEquals(1, cm.updates, "the Pax Web configuration was written once");
        assertEquals(kubeconfig, Files.readString(kapi.resolve("admin.kubeconfig")));
        assertEquals(modified, Files.getLastModifiedTime(kapi.resolve("admin.kubeconfig")));
        assertEquals(tokens, Files.readString(kapi.resolve("tokens.csv")));
        assertEquals(ca, Files.readString(kapi.resolve("pki/ca.crt")));
        assertTrue(kubeconfig.contains("server: https://127.0.0.1:6443\n"));
    }

    @Test
    void aReissuedServingCertificateRestartsJettyOnce() throws Exception {
        activate(Map.of()).deactivate();
        String before = (String) cm.configs.get("org.ops4j.pax.web").get("io.kapi.security.stores.sha256");
        // a new advertised address is a new name for the serving certificate: same paths, new stores
        activate(Map.of("advertiseAddress", "10.9.8.7")).deactivate();
        assertEquals(2, cm.updates);
        String after = (String) cm.configs.get("org.ops4j.pax.web").get("io.kapi.security.stores.sha256");
        assertTrue(!before.equals(after));
        activate(Map.of("advertiseAddress", "10.9.8.7")).deactivate();
        assertEquals(2, cm.updates);
    }

    @Test
    void theServingNamesIncludeTheAdvertisedAndBoundAddresses() {
        var names = OSGiSecurityBootstrap.hostNames(config(Map.of("advertiseAddress", "kapi.example", "bindAddress", "192.168.1.9, 0.0.0.0")));
        assertTrue(names.containsAll(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kapi.example", "192.168.1.9")),
                names.toString());
        assertTrue(!names.contains("0.0.0.0"));
    }

}
