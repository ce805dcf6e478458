package io.kapi.security.authn;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;

/** Allows members of {@code system:masters} everything (kube's privileged group); no opinion on anyone else. */
public final class AdminAuthorizer implements Authorizer {
    public static final String MASTERS = "system:masters";

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        return user.groups().contains(MASTERS) ? Decision.ALLOW : Decision.NO_OPINION;
    }
}
