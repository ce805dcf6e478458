package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.HandlerFilter;
import java.io.IOException;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Runs the authenticators in ranking order; the first that accepts a credential decides, and a credential
 * every one of them rejects is 401. Without
 * any credential the request is anonymous, which only the public health and version paths accept
 * (kube's {@code system:public-info-viewer}); API paths answer 401.
 */
public final class Authentication implements HandlerFilter {
    private final List<Authenticator> authenticators;

    public Authentication(List<Authenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        UserInfo user = authenticate(authenticators, request.http());
        if (user != null) {
            next.proceed(request.withUser(user), response);
            return;
        }
        if (PublicPaths.isPublic(request.info().path())) {
            next.proceed(request.withUser(UserInfo.ANONYMOUS), response);
            return;
        }
        throw StatusException.unauthorized();
    }

    /**
     * kube's union authenticator: the user the first authenticator to accept the request's credential makes
     * of it (a credential one authenticator rejects may still be another's); null when none finds a
     * credential; 401 when one rejects it and none accepts it. The TokenReview API asks it too.
     */
    public static UserInfo authenticate(List<Authenticator> authenticators, HttpServletRequest request) {
        StatusException rejected = null;
        for (Authenticator a : authenticators) {
            UserInfo user;
            try {
                user = a.authenticate(request);
            } catch (StatusException e) {
                rejected = e;
                continue;
            }
            if (user != null) {
                return user;
            }
        }
        if (rejected != null) {
            throw StatusException.unauthorized();
        }
        return null;
    }
}
