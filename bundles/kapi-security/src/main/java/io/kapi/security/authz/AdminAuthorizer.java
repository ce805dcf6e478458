package io.kapi.security.authz;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;

/**
 * kube's privileged-group authorizer ({@code authorizerfactory.NewPrivilegedGroups}): members of
 * {@value #MASTERS} may do everything; for anyone else it has no opinion, so the next authorizer
 * (RBAC, when present) decides, and with none left the chain denies.
 */
public final class AdminAuthorizer implements Authorizer {
    public static final String MASTERS = "system:masters";

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        return user != null && user.groups() != null && user.groups().contains(MASTERS) ? Decision.ALLOW : Decision.NO_OPINION;
    }
}
