package io.kapi.api.server;

import io.kapi.api.rest.UserInfo;
import javax.servlet.http.HttpServletRequest;

/**
 * Authenticates a request (kube's {@code authenticator.Request}). Returns null when the request
 * carries no credential of this kind; throws {@link io.kapi.api.rest.StatusException} (401) when it
 * carries one that is invalid.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Authenticator {
    UserInfo authenticate(HttpServletRequest request);
}
