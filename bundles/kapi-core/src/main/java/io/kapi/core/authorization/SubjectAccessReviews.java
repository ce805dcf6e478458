package io.kapi.core.authorization;

import static io.kapi.core.authorization.GoValues.field;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.Authorizer;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube's SubjectAccessReview (cluster-scoped) and LocalSubjectAccessReview (namespaced, its resource
 * attributes confined to the request's namespace): "may this user or these groups do this?", answered by
 * the authorizers the authorization filter runs ({@code pkg/registry/authorization/subjectaccessreview}
 * and {@code localsubjectaccessreview}). Create-only, nothing is stored, so a dry run answers the same.
 */
public final class SubjectAccessReviews implements Creater {
    static final String KIND = "SubjectAccessReview";
    static final String LOCAL_KIND = "LocalSubjectAccessReview";
    private final Supplier<List<Authorizer>> authorizers;
    private final boolean local;

    /** @param local whether this serves LocalSubjectAccessReview rather than SubjectAccessReview */
    public SubjectAccessReviews(Supplier<List<Authorizer>> authorizers, boolean local) {
        this.authorizers = authorizers;
        this.local = local;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        if (!local) {
            ObjectNode out = AccessReviews.prepare(review, KIND, "");
            AccessReviews.check(AccessReviewValidation.subjectAccessReview(out));
            return AccessReviews.decide(out, authorizers, AccessReviews.subject(field(out, "spec")));
        }
        String namespace = ctx.namespace() == null ? "" : ctx.namespace();
        ObjectNode out = AccessReviews.prepare(review, LOCAL_KIND, namespace);
        AccessReviews.check(AccessReviewValidation.localSubjectAccessReview(out));
        // kube's REST checks these after validation; the handler has already made both namespaces agree
        if (namespace.isEmpty()) {
            throw StatusException.badRequest("namespace is required on this type: " + namespace);
        }
        if (!namespace.equals(Json.namespace(out))) {
            throw StatusException.badRequest("spec.resourceAttributes.namespace must match namespace: " + namespace);
        }
        return AccessReviews.decide(out, authorizers, AccessReviews.subject(field(out, "spec")));
    }
}
