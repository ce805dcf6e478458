package io.kapi.api.server;

import io.kapi.api.rest.UserInfo;

/** Decides whether a user may do a request (kube's {@code authorizer.Authorizer}). */
@org.osgi.annotation.versioning.ConsumerType
public interface Authorizer {
    enum Decision { ALLOW, DENY, NO_OPINION }

    Decision authorize(UserInfo user, RequestInfo request);
}
