package io.kapi.core.filters;

import io.kapi.api.server.RequestInfo;

/** kube's long-running request check: watches (and, later, proxy/exec) are exempt from in-flight and timeout limits. */
final class LongRunning {
    private LongRunning() {
    }

    static boolean is(RequestInfo info) {
        return info != null && "watch".equals(info.verb());
    }
}
