package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.Connecter;
import io.kapi.api.rest.ProxyConnecter;
import io.kapi.api.rest.RequestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A proxy subresource's request as kube's connect handler reads it: the path after the subresource becomes
 * the {@code path} option; and its connect methods as discovery lists them.
 */
class ProxySubresourceTest {
    private static String[] split(String method, String path) {
        return ResourceHandler.proxyPath(RequestInfoResolver.resolve(method, path, null));
    }

    @Test
    void thePathAfterTheSubresourceIsThePathOption() {
        assertArrayEquals(new String[] {"/api/v1/nodes/n1/proxy", ""}, split("GET", "/api/v1/nodes/n1/proxy"));
        assertArrayEquals(new String[] {"/api/v1/nodes/n1/proxy", "/"}, split("GET", "/api/v1/nodes/n1/proxy/"));
        assertArrayEquals(new String[] {"/api/v1/nodes/http:n1:8080/proxy", "/stats/summary"},
                split("GET", "/api/v1/nodes/http:n1:8080/proxy/stats/summary"));
        assertArrayEquals(new String[] {"/api/v1/namespaces/default/pods/web/proxy", "/a/b/"},
                split("POST", "/api/v1/namespaces/default/pods/web/proxy/a/b/"));
        assertArrayEquals(new String[] {"/api/v1/namespaces/ns/services/https:web:443/proxy", "/x"},
                split("DELETE", "/api/v1/namespaces/ns/services/https:web:443/proxy/x"));
    }

    private static Connecter connecter(List<String> methods) {
        return new ProxyConnecter() {
            @Override
            public List<String> connectMethods() {
                return methods;
            }

            @Override
            public Response connect(RequestContext ctx, String name, String method, Map<String, List<String>> parameters) {
                throw new AssertionError("not called");
            }

            @Override
            public ProxyResponse proxy(RequestContext ctx, String name, ProxyRequest request) {
                throw new AssertionError("not called");
            }
        };
    }

    @Test
    void connectMethodsAreDiscoveryVerbsSortedAsKubes() {
        // kube's nodes/proxy, pods/proxy and services/proxy in discovery
        assertEquals(List.of("create", "delete", "get", "patch", "update"),
                ServedResource.verbsOf(connecter(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))));
        // pods/exec
        assertEquals(List.of("create", "get"), ServedResource.verbsOf(connecter(List.of("GET", "POST"))));
        // pods/log
        assertEquals(List.of("get"), ServedResource.verbsOf(connecter(List.of("GET"))));
    }
}
