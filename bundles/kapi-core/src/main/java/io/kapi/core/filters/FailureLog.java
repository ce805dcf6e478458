package io.kapi.core.filters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which failures to log in full: the first of each kind (the exception's class, in one API group), then at most one
 * per interval, saying how many like it were left out. A group whose code fails on every request would otherwise
 * write a stack trace per request, and the other groups would pay for its logging.
 */
final class FailureLog {
    /** Kinds remembered at most; beyond it the memory is cleared (a burst of new kinds is logged in full). */
    private static final int MAX_KINDS = 1024;

    private final long intervalNanos;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    FailureLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * A failure's kind: its class. (Not where it was thrown: reading a stack trace builds every frame's element,
     * which would cost each failing request more than the rest of its answer.)
     */
    static String kind(Throwable e) {
        return e.getClass().getName();
    }

    /** The API group a request path names ({@code core} for /api, the path's first segment otherwise): cheap, no parse. */
    static String group(String path) {
        if (path.startsWith("/apis/")) {
            int end = path.indexOf('/', 6);
            return end < 0 ? path.substring(6) : path.substring(6, end);
        }
        if (path.startsWith("/api/") || path.equals("/api")) {
            return "core";
        }
        int end = path.indexOf('/', 1);
        return end < 0 ? path : path.substring(0, end);
    }

    /**
     * Whether a failure of {@code kind} at {@code nowNanos} is to be logged: -1 if not (it is counted), else how many
     * of its kind were left out since the last one logged.
     */
    long admit(String kind, long nowNanos) {
        if (kinds.size() >= MAX_KINDS && !kinds.containsKey(kind)) {
            kinds.clear();
        }
        Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
        synchronized (k) {
            if (k.logged && nowNanos - k.lastLogged < intervalNanos) {
                k.leftOut++;
                return -1;
            }
            long leftOut = k.leftOut;
            k.logged = true;
            k.lastLogged = nowNanos;
            k.leftOut = 0;
            return leftOut;
        }
    }

    private static final class Kind {
        boolean logged;
        long lastLogged;
        long leftOut;
    }
}
