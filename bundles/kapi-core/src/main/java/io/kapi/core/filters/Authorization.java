package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.authorization.AuthorizerUnion;
import java.io.IOException;
import java.util.List;
import javax.servlet.http.HttpServletResponse;

/**
 * kube's union authorizer ({@link AuthorizerUnion}): the first ALLOW or DENY decides; all NO_OPINION denies, and so
 * does no authorizer at all (security fails closed). The server does not let a request get here while no authorizer
 * is registered: {@link AuthorizationPending} answers 503 before authentication then.
 */
public final class Authorization implements HandlerFilter {
    private final List<Authorizer> authorizers;

    public Authorization(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        RequestInfo info = request.info();
        if (PublicPaths.isPublic(info.path())) {
            next.proceed(request, response);
            return;
        }
        UserInfo user = request.user() == null ? UserInfo.ANONYMOUS : request.user();
        AuthorizerUnion.Result decision = AuthorizerUnion.authorize(authorizers, user, info);
        if (decision.allowed()) {
            next.proceed(request, response);
            return;
        }
        if (decision.failure() != null) {
            // kube's WithAuthorization: an authorizer's error, when no other allowed the request, is a 500
            throw decision.failure();
        }
        throw forbidden(user, info);
    }

    /** kube's {@code responsewriters.Forbidden}: NewForbidden(resource[.group], name, reason) for resource requests. */
    static StatusException forbidden(UserInfo user, RequestInfo info) {
        String username = "User \"" + user.name() + "\"";
        if (!info.resourceRequest()) {
            return StatusException.forbidden("forbidden: " + username + " cannot " + info.verb() + " path \"" + info.path() + "\"");
        }
        String resource = info.resource() + (info.subresource().isEmpty() ? "" : "/" + info.subresource());
        String where = info.namespace().isEmpty() ? " at the cluster scope" : " in the namespace \"" + info.namespace() + "\"";
        String reason = username + " cannot " + info.verb() + " resource \"" + resource + "\" in API group \"" + info.apiGroup() + "\"" + where;
        String qualified = info.apiGroup().isEmpty() ? info.resource() : info.resource() + "." + info.apiGroup();
        String subject = info.name().isEmpty() ? qualified : qualified + " \"" + info.name() + "\"";
        return new StatusException(403, "Forbidden", subject + " is forbidden: " + reason, info.apiGroup(), info.resource(),
                info.name(), null, 0);
    }
}
