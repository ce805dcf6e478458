package io.kapi.core.filters;

import io.kapi.api.server.RequestInfo;
import java.util.Set;

/**
 * kube-apiserver's long-running request check ({@code BasicLongRunningRequestCheck} with the verbs {@code watch}
 * and {@code proxy}, and the subresources {@code attach}, {@code exec}, {@code proxy}, {@code log} and
 * {@code portforward}): such requests are exempt from the in-flight and timeout limits.
 */
final class LongRunning {
    private static final Set<String> VERBS = Set.of("watch", "proxy");
    private static final Set<String> SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");

    private LongRunning() {
    }

    static boolean is(RequestInfo info) {
        if (info == null) {
            return false;
        }
        if (VERBS.contains(info.verb())) {
            return true;
        }
        if (info.resourceRequest() && SUBRESOURCES.contains(info.subresource())) {
            return true;
        }
        return !info.resourceRequest() && info.path() != null && info.path().startsWith("/debug/pprof/");
    }
}
