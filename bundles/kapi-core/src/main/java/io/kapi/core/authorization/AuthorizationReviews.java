package io.kapi.core.authorization;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.server.Authorizer;
import java.util.List;
import java.util.function.Supplier;

/**
 * authorization.k8s.io/v1 as the core serves it, from the authorizers present (kube's
 * {@code pkg/registry/authorization/rest}): subjectaccessreviews, selfsubjectaccessreviews,
 * localsubjectaccessreviews (namespaced) and selfsubjectrulesreviews, each create-only ({@code ["create"]}
 * in discovery, as kube lists them).
 */
public final class AuthorizationReviews {
    private final Supplier<List<Authorizer>> authorizers;

    /** @param authorizers the authorization filter's authorizers in ranking order, read at every review */
    public AuthorizationReviews(Supplier<List<Authorizer>> authorizers) {
        this.authorizers = authorizers;
    }

    public APIGroupProvider provider() {
        SubjectAccessReviews subject = new SubjectAccessReviews(authorizers, false);
        SelfSubjectAccessReviews self = new SelfSubjectAccessReviews(authorizers);
        SubjectAccessReviews local = new SubjectAccessReviews(authorizers, true);
        SelfSubjectRulesReviews rules = new SelfSubjectRulesReviews(authorizers);
        List<ResourceDefinition> resources = List.of(
                ResourceDefinition.builder("v1", "subjectaccessreviews", SubjectAccessReviews.KIND).storage(binding -> subject).build(),
                ResourceDefinition.builder("v1", "selfsubjectaccessreviews", SelfSubjectAccessReviews.KIND).storage(binding -> self).build(),
                ResourceDefinition.builder("v1", "localsubjectaccessreviews", SubjectAccessReviews.LOCAL_KIND).namespaced(true)
                        .storage(binding -> local).build(),
                ResourceDefinition.builder("v1", "selfsubjectrulesreviews", SelfSubjectRulesReviews.KIND).storage(binding -> rules).build());
        return new APIGroupProvider() {
            @Override
            public String group() {
                return AccessReviews.GROUP;
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return resources;
            }
        };
    }
}
