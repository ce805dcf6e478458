package io.kapi.server.kube;

import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.ServerContext;
import io.kapi.api.server.ServiceAccountTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The kube server: the service account issuer's OpenID discovery documents (kube's
 * {@code ServiceAccountIssuerDiscovery}: {@code /.well-known/openid-configuration} and {@code /openid/v1/jwks},
 * while an issuer is registered), the routes of the groups it hosts, then its own root discovery (merged with
 * the servers behind it), which only answers when no aggregator stands in front.
 */
@Component(service = DelegationTarget.class, property = {DelegationTarget.ORDER + ":Integer=200"})
public final class KubeServer implements DelegationTarget {
    static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";
    static final String JWKS = "/openid/v1/jwks";
    /** kube's {@code mimeJWKS}. */
    static final String JWKS_MEDIA_TYPE = "application/jwk-set+json";

    /** Followed as it comes and goes: the documents are read per request, the director is not rebuilt for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ServiceAccountTokens issuer;

    @Override
    public String name() {
        return "kube";
    }

    @Override
    public Director director(ServerContext context) {
        Director hosted = context.hostedApis();
        Director root = context.mergedRootDiscovery();
        return (request, response) -> issuerDiscovery(issuer, request, response) || hosted.serve(request, response)
                || root.serve(request, response);
    }

    /** kube's {@code OpenIDMetadataServer}: GETs of the two documents, cacheable for an hour. */
    static boolean issuerDiscovery(ServiceAccountTokens tokens, ApiRequest request, HttpServletResponse response) throws IOException {
        if (tokens == null || request.info().resourceRequest() || !"GET".equals(request.http().getMethod())) {
            return false;
        }
        String path = request.info().path();
        String body;
        String mediaType;
        if (path.equals(OPENID_CONFIGURATION) || path.equals(OPENID_CONFIGURATION + "/")) {
            body = tokens.openIdConfiguration();
            mediaType = "application/json";
        } else if (path.equals(JWKS) || path.equals(JWKS + "/")) {
            body = tokens.openIdConfiguration() == null ? null : tokens.jsonWebKeySet();
            mediaType = JWKS_MEDIA_TYPE;
        } else {
            return false;
        }
        if (body == null) {
            return false; // an issuer that is not an https URL: kube serves no discovery
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setHeader("Content-Type", mediaType);
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        return true;
    }
}
