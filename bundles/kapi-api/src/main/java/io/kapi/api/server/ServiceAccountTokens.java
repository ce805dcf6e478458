package io.kapi.api.server;

import java.time.Instant;
import java.util.List;

/**
 * Service account tokens signed with the server's issuer key, as kube-apiserver's {@code TokenGenerator} signs
 * them with {@code --service-account-signing-key-file} for {@code --service-account-issuer}: what the
 * {@code serviceaccounts/token} subresource (TokenRequest, {@code kubectl create token}) hands out and what
 * the server's service account authenticator accepts, and the OpenID discovery documents that let others verify them.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ServiceAccountTokens {
    /** The audiences of a token whose request names none: kube's {@code --api-audiences}, by default the issuer. */
    List<String> apiAudiences();

    /** A signed JWT carrying kube's claims for {@code claims}. */
    String issue(Claims claims);

    /**
     * The issuer's OpenID Connect discovery document, as kube-apiserver serves it at
     * {@code /.well-known/openid-configuration} ({@code issuer}, {@code jwks_uri}, the supported response and
     * subject types and signing algorithms); null when the issuer is not an https URL, for which kube serves none.
     */
    String openIdConfiguration();

    /** The public keys that verify the tokens as a JSON Web Key Set, as kube serves it at {@code /openid/v1/jwks}. */
    String jsonWebKeySet();

    /** An object a token is bound to (a Pod, Secret or Node): the token is valid only while it exists. */
    record BoundObject(String name, String uid) {
    }

    /**
     * kube's {@code serviceaccount.Claims}: the subject {@code system:serviceaccount:<namespace>:<name>}, the
     * audiences, issued and not valid before {@code issuedAt}, expiring {@code expirationSeconds} later, and
     * the private {@code kubernetes.io} claim with the namespace, the service account and any bound objects.
     *
     * @param pod the bound pod, or null
     * @param secret the bound secret, or null
     * @param node the bound node, or the node of the bound pod (its uid may be empty), or null
     */
    record Claims(String namespace, String serviceAccountName, String serviceAccountUid, List<String> audiences,
                  Instant issuedAt, long expirationSeconds, BoundObject pod, BoundObject secret, BoundObject node) {
        public Claims {
            audiences = List.copyOf(audiences);
        }

        /** When the token expires. */
        public Instant expiry() {
            return issuedAt.plusSeconds(expirationSeconds);
        }
    }
}
