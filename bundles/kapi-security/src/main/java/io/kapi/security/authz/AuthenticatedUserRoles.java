package io.kapi.security.authz;

import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.List;

/**
 * What kube's default RBAC policy grants every authenticated user ({@code system:authenticated}) through its
 * bootstrap cluster roles {@code system:discovery}, {@code system:basic-user} and {@code system:public-info-viewer}:
 * GET of the discovery, OpenAPI, version and health paths, and create of the self reviews
 * ({@code kubectl auth whoami}, {@code kubectl auth can-i}). Matched as RBAC matches: a path exactly, or by prefix
 * where the rule ends in {@code *}. Stateless.
 */
final class AuthenticatedUserRoles {
    static final String AUTHENTICATED = "system:authenticated";

    /** system:discovery's paths (system:public-info-viewer's are among them). */
    private static final List<String> PATHS = List.of("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi",
            "/openapi/*", "/api", "/api/*", "/apis", "/apis/*");

    /** The rules, in the order kube's bootstrap policy lists them: system:basic-user's, then the paths. */
    static final RuleResolver.Rules RULES = new RuleResolver.Rules(
            List.of(new RuleResolver.ResourceRule(List.of("create"), List.of("authentication.k8s.io"), List.of("selfsubjectreviews"), List.of()),
                    new RuleResolver.ResourceRule(List.of("create"), List.of("authorization.k8s.io"),
                            List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"), List.of())),
            List.of(new RuleResolver.NonResourceRule(List.of("get"), PATHS)), false, "");

    private AuthenticatedUserRoles() {
    }

    static boolean allows(RequestInfo request) {
        if (request.resourceRequest()) {
            return request.verb().equals("create") && request.subresource().isEmpty()
                    && (request.apiGroup().equals("authentication.k8s.io") && request.resource().equals("selfsubjectreviews")
                    || request.apiGroup().equals("authorization.k8s.io")
                    && (request.resource().equals("selfsubjectaccessreviews") || request.resource().equals("selfsubjectrulesreviews")));
        }
        if (!request.verb().equals("get")) {
            return false;
        }
        for (String p : PATHS) {
            if (p.endsWith("*") ? request.path().startsWith(p.substring(0, p.length() - 1)) : request.path().equals(p)) {
                return true;
            }
        }
        return false;
    }
}
