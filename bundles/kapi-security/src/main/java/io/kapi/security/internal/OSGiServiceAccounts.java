package io.kapi.security.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.server.ServiceAccountTokens;
import io.kapi.security.internal.serviceaccount.ServiceAccountAuthenticator;
import io.kapi.security.internal.serviceaccount.ServiceAccountKey;
import io.kapi.security.internal.serviceaccount.ServiceAccountTokenIssuer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The service account issuer (kube's {@code --service-account-issuer}, {@code --api-audiences} and signing key):
 * makes sure its key pair exists under {@code <karaf.etc>/kapi/pki}, then publishes the token issuer that
 * TokenRequest uses and the authenticator of its tokens, which looks service accounts and bound objects up
 * through the loopback client its post-start hook {@value #HOOK} is handed (until then such a token is refused,
 * and {@code /readyz} waits for the hook). Configured in PID {@code io.kapi.server}: {@code serviceAccountIssuer} (kube's
 * usual {@code https://kubernetes.default.svc.cluster.local} by default), {@code apiAudiences} (a
 * comma-separated list; the issuer when empty, as kube defaults it) and {@code serviceAccountJwksUri} (where the
 * discovery document says the keys are; by default {@code https://<advertiseAddress>:<securePort>/openid/v1/jwks}).
 */
@Component(immediate = true, service = {}, configurationPid = "io.kapi.server", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class OSGiServiceAccounts {
    public @interface Config {
        String serviceAccountIssuer() default "https://kubernetes.default.svc.cluster.local";

        String apiAudiences() default "";

        String serviceAccountJwksUri() default "";

        int securePort() default 6443;

        String advertiseAddress() default "127.0.0.1";
    }

    /** After the token file's authenticator (100), which rejects a JWT it does not know without deciding. */
    static final int RANKING = 50;
    private static final Logger LOG = Logger.getLogger(OSGiServiceAccounts.class.getName());
    static final String HOOK = "serviceaccount/token-authenticator";
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final AtomicReference<LoopbackClient> loopback = new AtomicReference<>();

    @Activate
    void activate(BundleContext context, Config config) throws Exception {
        String etc = context.getProperty("karaf.etc");
        Path pki = Path.of(etc == null ? "etc" : etc, "kapi", "pki").toAbsolutePath();
        ServiceAccountKey key = ServiceAccountKey.ensure(pki);
        String issuer = config.serviceAccountIssuer().trim();
        List<String> audiences = audiences(config.apiAudiences(), issuer);
        ServiceAccountTokenIssuer tokens = new ServiceAccountTokenIssuer(issuer, audiences, key, jwksUri(config));
        ServiceAccountAuthenticator authenticator = new ServiceAccountAuthenticator(issuer, audiences, key, this::lookup, Clock.systemUTC());
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, RANKING);
        p.put("kapi.authenticator", "serviceaccount");
        registrations.add(context.registerService(Authenticator.class, authenticator, p));
        registrations.add(context.registerService(ServiceAccountTokens.class, tokens, new Hashtable<>(Map.of("kapi.issuer", issuer))));
        registrations.add(context.registerService(PostStartHook.class, new PostStartHook() {
            @Override
            public String name() {
                return HOOK;
            }

            @Override
            public void run(PostStartHookContext hook) {
                // resources are looked up per token: one not served (core/v1 away) refuses the token, not readiness
                loopback.set(hook.loopback());
            }
        }, null));
        LOG.info("service account issuer " + issuer + " (key " + key.keyId() + " in " + pki + "), API audiences " + audiences);
    }

    /**
     * kube's {@code --service-account-jwks-uri}: the one given, which must be https, or the key set's path at the
     * server's external address; null (no discovery documents, the tokens unaffected, as kube) when neither is usable.
     */
    static String jwksUri(Config config) {
        String given = config.serviceAccountJwksUri().trim();
        try {
            if (given.isEmpty()) {
                return new URI("https", null, config.advertiseAddress().trim(), config.securePort(), "/openid/v1/jwks", null, null).toString();
            }
            if ("https".equals(new URI(given).getScheme())) {
                return given;
            }
            LOG.warning("serviceAccountJwksUri " + given + " must use the https scheme: no OpenID discovery documents are served");
        } catch (URISyntaxException e) {
            LOG.warning("no OpenID discovery documents are served: " + e.getMessage());
        }
        return null;
    }

    /** kube's {@code --api-audiences}: the list given, or the issuer alone. */
    static List<String> audiences(String configured, String issuer) {
        List<String> list = Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return list.isEmpty() ? List.of(issuer) : list;
    }

    private ObjectNode lookup(String resource, String namespace, String name) {
        LoopbackClient client = loopback.get();
        if (client == null) {
            throw StatusException.serviceUnavailable("the service account token authenticator is not started yet", 1);
        }
        try {
            return client.resource("", "v1", resource).get(LoopbackClient.context(namespace), name, null);
        } catch (StatusException e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }
}
