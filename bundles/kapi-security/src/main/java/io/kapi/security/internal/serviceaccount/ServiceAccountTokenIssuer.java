package io.kapi.security.internal.serviceaccount;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kapi.api.server.ServiceAccountTokens;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * kube's {@code JWTTokenGenerator} for bound service account tokens: an ES256 JWS with the key's id in its
 * header, the standard claims ({@code iss}, {@code sub} {@code system:serviceaccount:<ns>:<name>}, {@code aud},
 * {@code exp}, {@code iat}, {@code nbf}, a random {@code jti}) and kube's private claim {@code kubernetes.io}.
 * Also the OpenID discovery documents kube serves for its issuer: the configuration (when the issuer is an https
 * URL without query or fragment, as kube requires) and the key set, both computed once.
 */
public final class ServiceAccountTokenIssuer implements ServiceAccountTokens {
    /** kube's private claim. */
    static final String KUBERNETES = "kubernetes.io";
    static final String USER_PREFIX = "system:serviceaccount:";

    private final String issuer;
    private final List<String> apiAudiences;
    private final ServiceAccountKey key;
    private final ECDSASigner signer;
    private final String openIdConfiguration;
    private final String jsonWebKeySet;

    /**
     * @param jwksUri where the key set is published, as kube's {@code --service-account-jwks-uri} (by default the
     *     server's external address with {@code /openid/v1/jwks}); null serves no discovery documents
     */
    public ServiceAccountTokenIssuer(String issuer, List<String> apiAudiences, ServiceAccountKey key, String jwksUri) {
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.key = key;
        this.openIdConfiguration = jwksUri != null && discoverable(issuer) ? configuration(issuer, jwksUri) : null;
        this.jsonWebKeySet = new JWKSet(new ECKey.Builder(Curve.P_256, key.publicKey()).keyUse(KeyUse.SIGNATURE)
                .keyID(key.keyId()).algorithm(JWSAlgorithm.ES256).build()).toString();
        try {
            this.signer = new ECDSASigner(key.privateKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the service account key cannot sign ES256: " + e.getMessage(), e);
        }
    }

    public String issuer() {
        return issuer;
    }

    @Override
    public String openIdConfiguration() {
        return openIdConfiguration;
    }

    @Override
    public String jsonWebKeySet() {
        return jsonWebKeySet;
    }

    /** kube's condition for serving discovery: the issuer is an https URL with neither query nor fragment. */
    static boolean discoverable(String issuer) {
        try {
            URI u = new URI(issuer);
            return "https".equals(u.getScheme()) && u.getHost() != null && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** kube's {@code openIDMetadata}, in its field order. */
    private static String configuration(String issuer, String jwksUri) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", jwksUri);
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of(JWSAlgorithm.ES256.getName()));
        try {
            return new ObjectMapper().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> apiAudiences() {
        return apiAudiences;
    }

    @Override
    public String issue(Claims claims) {
        Map<String, Object> kube = new LinkedHashMap<>();
        kube.put("namespace", claims.namespace());
        kube.put("serviceaccount", ref(new BoundObject(claims.serviceAccountName(), claims.serviceAccountUid())));
        if (claims.pod() != null) {
            kube.put("pod", ref(claims.pod()));
        }
        if (claims.secret() != null) {
            kube.put("secret", ref(claims.secret()));
        }
        if (claims.node() != null) {
            kube.put("node", ref(claims.node()));
        }
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(USER_PREFIX + claims.namespace() + ":" + claims.serviceAccountName())
                .audience(claims.audiences())
                .expirationTime(Date.from(claims.expiry()))
                .issueTime(Date.from(claims.issuedAt()))
                .notBeforeTime(Date.from(claims.issuedAt()))
                .jwtID(UUID.randomUUID().toString())
                .claim(KUBERNETES, kube)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.keyId()).build(), set);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("failed to generate token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** kube's {@code ref}: a name and, when known, a uid. */
    private static Map<String, Object> ref(BoundObject o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        if (o.uid() != null && !o.uid().isEmpty()) {
            m.put("uid", o.uid());
        }
        return m;
    }
}
