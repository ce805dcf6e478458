package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/**
 * In the chain only while no authorizer is registered, outside authentication: every request but the public
 * health and version paths answers 503 ("the server is currently unable to handle the request",
 * {@code Retry-After: 1}), as kube-apiserver answers while what it serves is not complete.
 *
 * <p>kube-apiserver's authenticators and authorizers exist before it serves its first request. Kapi's arrive as
 * services of a security bundle, one after the other, at every start and at every update of that bundle. Without
 * this filter the moments in between answer valid credentials with 401 (the authenticator for that credential is
 * not there yet) or 403 (no authorizer), which clients take as final: kubectl stops, an informer logs an
 * authorization error. A security bundle registers its authenticators before its authorizer and withdraws its
 * authorizer first, so while an authorizer is present its authenticators are too. Still failing closed: nothing is
 * served until an authorizer decides.
 */
public final class AuthorizationPending implements HandlerFilter {
    private static final String MESSAGE = "the server is currently unable to handle the request";

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        if (PublicPaths.isPublic(request.info().path())) {
            next.proceed(request, response);
            return;
        }
        throw StatusException.serviceUnavailable(MESSAGE, 1);
    }
}
