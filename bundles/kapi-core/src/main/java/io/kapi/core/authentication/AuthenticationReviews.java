package io.kapi.core.authentication;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.server.Authenticator;
import java.util.List;
import java.util.function.Supplier;

/**
 * authentication.k8s.io/v1 as the core serves it (kube's {@code pkg/registry/authentication/rest}):
 * tokenreviews, from the authenticators present, and selfsubjectreviews, from the request's user; both
 * create-only ({@code ["create"]} in discovery, as kube lists them).
 */
public final class AuthenticationReviews {
    private final Supplier<List<Authenticator>> authenticators;
    private final Supplier<List<String>> apiAudiences;

    /**
     * @param authenticators the authentication filter's authenticators in ranking order, read at every review
     * @param apiAudiences the API server's audiences, which TokenReview answers for tokens (kube's {@code --api-audiences}),
     *     read at every review
     */
    public AuthenticationReviews(Supplier<List<Authenticator>> authenticators, Supplier<List<String>> apiAudiences) {
        this.authenticators = authenticators;
        this.apiAudiences = apiAudiences;
    }

    public APIGroupProvider provider() {
        TokenReviews tokens = new TokenReviews(authenticators, apiAudiences);
        SelfSubjectReviews self = new SelfSubjectReviews();
        // kube 1.32's schemas: kubectl's client-side validation looks the kinds up in /openapi/v3
        com.fasterxml.jackson.databind.node.ObjectNode openApi = io.kapi.core.json.Json.resource(AuthenticationReviews.class,
                "authentication-v1-openapi.json");
        List<ResourceDefinition> resources = List.of(
                ResourceDefinition.builder("v1", "tokenreviews", TokenReviews.KIND)
                        .openApi(openApi, "io.k8s.api.authentication.v1." + TokenReviews.KIND).storage(binding -> tokens).build(),
                ResourceDefinition.builder("v1", "selfsubjectreviews", "SelfSubjectReview")
                        .openApi(openApi, "io.k8s.api.authentication.v1.SelfSubjectReview").storage(binding -> self).build());
        return new APIGroupProvider() {
            @Override
            public String group() {
                return "authentication.k8s.io";
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
