package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.server.RequestInfo;
import org.junit.jupiter.api.Test;

class RequestInfoResolverTest {
    @Test
    void resourcePaths() {
        RequestInfo list = RequestInfoResolver.resolve("GET", "/api/v1/namespaces/default/configmaps", null);
        assertEquals("list", list.verb());
        assertEquals("default", list.namespace());
        assertEquals("configmaps", list.resource());
        RequestInfo get = RequestInfoResolver.resolve("GET", "/apis/coordination.k8s.io/v1/namespaces/ns/leases/l1", null);
        assertEquals("get", get.verb());
        assertEquals("coordination.k8s.io", get.apiGroup());
        assertEquals("l1", get.name());
        RequestInfo watch = RequestInfoResolver.resolve("GET", "/api/v1/configmaps", "true");
        assertEquals("watch", watch.verb());
        assertEquals("get", RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/configmaps/x", "true").verb(),
                "a named GET with ?watch stays a get, as kube's RequestInfoFactory");
        RequestInfo legacy = RequestInfoResolver.resolve("GET", "/api/v1/watch/namespaces/a/configmaps/x", null);
        assertEquals("watch", legacy.verb());
        assertEquals("x", legacy.name());
        RequestInfo ns = RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/foo", null);
        assertEquals("namespaces", ns.resource());
        assertEquals("foo", ns.name());
        assertEquals("delete", ns.verb());
        RequestInfo status = RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/foo/status", null);
        assertEquals("status", status.subresource());
        RequestInfo dc = RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/a/secrets", null);
        assertEquals("deletecollection", dc.verb());
        assertEquals("create", RequestInfoResolver.resolve("POST", "/api/v1/namespaces", null).verb());
    }

    @Test
    void nonResourcePaths() {
        assertFalse(RequestInfoResolver.resolve("GET", "/healthz", null).resourceRequest());
        assertFalse(RequestInfoResolver.resolve("GET", "/apis", null).resourceRequest());
        RequestInfo groupDoc = RequestInfoResolver.resolve("GET", "/apis/coordination.k8s.io/v1", null);
        assertFalse(groupDoc.resourceRequest());
        assertEquals("v1", groupDoc.apiVersion());
        assertTrue(RequestInfoResolver.resolve("GET", "/api/v1/pods", null).resourceRequest());
    }
}
