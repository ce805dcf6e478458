package io.kapi.security.internal.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.TokenAudiences;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.WebSocketBearerToken;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;

/**
 * kube's service account token authenticator for the tokens of its own issuer: a bearer token that is a JWT whose
 * {@code iss} is this server's issuer must carry a valid ES256 signature of the issuer's key, be within its validity
 * (a minute of leeway, as go-jose's), name one of the audiences asked for (the API audiences unless the caller asks
 * for others, {@link TokenAudiences}; a token naming none is for the API audiences), and still belong to a service
 * account (and bound pod, secret or node) that exists with the uid it names and is not being deleted for over a
 * minute. The user is kube's: {@code system:serviceaccount:<ns>:<name>} with the service account's uid, the groups
 * {@code system:serviceaccounts} and {@code system:serviceaccounts:<ns>}, and the pod, node and credential id in
 * its extra. Any other bearer token is not this authenticator's (null); a token of this issuer that fails a check
 * is 401, as kube answers, the reason only logged.
 */
public final class ServiceAccountAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(ServiceAccountAuthenticator.class.getName());
    /** go-jose's {@code DefaultLeeway}. */
    static final Duration LEEWAY = Duration.ofMinutes(1);
    /** kube's grace for an object being deleted: its tokens stop working a minute after its deletion began. */
    static final Duration DELETION_GRACE = Duration.ofSeconds(60);
    static final String EXTRA_PREFIX = "authentication.kubernetes.io/";

    /** Reads one object of core/v1 ("serviceaccounts", "pods", "secrets", "nodes"); null when there is none. */
    @FunctionalInterface
    public interface Lookup {
        ObjectNode get(String resource, String namespace, String name);
    }

    private final String issuer;
    private final List<String> audiences;
    private final ECDSAVerifier verifier;
    private final Lookup lookup;
    private final Clock clock;

    public ServiceAccountAuthenticator(String issuer, List<String> audiences, ServiceAccountKey key, Lookup lookup, Clock clock) {
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.lookup = lookup;
        this.clock = clock;
        try {
            this.verifier = new ECDSAVerifier(key.publicKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the service account key cannot verify ES256: " + e.getMessage(), e);
        }
    }

    @Override
    public UserInfo authenticate(HttpServletRequest request) {
        String token = TokenAuthenticator.bearer(request.getHeader("Authorization"));
        if (token == null) {
            token = WebSocketBearerToken.of(request);
        }
        if (token == null || token.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException notAJwt) {
            return null;
        }
        if (!issuer.equals(claims.getIssuer())) {
            return null; // another issuer's token: another authenticator's, if any
        }
        try {
            return validate(jwt, claims, request);
        } catch (Invalid e) {
            LOG.log(Level.FINE, "service account token refused: {0}", e.getMessage());
            throw StatusException.unauthorized();
        } catch (StatusException e) {
            throw e; // a lookup that cannot be answered now (503): refused without a stack trace in the log
        } catch (RuntimeException e) {
            // a claim of the wrong form, an unreadable object: a refusal, as kube's, not a server error
            LOG.log(Level.WARNING, "service account token refused: " + e, e);
            throw StatusException.unauthorized();
        }
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private UserInfo validate(SignedJWT jwt, JWTClaimsSet claims, HttpServletRequest request) throws Invalid {
        try {
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new Invalid("invalid signature");
            }
        } catch (JOSEException e) {
            throw new Invalid("invalid signature: " + e.getMessage());
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || now.isAfter(claims.getExpirationTime().toInstant().plus(LEEWAY))) {
            throw new Invalid("service account token has expired");
        }
        if (claims.getNotBeforeTime() != null && now.plus(LEEWAY).isBefore(claims.getNotBeforeTime().toInstant())) {
            throw new Invalid("service account token is not valid yet");
        }
        if (claims.getIssueTime() != null && now.plus(LEEWAY).isBefore(claims.getIssueTime().toInstant())) {
            throw new Invalid("service account token is issued in the future");
        }
        // kube's jwtTokenAuthenticator: a token naming no audience is for the API's; the requested ones are the API's unless asked
        List<String> tokenAudiences = claims.getAudience().isEmpty() ? audiences : claims.getAudience();
        List<String> requested = request.getAttribute(TokenAudiences.REQUESTED) instanceof List<?> r
                ? r.stream().map(String::valueOf).toList() : audiences;
        List<String> accepted = tokenAudiences.stream().filter(requested::contains).distinct().toList();
        if (accepted.isEmpty()) {
            throw new Invalid("token audiences " + tokenAudiences + " is invalid for the target audiences " + requested);
        }
        Map<String, Object> kube;
        try {
            kube = claims.getJSONObjectClaim(ServiceAccountTokenIssuer.KUBERNETES);
        } catch (ParseException e) {
            kube = null;
        }
        if (kube == null) {
            throw new Invalid("service account token claims could not be retrieved");
        }
        String namespace = text(kube.get("namespace"));
        Map<?, ?> account = kube.get("serviceaccount") instanceof Map<?, ?> m ? m : Map.of();
        String name = text(account.get("name"));
        String uid = text(account.get("uid"));
        if (namespace.isEmpty() || name.isEmpty() || uid.isEmpty()
                || !(ServiceAccountTokenIssuer.USER_PREFIX + namespace + ":" + name).equals(claims.getSubject())) {
            throw new Invalid("service account token claims are incomplete or do not match its subject");
        }
        Instant deletedBefore = now.minus(DELETION_GRACE);
        check("serviceaccounts", namespace, name, uid, deletedBefore);
        Map<String, List<String>> extra = new LinkedHashMap<>();
        Map<?, ?> pod = kube.get("pod") instanceof Map<?, ?> m ? m : null;
        Map<?, ?> secret = kube.get("secret") instanceof Map<?, ?> m ? m : null;
        Map<?, ?> node = kube.get("node") instanceof Map<?, ?> m ? m : null;
        if (pod != null) {
            check("pods", namespace, text(pod.get("name")), text(pod.get("uid")), deletedBefore);
            extra.put(EXTRA_PREFIX + "pod-name", List.of(text(pod.get("name"))));
            extra.put(EXTRA_PREFIX + "pod-uid", List.of(text(pod.get("uid"))));
        }
        if (secret != null) {
            check("secrets", namespace, text(secret.get("name")), text(secret.get("uid")), deletedBefore);
        }
        if (node != null) {
            if (pod == null) {
                // bound to the node itself, not the node a bound pod runs on
                check("nodes", "", text(node.get("name")), text(node.get("uid")), deletedBefore);
            }
            extra.put(EXTRA_PREFIX + "node-name", List.of(text(node.get("name"))));
            if (!text(node.get("uid")).isEmpty()) {
                extra.put(EXTRA_PREFIX + "node-uid", List.of(text(node.get("uid"))));
            }
        }
        if (claims.getJWTID() != null && !claims.getJWTID().isEmpty()) {
            extra.put(EXTRA_PREFIX + "credential-id", List.of("JTI=" + claims.getJWTID()));
        }
        List<String> groups = new ArrayList<>(List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"));
        request.setAttribute(TokenAudiences.ACCEPTED, accepted);
        return new UserInfo(ServiceAccountTokenIssuer.USER_PREFIX + namespace + ":" + name, uid, groups, extra);
    }

    /** The object exists with exactly {@code uid}, as kube compares it, and is not being deleted since before {@code deletedBefore}. */
    private void check(String resource, String namespace, String name, String uid, Instant deletedBefore) throws Invalid {
        ObjectNode o = name.isEmpty() ? null : lookup.get(resource, namespace, name);
        if (o == null) {
            throw new Invalid("service account token has been invalidated: " + resource + " " + name + " not found");
        }
        JsonNode meta = o.path("metadata");
        if (!uid.equals(meta.path("uid").asText(""))) {
            throw new Invalid(resource + " UID (" + meta.path("uid").asText("") + ") does not match claim (" + uid + ")");
        }
        String deletion = meta.path("deletionTimestamp").asText("");
        if (!deletion.isEmpty() && Instant.parse(deletion).isBefore(deletedBefore)) {
            throw new Invalid("service account token has been invalidated: " + resource + " " + name + " is being deleted");
        }
    }

    private static String text(Object o) {
        return o instanceof String s ? s : "";
    }
}
