package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.RequestInfo;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Each API group's own share of the in-flight budget (what kube's API Priority and Fairness gives a
 * flow): a group whose code blocks or is slow fills its share and then hears 429, while the rest of
 * the server's budget stays for the other groups. Watches are not counted (they hold no thread).
 * Shares outlive serving snapshots: requests still running on an old snapshot hold theirs.
 */
public final class GroupBudgets {
    private static final Set<String> MUTATING = Set.of("create", "update", "patch", "delete", "deletecollection");

    private final int readOnlyShare;
    private final int mutatingShare;
    private final Map<String, Semaphore[]> budgets = new ConcurrentHashMap<>();

    /** Per group, at most {@code readOnlyShare} reads and {@code mutatingShare} writes at a time. */
    public GroupBudgets(int readOnlyShare, int mutatingShare) {
        this.readOnlyShare = readOnlyShare;
        this.mutatingShare = mutatingShare;
    }

    /** A slot for the request, released by closing it; a group over its share is kube's 429. */
    public AutoCloseable acquire(RequestInfo info) {
        if (LongRunning.is(info)) {
            return () -> { };
        }
        Semaphore[] group = budgets.computeIfAbsent(info.apiGroup(),
                g -> new Semaphore[] {new Semaphore(readOnlyShare), new Semaphore(mutatingShare)});
        Semaphore s = MUTATING.contains(info.verb()) ? group[1] : group[0];
        if (!s.tryAcquire()) {
            throw StatusException.tooManyRequests("Too many requests, please try again later.", 1);
        }
        return s::release;
    }
}
