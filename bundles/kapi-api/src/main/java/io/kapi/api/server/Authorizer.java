package io.kapi.api.server;

import io.kapi.api.rest.UserInfo;

/** Decides whether a user may do a request (kube's {@code authorizer.Authorizer}). */
@org.osgi.annotation.versioning.ConsumerType
public interface Authorizer {
    enum Decision { ALLOW, DENY, NO_OPINION }

    /**
     * A decision with kube's reason for it: why a request is allowed or denied, or, with no opinion, what kept the
     * authorizer from one (kube's RBAC: a binding names a role that is not there). The server appends a reason to
     * the message of its 403 and puts it in a SubjectAccessReview's {@code status.reason}; "" for none.
     */
    record Verdict(Decision decision, String reason) {
        public Verdict {
            if (decision == null || reason == null) {
                throw new IllegalArgumentException("a verdict has a decision and a reason (\"\" for none)");
            }
        }
    }

    Decision authorize(UserInfo user, RequestInfo request);

    /**
     * The decision with its reason; authorizers that give none keep this default, {@link #authorize} without a
     * reason (a null decision is no opinion, as the server took it before there were reasons).
     */
    default Verdict decide(UserInfo user, RequestInfo request) {
        Decision d = authorize(user, request);
        return new Verdict(d == null ? Decision.NO_OPINION : d, "");
    }
}
