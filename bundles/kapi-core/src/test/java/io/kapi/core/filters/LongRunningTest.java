package io.kapi.core.filters;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.core.endpoints.RequestInfoResolver;
import org.junit.jupiter.api.Test;

/** kube-apiserver's long-running check: watches, the connect subresources and pprof. */
class LongRunningTest {
    private static boolean longRunning(String method, String path, String watch) {
        return LongRunning.is(RequestInfoResolver.resolve(method, path, watch));
    }

    @Test
    void watchesAndConnectSubresourcesAreLongRunning() {
        assertTrue(longRunning("GET", "/api/v1/namespaces/default/pods", "true"));
        assertTrue(longRunning("GET", "/api/v1/nodes/n1/proxy/stats", null));
        assertTrue(longRunning("PUT", "/api/v1/namespaces/default/services/web/proxy/", null));
        assertTrue(longRunning("POST", "/api/v1/namespaces/default/pods/web/exec", null));
        assertTrue(longRunning("GET", "/api/v1/namespaces/default/pods/web/log", null));
        assertTrue(longRunning("GET", "/debug/pprof/heap", null));
        assertFalse(longRunning("GET", "/api/v1/namespaces/default/pods/web", null));
        assertFalse(longRunning("PUT", "/apis/apps/v1/namespaces/default/deployments/web/status", null));
        assertFalse(longRunning("GET", "/healthz", null));
    }
}
