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
        // kube 1.32's schemas: kubectl's client-side validation looks the kinds up in /openapi/v3
        com.fasterxml.jackson.databind.node.ObjectNode openApi = io.kapi.core.json.Json.resource(AuthorizationReviews.class,
                "authorization-v1-openapi.json");
        String prefix = "io.k8s.api.authorization.v1.";
        List<ResourceDefinition> resources = List.of(
                ResourceDefinition.builder("v1", "subjectaccessreviews", SubjectAccessReviews.KIND)
                        .openApi(openApi, prefix + SubjectAccessReviews.KIND).storage(binding -> subject).build(),
                ResourceDefinition.builder("v1", "selfsubjectaccessreviews", SelfSubjectAccessReviews.KIND)
                        .openApi(openApi, prefix + SelfSubjectAccessReviews.KIND).storage(binding -> self).build(),
                ResourceDefinition.builder("v1", "localsubjectaccessreviews", SubjectAccessReviews.LOCAL_KIND).namespaced(true)
                        .openApi(openApi, prefix + SubjectAccessReviews.LOCAL_KIND).storage(binding -> local).build(),
                ResourceDefinition.builder("v1", "selfsubjectrulesreviews", SelfSubjectRulesReviews.KIND)
                        .openApi(openApi, prefix + SelfSubjectRulesReviews.KIND).storage(binding -> rules).build());
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
