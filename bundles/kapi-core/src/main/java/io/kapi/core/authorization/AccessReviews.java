package io.kapi.core.authorization;

import static io.kapi.core.authorization.GoValues.field;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the three access reviews share (kube's {@code pkg/registry/authorization/util} and the create
 * handler's object preparation): the review's metadata as the handler hands it on, the authorizer
 * attributes of a spec, and the status of a decision of {@link AuthorizerUnion}. Stateless.
 */
public final class AccessReviews {
    static final String GROUP = "authorization.k8s.io";
    static final String API_VERSION = GROUP + "/v1";

    private AccessReviews() {
    }

    /**
     * The review as kube's create handler passes it to the storage: system fields wiped
     * ({@code rest.WipeObjectMetaSystemFields}) and the namespace made the request's
     * ({@code rest.EnsureObjectNamespaceMatchesRequestNamespace}: filled in, cleared for a cluster-scoped
     * request, 400 when it names another one).
     */
    static ObjectNode prepare(ObjectNode review, String kind, String requestNamespace) {
        ObjectNode out = review.deepCopy();
        out.put("apiVersion", API_VERSION);
        out.put("kind", kind);
        prepareMetadata(Json.metadata(out), requestNamespace);
        return out;
    }

    /** The metadata part of {@link #prepare}, for the other review APIs of the core (TokenReview). */
    public static void prepareMetadata(ObjectNode m, String requestNamespace) {
        for (String wiped : List.of("uid", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")) {
            m.remove(wiped);
        }
        // Go writes the zero creation time as null
        m.putNull("creationTimestamp");
        String namespace = Json.text(m, "namespace");
        if (namespace.equals(requestNamespace)) {
            return;
        }
        if (namespace.isEmpty() || requestNamespace.isEmpty()) {
            if (requestNamespace.isEmpty()) {
                m.remove("namespace");
            } else {
                m.put("namespace", requestNamespace);
            }
            return;
        }
        throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    /**
     * kube's {@code NewInvalid(authorizationapi.Kind(review.Kind), "", errs)}: the review is decoded into
     * kube's internal type, whose kind is empty, hence {@code .authorization.k8s.io "" is invalid}.
     */
    static void check(List<FieldCause> errs) {
        if (!errs.isEmpty()) {
            throw StatusException.invalid(GROUP, "", "", errs);
        }
    }

    /**
     * kube's {@code ResourceAttributesFrom} / {@code NonResourceAttributesFrom}: an empty version means all
     * versions ({@code "*"}). The selectors are left out: the authorizer contract has no place for them.
     */
    static RequestInfo attributes(JsonNode spec) {
        JsonNode ra = field(spec, "resourceAttributes");
        if (ra != null) {
            String version = Json.text(ra, "version");
            return new RequestInfo(true, "", Json.text(ra, "verb"), "", Json.text(ra, "group"), version.isEmpty() ? "*" : version,
                    Json.text(ra, "namespace"), Json.text(ra, "resource"), Json.text(ra, "subresource"), Json.text(ra, "name"), List.of());
        }
        JsonNode na = field(spec, "nonResourceAttributes");
        return new RequestInfo(false, Json.text(na, "path"), Json.text(na, "verb"), "", "", "", "", "", "", "", List.of());
    }

    /** The user a SubjectAccessReview asks about: its user, uid and groups (kube's {@code AuthorizationAttributesFrom}). */
    static UserInfo subject(JsonNode spec) {
        List<String> groups = new ArrayList<>();
        JsonNode g = field(spec, "groups");
        if (g != null && g.isArray()) {
            g.forEach(v -> groups.add(v.asText()));
        }
        return new UserInfo(Json.text(spec, "user"), Json.text(spec, "uid"), List.copyOf(groups));
    }

    /** Decides and writes kube's {@code SubjectAccessReviewStatus} in place of whatever status the review had. */
    static ObjectNode decide(ObjectNode review, Supplier<List<Authorizer>> authorizers, UserInfo user) {
        AuthorizerUnion.Result r = AuthorizerUnion.authorize(authorizers.get(), user, attributes(field(review, "spec")));
        ObjectNode status = review.putObject("status");
        status.put("allowed", r.allowed());
        if (r.decision() == Authorizer.Decision.DENY) {
            status.put("denied", true);
        }
        if (!r.reason().isEmpty()) {
            status.put("reason", r.reason());
        }
        if (!r.evaluationError().isEmpty()) {
            status.put("evaluationError", r.evaluationError());
        }
        return review;
    }
}
