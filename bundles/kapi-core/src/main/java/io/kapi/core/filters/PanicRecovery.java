package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import io.kapi.core.endpoints.Responses;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletResponse;

/** Turns any failure below it into a Status: StatusExceptions as they are, anything else a 500 InternalError. */
public final class PanicRecovery implements HandlerFilter {
    private static final Logger LOG = Logger.getLogger(PanicRecovery.class.getName());

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        try {
            next.proceed(request, response);
        } catch (StatusException e) {
            Responses.writeError(response, request.http().getHeader("Accept"), e);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "request " + request.http().getMethod() + " " + request.http().getRequestURI() + " failed", e);
            Responses.writeError(response, request.http().getHeader("Accept"),
                    StatusException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }
}
