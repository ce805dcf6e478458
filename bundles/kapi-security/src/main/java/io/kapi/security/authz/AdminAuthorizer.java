package io.kapi.security.authz;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.List;

/**
 * kube's privileged-group authorizer ({@code authorizerfactory.NewPrivilegedGroups}): members of
 * {@value #MASTERS} may do everything. Any other authenticated user gets what kube's default RBAC policy grants
 * {@code system:authenticated} ({@link AuthenticatedUserRoles}: discovery, OpenAPI, health and version, and the
 * self reviews); beyond that it has no opinion, so the next authorizer (RBAC, when present) decides, and with
 * none left the chain denies.
 *
 * <p>Its rules (SelfSubjectRulesReview) are what kube lists for {@value #MASTERS}, whom kube's default
 * {@code cluster-admin} binding grants everything: every verb on every resource of every group and on
 * every non-resource path; for another authenticated user those default roles' rules; nothing for anyone
 * else. Stateless.
 */
public final class AdminAuthorizer implements Authorizer, RuleResolver {
    public static final String MASTERS = "system:masters";

    /** The rules of kube's {@code cluster-admin} ClusterRole. */
    static final Rules EVERYTHING = new Rules(
            List.of(new ResourceRule(List.of("*"), List.of("*"), List.of("*"), List.of())),
            List.of(new NonResourceRule(List.of("*"), List.of("*"))), false, "");

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        if (isMaster(user) || isAuthenticated(user) && AuthenticatedUserRoles.allows(request)) {
            return Decision.ALLOW;
        }
        return Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        return isMaster(user) ? EVERYTHING : isAuthenticated(user) ? AuthenticatedUserRoles.RULES : Rules.NONE;
    }

    private static boolean isAuthenticated(UserInfo user) {
        return user != null && user.groups() != null && user.groups().contains(AuthenticatedUserRoles.AUTHENTICATED);
    }

    private static boolean isMaster(UserInfo user) {
        return user != null && user.groups() != null && user.groups().contains(MASTERS);
    }
}
