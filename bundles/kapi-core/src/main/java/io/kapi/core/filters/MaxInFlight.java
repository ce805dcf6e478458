package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import javax.servlet.http.HttpServletResponse;

/** kube's {@code WithMaxInFlightLimit}: separate budgets for reads (400) and mutations (200); over budget is 429. */
public final class MaxInFlight implements HandlerFilter {
    private static final Set<String> MUTATING = Set.of("create", "update", "patch", "delete", "deletecollection",
            "post", "put");
    private final Semaphore readOnly;
    private final Semaphore mutating;
    private final int readOnlyLimit;
    private final int mutatingLimit;

    public MaxInFlight(int readOnlyLimit, int mutatingLimit) {
        this.readOnly = new Semaphore(readOnlyLimit);
        this.mutating = new Semaphore(mutatingLimit);
        this.readOnlyLimit = readOnlyLimit;
        this.mutatingLimit = mutatingLimit;
    }

    /** Requests of the kind being served now (kube's apiserver_current_inflight_requests). */
    public int inFlight(boolean mutatingKind) {
        return mutatingKind ? mutatingLimit - mutating.availablePermits() : readOnlyLimit - readOnly.availablePermits();
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        if (LongRunning.is(request.info())) {
            next.proceed(request, response);
            return;
        }
        Semaphore budget = MUTATING.contains(request.info().verb()) ? mutating : readOnly;
        if (!budget.tryAcquire()) {
            throw StatusException.tooManyRequests("Too many requests, please try again later.", 1);
        }
        try {
            next.proceed(request, response);
        } finally {
            budget.release();
        }
    }
}
