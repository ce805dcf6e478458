package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.registry.ResourceMeta;
import java.util.List;
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
        // as kube's RequestInfoFactory: the namespace of a Namespace's own path is its name
        assertEquals("foo", ns.namespace());
        RequestInfo status = RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/foo/status", null);
        assertEquals("status", status.subresource());
        assertEquals("foo", status.namespace());
        assertEquals("", RequestInfoResolver.resolve("GET", "/api/v1/namespaces", null).namespace());
        RequestInfo dc = RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/a/secrets", null);
        assertEquals("deletecollection", dc.verb());
        assertEquals("create", RequestInfoResolver.resolve("POST", "/api/v1/namespaces", null).verb());
    }

    @Test
    void watchIsAQueryBooleanAsKubeDecodesIt() {
        // kube's Convert_Slice_string_To_bool: "0" and "false" in any case are false, every other value true
        for (String yes : new String[] {"true", "True", "1", "", "yes", "t"}) {
            assertEquals("watch", RequestInfoResolver.resolve("GET", "/api/v1/configmaps", yes).verb(), "watch=" + yes);
        }
        for (String no : new String[] {"false", "False", "FALSE", "0"}) {
            assertEquals("list", RequestInfoResolver.resolve("GET", "/api/v1/configmaps", no).verb(), "watch=" + no);
        }
        assertEquals("list", RequestInfoResolver.resolve("GET", "/api/v1/configmaps", null).verb());
    }

    @Test
    void queryIntegersAreGoIntegers() {
        assertEquals(500, RequestOptions.int64("500"));
        assertEquals(-1, RequestOptions.int64("-1"));
        assertEquals(0, RequestOptions.int64(null));
        io.kapi.api.rest.StatusException bad = org.junit.jupiter.api.Assertions.assertThrows(io.kapi.api.rest.StatusException.class,
                () -> RequestOptions.int64(""));
        assertEquals("strconv.ParseInt: parsing \"\": invalid syntax", bad.getMessage());
        assertEquals("strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
                org.junit.jupiter.api.Assertions.assertThrows(io.kapi.api.rest.StatusException.class,
                        () -> RequestOptions.int64("99999999999999999999")).getMessage());
    }

    @Test
    void slashesAroundThePathAreIgnored() {
        assertEquals("", RequestInfoResolver.trimSlashes("///"));
        assertEquals("api/v1", RequestInfoResolver.trimSlashes("//api/v1//"));
        assertEquals("a//b", RequestInfoResolver.trimSlashes("/a//b/"));
        for (String path : new String[] {"api", "api/v1", "a//b", "apis/apps/v1/namespaces/x/deployments/y/scale"}) {
            assertEquals(java.util.Arrays.asList(path.split("/")), RequestInfoResolver.segments(path), path);
        }
        assertEquals(List.of(), RequestInfoResolver.segments(""));
        RequestInfo get = RequestInfoResolver.resolve("GET", "//api/v1/namespaces/default/configmaps/x/", null);
        assertEquals("get", get.verb());
        assertEquals("x", get.name());
        assertFalse(RequestInfoResolver.resolve("GET", "/", null).resourceRequest());
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

    @Test
    void theHandlerNamesAClusterScopedObjectWithoutTheNamespaceOfItsPath() {
        ResourceMeta namespaces = new ResourceMeta("", "v1", "namespaces", "Namespace", false);
        RequestInfo own = ResourceHandler.scoped(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/foo/finalize", null), namespaces);
        assertEquals("", own.namespace());
        assertEquals("foo", own.name());
        assertEquals("finalize", own.subresource());
        assertEquals("", ResourceHandler.scoped(RequestInfoResolver.resolve("GET", "/api/v1/watch/namespaces/foo", null), namespaces).namespace());
        ResourceMeta configmaps = new ResourceMeta("", "v1", "configmaps", "ConfigMap", true);
        RequestInfo cm = RequestInfoResolver.resolve("GET", "/api/v1/namespaces/foo/configmaps/x", null);
        assertEquals(cm, ResourceHandler.scoped(cm, configmaps));
        // another cluster-scoped resource, or namespaces, under a namespace's path: kube has no route for it
        ResourceMeta nodes = new ResourceMeta("", "v1", "nodes", "Node", false);
        for (RequestInfo none : List.of(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/foo/nodes/n", null),
                RequestInfoResolver.resolve("GET", "/api/v1/namespaces/foo/namespaces/bar", null),
                RequestInfoResolver.resolve("GET", "/api/v1/namespaces/foo/namespaces/foo", null),
                RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/foo/status/more", null))) {
            StatusException e = assertThrows(StatusException.class, () -> ResourceHandler.scoped(none, none.resource().equals("nodes") ? nodes : namespaces));
            assertEquals(404, e.code());
        }
    }
}
