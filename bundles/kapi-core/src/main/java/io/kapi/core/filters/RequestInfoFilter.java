package io.kapi.core.filters;

import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import io.kapi.core.endpoints.RequestInfoResolver;
import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/** Derives the request info (verb, group, version, namespace, resource, name) once for all later filters. */
public final class RequestInfoFilter implements HandlerFilter {
    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        next.proceed(request.withInfo(RequestInfoResolver.resolve(request.http().getMethod(), pathOf(request),
                request.http().getParameter("watch"))), response);
    }

    static String pathOf(ApiRequest request) {
        String uri = request.http().getRequestURI();
        String ctx = request.http().getContextPath();
        String path = ctx != null && !ctx.isEmpty() && uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }
}
