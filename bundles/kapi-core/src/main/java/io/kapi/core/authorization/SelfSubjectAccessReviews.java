package io.kapi.core.authorization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.json.Json;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube's SelfSubjectAccessReview: "may I do this?" answered by the same authorizers the
 * authorization filter runs, for the requesting user. Create-only, nothing is stored.
 */
public final class SelfSubjectAccessReviews implements Creater {
    private final Supplier<List<Authorizer>> authorizers;

    public SelfSubjectAccessReviews(Supplier<List<Authorizer>> authorizers) {
        this.authorizers = authorizers;
    }

    /** The group provider serving this resource. */
    public APIGroupProvider provider() {
        ResourceDefinition def = new ResourceDefinition("v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
                "SelfSubjectAccessReview", false, List.of(), List.of(), null, null, binding -> this);
        return new APIGroupProvider() {
            @Override
            public String group() {
                return "authorization.k8s.io";
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(def);
            }
        };
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        JsonNode spec = review.get("spec");
        JsonNode ra = spec == null ? null : spec.get("resourceAttributes");
        JsonNode na = spec == null ? null : spec.get("nonResourceAttributes");
        if ((ra == null) == (na == null)) {
            throw StatusException.invalid("authorization.k8s.io", "SelfSubjectAccessReview", "", List.of(FieldCause.invalid(
                    "spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
        }
        RequestInfo info = ra != null
                ? new RequestInfo(true, "", Json.text(ra, "verb"), "", Json.text(ra, "group"), Json.text(ra, "version"),
                        Json.text(ra, "namespace"), Json.text(ra, "resource"), Json.text(ra, "subresource"), Json.text(ra, "name"), List.of())
                : new RequestInfo(false, Json.text(na, "path"), Json.text(na, "verb"), "", "", "", "", "", "", "", List.of());
        UserInfo user = ctx.user();
        boolean allowed = false;
        boolean denied = false;
        for (Authorizer a : authorizers.get()) {
            Authorizer.Decision d = a.authorize(user, info);
            if (d == Authorizer.Decision.ALLOW) {
                allowed = true;
                break;
            }
            if (d == Authorizer.Decision.DENY) {
                denied = true;
                break;
            }
        }
        ObjectNode out = review.deepCopy();
        out.put("apiVersion", "authorization.k8s.io/v1");
        out.put("kind", "SelfSubjectAccessReview");
        Json.metadata(out);
        ObjectNode status = out.putObject("status");
        status.put("allowed", allowed);
        if (denied) {
            status.put("denied", true);
        }
        if (!allowed) {
            status.put("reason", authorizers.get().isEmpty() ? "no authorizer is available" : "no authorizer allowed the request");
        }
        return out;
    }
}
