package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.kapi.api.rest.ProxyConnecter.ProxyRequest;
import io.kapi.api.rest.ProxyConnecter.ProxyResponse;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nodes/proxy, pods/proxy and services/proxy: kube's answers for names, objects and addresses that lead
 * nowhere (status, reason and message as kube's registries give them), and real forwarding to a test
 * server on 127.0.0.1 (which kube's address check refuses, so those tests allow loopback).
 */
class ProxyRestTest {
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    HttpServer server;
    final Map<String, String> seen = new ConcurrentHashMap<>();
    final RequestContext cluster = new RequestContext("", new UserInfo("admin", "", List.of("system:masters")), false, null);
    final RequestContext ns = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, null);
    static final ProxyRest.Resolver NO_DNS = host -> {
        throw new UnknownHostException(host);
    };

    @BeforeEach
    void setUp() throws Exception {
        storage = EmbeddedStorage.open(dir);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            seen.put("method", exchange.getRequestMethod());
            seen.put("uri", exchange.getRequestURI().toString());
            seen.put("body", new String(in, StandardCharsets.UTF_8));
            exchange.getRequestHeaders().forEach((k, v) -> seen.put("header " + k.toLowerCase(), String.join(",", v)));
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.getResponseHeaders().add("X-Backend", "yes");
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            if (exchange.getRequestURI().getPath().equals("/huge")) {
                // one byte more than the proxy buffers, in chunks
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[1 << 20];
                try (var body = exchange.getResponseBody()) {
                    for (int i = 0; i < ProxyForwarder.MAX_ANSWER >> 20; i++) {
                        body.write(chunk);
                    }
                    body.write(1);
                } catch (java.io.IOException closedByTheProxy) {
                    // the proxy stops reading once it has more than it buffers
                }
                exchange.close();
                return;
            }
            if (exchange.getRequestURI().getPath().equals("/moved")) {
                exchange.getResponseHeaders().add("Location", "/elsewhere/");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] out = ("backend " + exchange.getRequestMethod() + " " + seen.get("body")).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(207, exchange.getRequestMethod().equals("HEAD") ? -1 : out.length);
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        storage.close();
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private void put(String key, String json) {
        var existing = storage.get(key);
        if (existing == null) {
            storage.create(key, json.getBytes(StandardCharsets.UTF_8));
        } else {
            storage.update(key, existing.modRevision(), json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private GenericStore store(String resource, String kind, boolean namespaced, io.kapi.api.rest.Strategy strategy) {
        return new GenericStore(new ResourceMeta("", "v1", resource, kind, namespaced), strategy, storage, NamespaceGuard.NONE,
                NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null));
    }

    private ProxyRest nodes(boolean loopbackAllowed) {
        return new ProxyRest(ProxyRest.Kind.NODE, store("nodes", "Node", false, new NodeStrategy()), storage, NO_DNS,
                loopbackAllowed ? a -> true : ProxyRest::globalUnicast);
    }

    private ProxyRest pods(boolean loopbackAllowed) {
        return new ProxyRest(ProxyRest.Kind.POD, store("pods", "Pod", true, new PodStrategy()), storage, NO_DNS,
                loopbackAllowed ? a -> true : ProxyRest::globalUnicast);
    }

    private ProxyRest services() {
        return new ProxyRest(ProxyRest.Kind.SERVICE, store("services", "Service", true, new ServiceStrategy()), storage);
    }

    private void node(String name, String addresses, int kubeletPort) {
        put("/registry/nodes/" + name, "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"u-" + name
                + "\"},\"status\":{\"addresses\":" + addresses + (kubeletPort > 0
                ? ",\"daemonEndpoints\":{\"kubeletEndpoint\":{\"port\":" + kubeletPort + "}}" : "") + "}}");
    }

    private void pod(String name, String ip, String ports) {
        put("/registry/pods/default/" + name, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"uid\":\"u-" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":\"i\"},"
                + "{\"name\":\"c\",\"image\":\"i\",\"ports\":" + ports + "}]},\"status\":"
                + (ip == null ? "{}" : "{\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}]}") + "}");
    }

    private static StatusException fails(Runnable r) {
        return assertThrows(StatusException.class, r::run);
    }

    private static ProxyRequest get(String prefix, String path) {
        return new ProxyRequest("GET", prefix, path, null, Map.of(), new byte[0], "192.0.2.7");
    }

    private static List<String> header(ProxyResponse r, String name) {
        return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    private static void assertStatus(int code, String reason, String message, StatusException e) {
        assertEquals(code, e.code());
        assertEquals(reason, e.reason());
        assertEquals(message, e.getMessage());
    }

    // ---- names

    @Test
    void badNameFormsAreKubesBadRequests() {
        node("n1", "[{\"type\":\"InternalIP\",\"address\":\"10.0.0.5\"}]", 0);
        assertStatus(400, "BadRequest", "invalid node request \"a:n1:1:2\"", fails(() -> nodes(false).locate(cluster, "a:n1:1:2")));
        assertStatus(400, "BadRequest", "invalid node request \"ftp:n1:80\"", fails(() -> nodes(false).locate(cluster, "ftp:n1:80")));
        assertStatus(400, "BadRequest", "invalid pod request \":80\"", fails(() -> pods(false).locate(ns, ":80")));
        assertStatus(400, "BadRequest", "invalid service request \"http::80\"", fails(() -> services().locate(ns, "http::80")));
    }

    // ---- nodes

    @Test
    void aNodeThatIsMissingOrHasNoAddressAnswersAsKube() {
        assertStatus(404, "NotFound", "nodes \"n1\" not found", fails(() -> nodes(false).locate(cluster, "n1")));
        node("n1", "[]", 0);
        // kube's GetPreferredNodeAddress error is a plain error: 500 with no reason
        assertStatus(500, "", "no preferred addresses found; known addresses: []", fails(() -> nodes(false).locate(cluster, "n1")));
        node("n2", "[{\"type\":\"Other\",\"address\":\"10.0.0.9\"}]", 0);
        assertStatus(500, "", "no preferred addresses found; known addresses: [{Other 10.0.0.9}]",
                fails(() -> nodes(false).locate(cluster, "n2:80")));
    }

    @Test
    void aNodeAddressMustResolveToGlobalUnicastAddresses() {
        node("lo", "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]", 0);
        node("ll", "[{\"type\":\"InternalIP\",\"address\":\"169.254.169.254\"}]", 0);
        node("named", "[{\"type\":\"Hostname\",\"address\":\"worker-1.example\"}]", 0);
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> nodes(false).locate(cluster, "lo")));
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> nodes(false).locate(cluster, "ll")));
        assertStatus(400, "BadRequest", "lookup worker-1.example: no such host", fails(() -> nodes(false).locate(cluster, "named")));
        ProxyRest resolving = new ProxyRest(ProxyRest.Kind.NODE, store("nodes", "Node", false, new NodeStrategy()), storage,
                host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 1, 1, 1}), InetAddress.getByAddress(host,
                        new byte[] {127, 0, 0, 1})}, ProxyRest::globalUnicast);
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> resolving.locate(cluster, "named")));
    }

    @Test
    void aNodeIsReachedOnItsPreferredAddressAndKubeletPortOrTheNamedPort() {
        node("n1", "[{\"type\":\"ExternalIP\",\"address\":\"203.0.113.5\"},{\"type\":\"InternalIP\",\"address\":\"10.0.0.5\"}]", 0);
        node("n2", "[{\"type\":\"InternalIP\",\"address\":\"10.0.0.6\"}]", 10255);
        assertEquals(new ProxyRest.Location("https", "10.0.0.5", "10250"), nodes(false).locate(cluster, "n1"));
        assertEquals(new ProxyRest.Location("https", "10.0.0.5", "10250"), nodes(false).locate(cluster, "http:n1:10250"));
        assertEquals(new ProxyRest.Location("http", "10.0.0.5", "8080"), nodes(false).locate(cluster, "n1:8080"));
        assertEquals(new ProxyRest.Location("https", "10.0.0.5", "8443"), nodes(false).locate(cluster, "https:n1:8443"));
        assertEquals(new ProxyRest.Location("https", "10.0.0.6", "10255"), nodes(false).locate(cluster, "n2"));
    }

    @Test
    void aNodeWithNothingListeningIsTheProxysServiceUnavailable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        node("n1", "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]", closed);
        int port = closed;
        assertStatus(503, "ServiceUnavailable", "error trying to reach service: dial tcp 127.0.0.1:" + port + ": connect: connection refused",
                fails(() -> nodes(true).proxy(cluster, "n1", get("/api/v1/nodes/n1/proxy", "/stats/summary"))));
    }

    @Test
    void aNodeProxyForwardsTheRequestAndAnswersTheBackendsResponse() {
        node("n1", "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]", 0);
        String prefix = "/api/v1/nodes/http:n1:" + port() + "/proxy";
        ProxyRequest request = new ProxyRequest("PUT", prefix, "/metrics/", "a=1&b=2",
                Map.of("Authorization", List.of("Bearer secret"), "X-Custom", List.of("v"), "Connection", List.of("X-Hop"),
                        "X-Hop", List.of("dropped")), "payload".getBytes(StandardCharsets.UTF_8), "192.0.2.7");
        ProxyResponse answer = nodes(true).proxy(cluster, "http:n1:" + port(), request);
        assertEquals(207, answer.status());
        assertEquals("backend PUT payload", new String(answer.body(), StandardCharsets.UTF_8));
        assertEquals(List.of("yes"), header(answer, "X-Backend"));
        assertNull(header(answer, "Access-Control-Allow-Origin"));
        assertEquals("/metrics/?a=1&b=2", seen.get("uri"));
        assertEquals("v", seen.get("header x-custom"));
        assertNull(seen.get("header authorization"));
        assertNull(seen.get("header x-hop"));
        assertEquals("192.0.2.7", seen.get("header x-forwarded-for"));
        assertEquals(prefix + "/metrics/", seen.get("header x-forwarded-uri"));
    }

    @Test
    void anEmptyPathIsRedirectedToTheSlashAndARedirectStaysUnderTheProxy() {
        node("n1", "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]", 0);
        String name = "http:n1:" + port();
        String prefix = "/api/v1/nodes/" + name + "/proxy";
        ProxyResponse slash = nodes(true).proxy(cluster, name, new ProxyRequest("GET", prefix, "", "x=1", Map.of(), new byte[0], ""));
        assertEquals(301, slash.status());
        assertEquals(List.of(prefix + "/?x=1"), slash.headers().get("Location"));
        assertTrue(seen.isEmpty(), "nothing forwarded: " + seen);
        ProxyResponse moved = nodes(true).proxy(cluster, name, get(prefix, "/moved"));
        assertEquals(302, moved.status());
        assertEquals(List.of(prefix + "/elsewhere/"), header(moved, "Location"));
        // a HEAD is forwarded, its answer has no body
        ProxyResponse head = nodes(true).proxy(cluster, name, new ProxyRequest("HEAD", prefix, "/x", null, Map.of(), new byte[0], ""));
        assertEquals(207, head.status());
        assertArrayEquals(new byte[0], head.body());
        assertEquals("HEAD", seen.get("method"));
    }

    @Test
    void anAnswerLargerThanTheProxyBuffersIsRefused() {
        node("n1", "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}]", 0);
        String name = "http:n1:" + port();
        assertStatus(503, "ServiceUnavailable", "error trying to reach service: its answer is larger than 64 MiB, the most Kapi's proxy buffers",
                fails(() -> nodes(true).proxy(cluster, name, get("/api/v1/nodes/" + name + "/proxy", "/huge"))));
    }

    // ---- pods

    @Test
    void aPodWithoutAnAllowedIpIsAddressNotAllowed() {
        assertStatus(404, "NotFound", "pods \"web\" not found", fails(() -> pods(false).locate(ns, "web")));
        pod("web", null, "[]");
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> pods(false).locate(ns, "web")));
        pod("lo", "127.0.0.1", "[]");
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> pods(false).locate(ns, "lo")));
        pod("bad", "not-an-ip", "[]");
        assertStatus(400, "BadRequest", "address not allowed", fails(() -> pods(false).locate(ns, "bad:80")));
    }

    @Test
    void aPodIsReachedOnItsIpAndTheNamedOrFirstContainerPort() {
        pod("web", "10.244.1.7", "[{\"containerPort\":8080},{\"containerPort\":9090}]");
        pod("bare", "010.244.001.008", "[]");
        assertEquals(new ProxyRest.Location("http", "10.244.1.7", "8080"), pods(false).locate(ns, "web"));
        assertEquals(new ProxyRest.Location("https", "10.244.1.7", "8443"), pods(false).locate(ns, "https:web:8443"));
        // kube parses pod IPs sloppily (leading zeros); with no port the scheme's own
        assertEquals(new ProxyRest.Location("http", "010.244.001.008", ""), pods(false).locate(ns, "bare"));
    }

    @Test
    void aPodProxyForwardsToThePod() {
        pod("web", "127.0.0.1", "[{\"containerPort\":" + port() + "}]");
        ProxyResponse answer = pods(true).proxy(ns, "web", new ProxyRequest("PATCH", "/api/v1/namespaces/default/pods/web/proxy",
                "/a/../b", null, Map.of(), "p".getBytes(StandardCharsets.UTF_8), ""));
        assertEquals(207, answer.status());
        assertEquals("PATCH", seen.get("method"));
        // kube joins the path with Go's path.Join, which cleans it
        assertEquals("/b", seen.get("uri"));
    }

    // ---- services

    private void service(String ports) {
        put("/registry/services/default/web", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\","
                + "\"namespace\":\"default\",\"uid\":\"u-web\"},\"spec\":{\"ports\":" + ports + "}}");
    }

    private void endpoints(String subsets) {
        put("/registry/endpoints/default/web", "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"web\","
                + "\"namespace\":\"default\",\"uid\":\"u-ep\"}" + (subsets == null ? "" : ",\"subsets\":" + subsets) + "}");
    }

    @Test
    void aServiceWithoutEndpointsAnswersAsKube() {
        assertStatus(404, "NotFound", "services \"web\" not found", fails(() -> services().locate(ns, "web:80")));
        // without a port number kube reads only the Endpoints
        assertStatus(404, "NotFound", "endpoints \"web\" not found", fails(() -> services().locate(ns, "web")));
        service("[{\"name\":\"http\",\"port\":80}]");
        assertStatus(503, "ServiceUnavailable", "no service port 8080 found for service \"web\"",
                fails(() -> services().locate(ns, "web:8080")));
        endpoints(null);
        assertStatus(503, "ServiceUnavailable", "no endpoints available for service \"web\"",
                fails(() -> services().locate(ns, "https:web:80")));
    }

    @Test
    void endpointsThatNameNoPodWithTheirIpAreNotUsed() {
        service("[{\"name\":\"http\",\"port\":80}]");
        pod("web-1", "10.244.1.7", "[]");
        endpoints("[{\"addresses\":[{\"ip\":\"10.244.9.9\"},{\"ip\":\"10.244.1.8\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\","
                + "\"namespace\":\"default\"}},{\"ip\":\"10.244.1.7\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\",\"namespace\":\"other\"}}],"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080}]}]");
        // the last message names the request as given, as kube's
        assertStatus(503, "ServiceUnavailable", "no endpoints available for service \"http:web:80\"",
                fails(() -> services().locate(ns, "http:web:80")));
        endpoints("[{\"addresses\":[{\"ip\":\"10.244.1.7\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\",\"namespace\":\"default\"}}],"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080}]}]");
        assertEquals(new ProxyRest.Location("http", "10.244.1.7", "8080"), services().locate(ns, "web:80"));
        assertEquals(new ProxyRest.Location("http", "10.244.1.7", "8080"), services().locate(ns, "web:http"));
        // the unnamed port is asked for by no port at all
        assertStatus(503, "ServiceUnavailable", "no endpoints available for service \"web\"", fails(() -> services().locate(ns, "web")));
    }

    @Test
    void aServiceProxyForwardsToAnEndpoint() {
        service("[{\"port\":80}]");
        pod("web-1", "127.0.0.1", "[]");
        endpoints("[{\"addresses\":[{\"ip\":\"127.0.0.1\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"web-1\",\"namespace\":\"default\"}}],"
                + "\"ports\":[{\"port\":" + port() + "}]}]");
        ProxyResponse answer = services().proxy(ns, "web", new ProxyRequest("POST", "/api/v1/namespaces/default/services/web/proxy",
                "/hook", null, Map.of("Content-Type", List.of("application/json")), "{}".getBytes(StandardCharsets.UTF_8), ""));
        assertEquals(207, answer.status());
        assertEquals("backend POST {}", new String(answer.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", seen.get("header content-type"));
        assertEquals("/hook", seen.get("uri"));
    }

    // ---- Go's path handling

    @Test
    void pathsAreJoinedAsGoJoinsThem() {
        assertEquals("", ProxyForwarder.joinPreservingSlash("", ""));
        assertEquals("/", ProxyForwarder.joinPreservingSlash("", "/"));
        assertEquals("/a/b/", ProxyForwarder.joinPreservingSlash("", "/a//b/"));
        assertEquals("/p/x", ProxyForwarder.joinPreservingSlash("/p", "/x/./y/.."));
        assertEquals("/", ProxyForwarder.clean("/../.."));
        // a redirect to another host is left alone; a relative one too
        assertEquals("http://other:1/x", ProxyForwarder.rewriteLocation("http://other:1/x", java.net.URI.create("http://10.0.0.1:80/"),
                "api.example:6443", "/api/v1/nodes/n/proxy"));
        assertEquals("x/y", ProxyForwarder.rewriteLocation("x/y", java.net.URI.create("http://10.0.0.1:80/"), "", "/p"));
        assertEquals("/p/x?q=1", ProxyForwarder.rewriteLocation("http://10.0.0.1:80/x?q=1", java.net.URI.create("http://10.0.0.1:80/"),
                "", "/p"));
    }
}
