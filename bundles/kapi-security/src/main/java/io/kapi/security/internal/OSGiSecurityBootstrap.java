package io.kapi.security.internal;

import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.TokenFile;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.authz.AdminAuthorizer;
import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
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
 * Kapi's security at start-up: makes sure the PKI, the token file and the admin kubeconfig exist
 * under {@code <karaf.etc>/kapi}, points Pax Web's HTTPS connector at the keystore, then publishes
 * the authenticators and the authorizer. They are registered by hand, after the files exist,
 * rather than as components of their own, so that no authenticator is ever visible without its CA
 * or token file; if any step fails the activation fails and nothing is published, and the server
 * (which needs an authorizer) serves no API request.
 */
@Component(immediate = true, service = {}, configurationPid = "io.kapi.server", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class OSGiSecurityBootstrap {
    /** Configuration of PID {@code io.kapi.server} this component reads (other bundles read other keys of it). */
    public @interface Config {
        int securePort() default 6443;

        String bindAddress() default "0.0.0.0";

        String advertiseAddress() default "127.0.0.1";
    }

    static final int X509_RANKING = 200;
    static final int TOKEN_RANKING = 100;
    static final int ADMIN_RANKING = 1000;
    private static final Logger LOG = Logger.getLogger(OSGiSecurityBootstrap.class.getName());

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private PaxWebHttpsGuard guard;

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Activate
    void activate(BundleContext context, Config config) throws Exception {
        String etc = context.getProperty("karaf.etc");
        Path kapi = Path.of(etc == null ? "etc" : etc, "kapi").toAbsolutePath();

        Pki pki = Pki.ensure(kapi.resolve("pki"), hostNames(config));
        if (!pki.written().isEmpty()) {
            LOG.info("Kapi PKI in " + pki.dir() + ": wrote " + pki.written());
        }
        Path tokens = kapi.resolve("tokens.csv");
        if (TokenFile.ensureAdminToken(tokens).isPresent()) {
            LOG.info("Kapi admin token written to " + tokens);
        }
        Path kubeconfig = kapi.resolve("admin.kubeconfig");
        if (Kubeconfig.write(kubeconfig, Kubeconfig.serverUrl(config.advertiseAddress(), config.securePort()), pki)) {
            LOG.info("Kapi admin kubeconfig written to " + kubeconfig);
        }
        java.util.Map<String, String> https = PaxWebHttps.wanted(pki.file(Pki.KEYSTORE), pki.file(Pki.TRUSTSTORE),
                Pki.KEY_ALIAS, pki.keystorePassword(), pki.storesFingerprint(), config.securePort(), config.bindAddress());
        if (PaxWebHttps.apply(configurationAdmin, https)) {
            LOG.info("Pax Web configured for HTTPS on " + config.bindAddress() + ":" + config.securePort());
        }

        try {
            // the authenticators before the authorizer: until an authorizer is registered the server answers 503, and
            // once one is, every authenticator is already there (no valid credential is ever answered 401 or 403)
            register(context, Authenticator.class, new X509Authenticator(pki.caCertificate()), X509_RANKING, "kapi.authenticator", "x509");
            register(context, Authenticator.class, new TokenAuthenticator(tokens), TOKEN_RANKING, "kapi.authenticator", "token");
            register(context, Authorizer.class, new AdminAuthorizer(), ADMIN_RANKING, "kapi.authorizer", "admin");
            // and the HTTPS settings kept: a Pax Web feature installed in the same step may write its defaults afterwards
            guard = new PaxWebHttpsGuard(configurationAdmin, https);
            registrations.add(context.registerService(org.osgi.service.cm.ConfigurationListener.class, guard, null));
            guard.check();
        } catch (RuntimeException e) {
            // a failed activation gets no deactivate call: withdraw what was published
            deactivate();
            throw e;
        }
    }

    /** The serving certificate's names besides the loopback ones {@link Pki} always adds. */
    static Set<String> hostNames(Config config) {
        Set<String> names = new LinkedHashSet<>(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", config.advertiseAddress()));
        for (String bind : config.bindAddress().split(",")) {
            String b = bind.trim();
            if (!b.isEmpty() && !b.equals("0.0.0.0") && !b.equals("::") && !b.equals("0:0:0:0:0:0:0:0")) {
                names.add(b);
            }
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (Exception unresolvable) {
            // a machine whose own name does not resolve is still reachable as localhost and by address
            LOG.log(Level.FINE, "no host name for the serving certificate", unresolvable);
        }
        return names;
    }

    private <T> void register(BundleContext context, Class<T> type, T service, int ranking, String key, String name) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, ranking);
        p.put(key, name);
        registrations.add(context.registerService(type, service, p));
    }

    @Deactivate
    void deactivate() {
        if (guard != null) {
            guard.close();
            guard = null;
        }
        // in the reverse order: the authorizer leaves before the authenticators, so the server never serves with an
        // authorizer and a partial set of authenticators (it answers 503 while no authorizer is registered)
        for (int i = registrations.size() - 1; i >= 0; i--) {
            ServiceRegistration<?> r = registrations.get(i);
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }
}
