package io.kapi.group.core;

import io.kapi.api.rest.ProxyConnecter.ProxyRequest;
import io.kapi.api.rest.ProxyConnecter.ProxyResponse;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Forwards one proxied request as kube's {@code UpgradeAwareHandler} with its wrapping transport does for
 * a request that is not an upgrade: the backend is dialed within 30 s (kube's proxy dialer), certificates
 * are not verified (kube's kubelet transport without a CA and its proxy transport skip verification),
 * redirects are not followed; hop-by-hop headers are dropped both ways, the {@code Authorization} and
 * impersonation headers too (kube's authentication and impersonation filters remove them before the
 * proxy), {@code X-Forwarded-For} and {@code X-Forwarded-Uri} are set; the backend's CORS headers are
 * removed and a {@code Location} on the backend's host is rewritten under the proxy path. A backend that
 * cannot be reached is kube's 503 {@code error trying to reach service: <Go's dial error>}. Answers are
 * buffered, up to {@link #MAX_ANSWER}.
 */
final class ProxyForwarder {
    /** Go's ReverseProxy hop-by-hop headers, plus what the JDK client sets itself. */
    private static final Set<String> REQUEST_DROPPED = Set.of("connection", "proxy-connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "authorization", "impersonate-user", "impersonate-group", "impersonate-uid", "x-forwarded-uri");
    private static final Set<String> RESPONSE_DROPPED = Set.of("connection", "proxy-connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
            "access-control-allow-credentials", "access-control-allow-headers", "access-control-allow-methods",
            "access-control-allow-origin");
    /**
     * The largest answer Kapi forwards. kube streams a backend's answer through; Kapi buffers it (the
     * group-author API hands a whole response back), so an answer above this is refused rather than held.
     */
    static final int MAX_ANSWER = 64 * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).sslContext(InsecureTls.CONTEXT).build();

    private ProxyForwarder() {
    }

    /** Sends {@code request} to {@code target} (scheme, host, port, path; the query is the request's). */
    static ProxyResponse forward(URI target, ProxyRequest request) {
        String uri = target + (request.query() == null || request.query().isEmpty() ? "" : "?" + request.query());
        HttpRequest.BodyPublisher body = request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(uri)).method(request.method(), body);
        String forwardedFor = null;
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("x-forwarded-for")) {
                forwardedFor = String.join(", ", h.getValue());
            } else if (!REQUEST_DROPPED.contains(name) && !name.startsWith("impersonate-extra-") && !connectionNamed(request, name)) {
                for (String v : h.getValue()) {
                    try {
                        out.header(h.getKey(), v);
                    } catch (IllegalArgumentException e) {
                        // a header the JDK client will not send (a name it reserves, or characters it refuses)
                    }
                }
            }
        }
        if (request.remoteAddress() != null && !request.remoteAddress().isEmpty()) {
            // Go's ReverseProxy appends the client to what earlier proxies recorded
            out.header("X-Forwarded-For", forwardedFor == null ? request.remoteAddress() : forwardedFor + ", " + request.remoteAddress());
        }
        out.header("X-Forwarded-Uri", joinPreservingSlash(request.prefix(), target.getRawPath()));
        HttpResponse<java.io.InputStream> answer;
        byte[] answerBody;
        try {
            answer = CLIENT.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = answer.body()) {
                answerBody = in.readNBytes(MAX_ANSWER + 1);
            }
        } catch (IOException e) {
            throw StatusException.serviceUnavailable("error trying to reach service: " + goError(target, e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusException.serviceUnavailable("error trying to reach service: context canceled", 0);
        }
        if (answerBody.length > MAX_ANSWER) {
            throw StatusException.serviceUnavailable("error trying to reach service: its answer is larger than "
                    + (MAX_ANSWER >> 20) + " MiB, the most Kapi's proxy buffers", 0);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String requestHost = first(request.headers(), "host");
        answer.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESPONSE_DROPPED.contains(lower) || lower.startsWith(":")) {
                return;
            }
            headers.put(name, lower.equals("location")
                    ? values.stream().map(v -> rewriteLocation(v, target, requestHost, request.prefix())).toList() : values);
        });
        return new ProxyResponse(answer.statusCode(), headers, request.method().equals("HEAD") ? new byte[0] : answerBody);
    }

    private static boolean connectionNamed(ProxyRequest request, String lowerName) {
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("connection")) {
                for (String v : h.getValue()) {
                    for (String token : v.split(",")) {
                        if (token.trim().equalsIgnoreCase(lowerName)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return "";
    }

    /** Go's text for a failed round trip: {@code dial tcp 10.0.0.5:10250: connect: connection refused} and the like. */
    static String goError(URI target, IOException e) {
        int port = target.getPort() > 0 ? target.getPort() : target.getScheme().equals("https") ? 443 : 80;
        String host = target.getHost().startsWith("[") ? target.getHost() : target.getHost().contains(":")
                ? "[" + target.getHost() + "]" : target.getHost();
        String dial = "dial tcp " + host + ":" + port + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return dial + "i/o timeout";
            }
            if (t instanceof NoRouteToHostException) {
                return dial + "connect: no route to host";
            }
            if (t instanceof ConnectException) {
                return dial + "connect: connection refused";
            }
            if (t instanceof SSLException) {
                return "tls: " + t.getMessage();
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * kube's transport {@code rewriteURL} of a redirect: a URL on the backend's host or on the host the client
     * asked for, with an absolute path, is moved under the proxy path (scheme and host dropped, as kube's are
     * empty for a request to the server); other URLs pass unchanged.
     */
    static String rewriteLocation(String location, URI backend, String requestHost, String prefix) {
        URI u;
        try {
            u = new URI(location);
        } catch (URISyntaxException e) {
            return location;
        }
        String host = u.getRawAuthority() == null ? "" : u.getRawAuthority();
        String backendHost = backend.getRawAuthority();
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!host.isEmpty() && !host.equals(backendHost) && !host.equals(requestHost) || !path.startsWith("/")) {
            return location;
        }
        StringBuilder out = new StringBuilder();
        if (!host.isEmpty() && host.equals(requestHost)) {
            if (u.getScheme() != null) {
                out.append(u.getScheme()).append(':');
            }
            out.append("//").append(host);
        }
        out.append(path.startsWith(prefix) ? path : joinPreservingSlash(prefix, path));
        if (u.getRawQuery() != null) {
            out.append('?').append(u.getRawQuery());
        }
        if (u.getRawFragment() != null) {
            out.append('#').append(u.getRawFragment());
        }
        return out.toString();
    }

    /** Go's {@code path.Join(a, b)}, with the trailing slash of {@code b} kept (kube's {@code JoinPreservingTrailingSlash}). */
    static String joinPreservingSlash(String a, String b) {
        String joined = a.isEmpty() && b.isEmpty() ? "" : clean(a.isEmpty() ? b : b.isEmpty() ? a : a + "/" + b);
        String last = b.isEmpty() ? a : b;
        return last.endsWith("/") && !joined.endsWith("/") ? joined + "/" : joined;
    }

    /** Go's {@code path.Clean} of a path: no empty or {@code .} segments, {@code ..} removing the one before. */
    static String clean(String path) {
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!kept.isEmpty() && !kept.peekLast().equals("..")) {
                    kept.removeLast();
                } else if (!rooted) {
                    kept.addLast(segment);
                }
                continue;
            }
            kept.addLast(segment);
        }
        String joined = String.join("/", kept);
        return rooted ? "/" + joined : joined.isEmpty() ? "." : joined;
    }
}
