package io.kapi.core.filters;

import io.kapi.api.rest.FieldCause;
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
        throw forbidden(user, info, decision.reason());
    }

    /**
     * kube's {@code responsewriters.Forbidden}: NewForbidden(resource[.group], name, message) for resource requests,
     * the message's {@code &}, {@code <} and {@code >} escaped as HTML (kube's sanitizer: an error must not read as
     * HTML), then the authorizers' {@code reason} after it when there is one.
     */
    static StatusException forbidden(UserInfo user, RequestInfo info, String authorizerReason) {
        String username = "User " + FieldCause.goQuote(user.name());
        String because = authorizerReason.isEmpty() ? "" : ": " + authorizerReason;
        if (!info.resourceRequest()) {
            // kube's NewForbidden with no resource still has details, all empty: "details":{}
            return new StatusException(403, "Forbidden", "forbidden: " + sanitized(username + " cannot " + info.verb() + " path "
                    + FieldCause.goQuote(info.path())) + because, "", "", "", null, 0);
        }
        String resource = info.resource() + (info.subresource().isEmpty() ? "" : "/" + info.subresource());
        String where = info.namespace().isEmpty() ? " at the cluster scope" : " in the namespace " + FieldCause.goQuote(info.namespace());
        String message = sanitized(username + " cannot " + info.verb() + " resource " + FieldCause.goQuote(resource) + " in API group "
                + FieldCause.goQuote(info.apiGroup()) + where) + because;
        String qualified = info.apiGroup().isEmpty() ? info.resource() : info.resource() + "." + info.apiGroup();
        String subject = info.name().isEmpty() ? qualified : qualified + " " + FieldCause.goQuote(info.name());
        return new StatusException(403, "Forbidden", subject + " is forbidden: " + message, info.apiGroup(), info.resource(),
                info.name(), null, 0);
    }

    private static String sanitized(String message) {
        return message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
