package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import io.kapi.core.endpoints.Responses;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletResponse;

/**
 * Turns any failure below it into a Status: StatusExceptions as they are, anything else a 500 InternalError, logged
 * with its stack trace — the first of each kind in each API group, then at most one every 10 s with how many were
 * left out.
 */
public final class PanicRecovery implements HandlerFilter {
    private static final Logger LOG = Logger.getLogger(PanicRecovery.class.getName());
    private static final long LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final FailureLog failures = new FailureLog(LOG_INTERVAL_NANOS);

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        try {
            next.proceed(request, response);
        } catch (StatusException e) {
            Responses.writeError(response, request.http().getHeader("Accept"), e);
        } catch (RuntimeException | Error e) {
            long leftOut = failures.admit(FailureLog.kind(e) + " " + FailureLog.group(request.http().getRequestURI()), System.nanoTime());
            if (leftOut >= 0) {
                LOG.log(Level.WARNING, "request " + request.http().getMethod() + " " + request.http().getRequestURI() + " failed"
                        + (leftOut == 0 ? "" : " (" + leftOut + " more failed so since the last one logged: one is logged every 10 s)"), e);
            }
            Responses.writeError(response, request.http().getHeader("Accept"),
                    StatusException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }
}
