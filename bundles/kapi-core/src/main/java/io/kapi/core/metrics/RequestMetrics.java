package io.kapi.core.metrics;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Records every request in {@link KapiMetrics} once it is answered, refusals (401, 403, 429) included:
 * it sits just inside the request-info filter, outside authentication. A watch counts when its stream
 * starts. The code recorded is the one the client saw, as kube's instrumentation records the status
 * written in the header: once the response is committed, a failure after it (a client that hung up
 * while the last bytes were flushed) does not turn a 200 into a 500.
 */
public final class RequestMetrics implements HandlerFilter {
    private final KapiMetrics metrics;

    public RequestMetrics(KapiMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        long t0 = System.nanoTime();
        int code = 500;
        try {
            next.proceed(request, response);
            code = response.getStatus();
        } catch (StatusException e) {
            code = e.code();
            throw e;
        } finally {
            if (response.isCommitted()) {
                code = response.getStatus();
            }
            HttpServletRequest http = request.http();
            String query = http.getQueryString();
            boolean dryRun = query != null && query.contains("dryRun=All");
            metrics.request(request.info(), http.getMethod(), http.getContentType(), dryRun, code, System.nanoTime() - t0);
        }
    }
}
