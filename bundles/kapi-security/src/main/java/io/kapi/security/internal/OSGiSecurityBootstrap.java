package io.kapi.security.internal;

import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.security.authn.AdminAuthorizer;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.Tokens;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * First start: PKI, admin token and admin kubeconfig under {@code etc/kapi}, HTTPS for Pax Web;
 * then the authenticators and the authorizer as services. Configuration PID {@code io.kapi.server}:
 * {@code securePort} (6443), {@code bindAddress} (0.0.0.0), {@code advertiseAddress} (127.0.0.1).
 */
@Component(immediate = true, service = {}, configurationPid = "io.kapi.server", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class OSGiSecurityBootstrap {
    private static final Logger LOG = Logger.getLogger(OSGiSecurityBootstrap.class.getName());
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Reference
    ConfigurationAdmin configurationAdmin;

    static String string(Map<String, Object> props, String key, String fallback) {
        Object v = props.get(key);
        return v == null || String.valueOf(v).isBlank() ? fallback : String.valueOf(v).trim();
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> props) throws Exception {
        int port = Integer.parseInt(string(props, "securePort", "6443"));
        String bind = string(props, "bindAddress", "0.0.0.0");
        String advertise = string(props, "advertiseAddress", "127.0.0.1");
        Path kapi = Path.of(System.getProperty("karaf.etc", "etc"), "kapi");
        LinkedHashSet<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1", "kubernetes",
                "kubernetes.default", "kubernetes.default.svc", advertise));
        try {
            hosts.add(InetAddress.getLocalHost().getHostName());
        } catch (Exception unknownHost) {
            // a machine without a resolvable name is served by localhost and its addresses
        }
        Pki pki = Pki.ensure(kapi.resolve("pki"), new ArrayList<>(hosts));
        Path tokens = kapi.resolve("tokens.csv");
        Tokens.ensureAdminToken(tokens);
        Kubeconfig.write(kapi.resolve("admin.kubeconfig"), "https://" + (advertise.contains(":") ? "[" + advertise + "]" : advertise)
                + ":" + port, pki);
        if (PaxWebHttps.apply(configurationAdmin, PaxWebHttps.wanted(pki, port, bind))) {
            LOG.info("Pax Web configured for HTTPS on " + bind + ":" + port);
        }
        register(context, Authenticator.class, new X509Authenticator(pki.caCertificate()), 100, "kapi.authenticator", "x509");
        register(context, Authenticator.class, new TokenAuthenticator(tokens), 90, "kapi.authenticator", "token");
        register(context, Authorizer.class, new AdminAuthorizer(), 0, "kapi.authorizer", "admin");
    }

    private <T> void register(BundleContext context, Class<T> type, T service, int ranking, String key, String name) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, ranking);
        p.put(key, name);
        registrations.add(context.registerService(type, service, p));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle
            }
        }
        registrations.clear();
    }
}
