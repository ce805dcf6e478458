package io.kapi.core.authorization;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.Authorizer;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube's SelfSubjectAccessReview ({@code kubectl auth can-i}, {@code pkg/registry/authorization/selfsubjectaccessreview}):
 * "may I do this?" answered by the authorizers the authorization filter runs, for the requesting user.
 * Create-only, nothing is stored, so a dry run answers the same.
 */
public final class SelfSubjectAccessReviews implements Creater {
    static final String KIND = "SelfSubjectAccessReview";
    private final Supplier<List<Authorizer>> authorizers;

    public SelfSubjectAccessReviews(Supplier<List<Authorizer>> authorizers) {
        this.authorizers = authorizers;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        ObjectNode out = AccessReviews.prepare(review, KIND, "");
        AccessReviews.check(AccessReviewValidation.selfSubjectAccessReview(out));
        if (ctx.user() == null) {
            throw StatusException.badRequest("no user present on request");
        }
        return AccessReviews.decide(out, authorizers, ctx.user());
    }
}
