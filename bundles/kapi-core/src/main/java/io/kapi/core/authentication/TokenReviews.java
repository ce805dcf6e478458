package io.kapi.core.authentication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.TokenAudiences;
import io.kapi.core.authorization.AccessReviews;
import io.kapi.core.filters.Authentication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;

/**
 * kube's TokenReview ({@code pkg/registry/authentication/tokenreview}): is {@code spec.token} a bearer
 * token of this server, and whose? Answered by the authenticators the authentication filter runs, handed
 * a request that carries nothing but the token ({@link BearerTokenRequest}). Create-only, nothing is
 * stored, so a dry run answers the same.
 *
 * <p>Audiences: {@code spec.audiences} (the API server's when empty) are asked for
 * ({@link TokenAudiences#REQUESTED}). An authenticator whose tokens name audiences (service account tokens)
 * checks them itself and answers those the token is valid for ({@link TokenAudiences#ACCEPTED}), as kube's
 * JWT authenticator does. The others (the static token file) are treated as kube treats its audience-agnostic
 * ones ({@code authenticator.WrapAudienceAgnosticToken}): their tokens are for the API server's own audiences
 * only; an empty intersection with the ones asked for is an invalid token. What was accepted is what the review
 * answers in {@code status.audiences}.
 */
public final class TokenReviews implements Creater {
    static final String KIND = "TokenReview";
    static final String API_VERSION = "authentication.k8s.io/v1";
    /** kube's {@code bearertoken} error for a token that no authenticator accepts. */
    static final String INVALID_TOKEN = "invalid bearer token";
    /**
     * kube's {@code --api-audiences} default to its service account issuer, which kubeadm sets to the
     * cluster's in-cluster address.
     */
    public static final List<String> DEFAULT_API_AUDIENCES = List.of("https://kubernetes.default.svc.cluster.local");
    private static final String AUTHENTICATED = "system:authenticated";
    private static final String UNAUTHENTICATED = "system:unauthenticated";

    private final Supplier<List<Authenticator>> authenticators;
    private final Supplier<List<String>> apiAudiences;

    /**
     * @param authenticators the authentication filter's authenticators in ranking order, read at every review
     * @param apiAudiences the API server's audiences (kube's {@code --api-audiences}), read at every review
     */
    public TokenReviews(Supplier<List<Authenticator>> authenticators, Supplier<List<String>> apiAudiences) {
        this.authenticators = authenticators;
        this.apiAudiences = apiAudiences;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        String namespace = ctx.namespace() == null ? "" : ctx.namespace();
        if (!namespace.isEmpty()) {
            throw StatusException.badRequest("namespace is not allowed on this type: " + namespace);
        }
        ObjectNode out = review.deepCopy();
        out.put("apiVersion", API_VERSION);
        out.put("kind", KIND);
        AccessReviews.prepareMetadata(Json.metadata(out), "");
        JsonNode spec = out.get("spec");
        String token = Json.text(spec, "token");
        if (token.isEmpty()) {
            // kube checks this in its storage, before anything else: a 400, not a validation error
            throw StatusException.badRequest("token is required for TokenReview in authentication");
        }
        List<String> api = apiAudiences.get();
        List<String> audiences = strings(spec == null ? null : spec.get("audiences"));
        if (audiences.isEmpty()) {
            audiences = api;
        }

        UserInfo user = null;
        List<String> accepted = List.of();
        String error = "";
        // kube's bearertoken authenticator: a header that yields no token is no credential at all
        if (bearer("Bearer " + token) != null) {
            HttpServletRequest request = BearerTokenRequest.of(token, Map.of(TokenAudiences.REQUESTED, audiences));
            try {
                user = Authentication.authenticate(authenticators.get(), request);
            } catch (StatusException rejected) {
                error = INVALID_TOKEN;
            }
            if (user != null) {
                if (request.getAttribute(TokenAudiences.ACCEPTED) instanceof List<?> checked) {
                    // only what was asked for, whatever the authenticator says
                    accepted = intersect(checked.stream().map(String::valueOf).toList(), audiences);
                    if (accepted.isEmpty()) {
                        user = null;
                        error = INVALID_TOKEN;
                    }
                } else {
                    // an audience-agnostic authenticator's token is for the API server's audiences only
                    List<String> implicit = intersect(api, audiences);
                    if (!audiences.isEmpty() && implicit.isEmpty()) {
                        user = null;
                        error = INVALID_TOKEN;
                    }
                    accepted = user == null || audiences.isEmpty() ? List.of() : implicit;
                }
            }
        }

        ObjectNode status = out.putObject("status");
        if (user != null) {
            status.put("authenticated", true);
        }
        ObjectNode info = status.putObject("user");
        if (user != null) {
            info.put("username", user.name());
            if (user.uid() != null && !user.uid().isEmpty()) {
                info.put("uid", user.uid());
            }
            List<String> groups = authenticatedGroups(user.groups());
            if (!groups.isEmpty()) {
                ArrayNode g = info.putArray("groups");
                groups.forEach(g::add);
            }
        }
        if (!accepted.isEmpty()) {
            ArrayNode a = status.putArray("audiences");
            accepted.forEach(a::add);
        }
        if (!error.isEmpty()) {
            status.put("error", error);
        }
        return out;
    }

    /** kube's {@code group.AuthenticatedGroupAdder}, which wraps its authenticator chain. */
    static List<String> authenticatedGroups(List<String> groups) {
        List<String> out = new ArrayList<>(groups == null ? List.of() : groups);
        if (!out.contains(AUTHENTICATED) && !out.contains(UNAUTHENTICATED)) {
            out.add(AUTHENTICATED);
        }
        return out;
    }

    /** kube's {@code bearertoken}: the token of an {@code Authorization} header value, null when it has none. */
    static String bearer(String header) {
        String[] parts = header.strip().split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return null;
        }
        return parts[1];
    }

    /** kube's {@code Audiences.Intersect}: the members of {@code a} that {@code b} has, in {@code a}'s order. */
    static List<String> intersect(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (String aud : a) {
            if (b.contains(aud)) {
                out.add(aud);
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
