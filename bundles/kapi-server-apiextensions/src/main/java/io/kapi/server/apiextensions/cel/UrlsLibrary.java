package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's URL library: {@code url(s)} and {@code isURL(s)} (Go's {@code url.ParseRequestURI}: an
 * absolute URI or an absolute path), and on a URL {@code getScheme()}, {@code getHost()},
 * {@code getHostname()}, {@code getPort()}, {@code getEscapedPath()}, {@code getQuery()}.
 * Parsing is Java's {@link URI}, which is stricter than Go's about some characters.
 */
final class UrlsLibrary implements KubeLibrary {
    static final OpaqueType URL = OpaqueType.create("kubernetes.URL");

    /** A parsed URL; equal when the text is. */
    record Url(String text, URI uri) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Url u && u.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Override
    public List<CelFunctionDecl> functions() {
        return List.of(
                newFunctionDeclaration("url", newGlobalOverload("string_to_url", URL, SimpleType.STRING)),
                newFunctionDeclaration("isURL", newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("getScheme", newMemberOverload("url_get_scheme", SimpleType.STRING, URL)),
                newFunctionDeclaration("getHost", newMemberOverload("url_get_host", SimpleType.STRING, URL)),
                newFunctionDeclaration("getHostname", newMemberOverload("url_get_hostname", SimpleType.STRING, URL)),
                newFunctionDeclaration("getPort", newMemberOverload("url_get_port", SimpleType.STRING, URL)),
                newFunctionDeclaration("getEscapedPath", newMemberOverload("url_get_escaped_path", SimpleType.STRING, URL)),
                newFunctionDeclaration("getQuery", newMemberOverload("url_get_query",
                        MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)), URL)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_url", String.class, UrlsLibrary::url),
                CelFunctionBinding.from("is_url_string", String.class, s -> parse(s) != null),
                CelFunctionBinding.from("url_get_scheme", Url.class, u -> nz(u.uri.getScheme())),
                CelFunctionBinding.from("url_get_host", Url.class, UrlsLibrary::host),
                CelFunctionBinding.from("url_get_hostname", Url.class, UrlsLibrary::hostname),
                CelFunctionBinding.from("url_get_port", Url.class, u -> u.uri.getPort() < 0 ? "" : Integer.toString(u.uri.getPort())),
                CelFunctionBinding.from("url_get_escaped_path", Url.class, u -> nz(u.uri.getRawPath())),
                CelFunctionBinding.from("url_get_query", Url.class, UrlsLibrary::query));
    }

    static Url url(String s) throws CelEvaluationException {
        Url u = parse(s);
        if (u == null) {
            throw new CelEvaluationException("URL parse error during conversion from string: " + requestUriError(s));
        }
        return u;
    }

    /** Go's {@code url.ParseRequestURI} error text for {@code s}, or null when it parses. */
    static String requestUriError(String s) {
        if (parse(s) != null) {
            return null;
        }
        return "parse " + FieldQuote.q(s) + ": " + (s.isEmpty() ? "empty url" : "invalid URI for request");
    }

    /** Go's {@code ParseRequestURI}: null when it fails. */
    static Url parse(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null && !s.startsWith("/")) {
                return null;
            }
            if (uri.getRawAuthority() != null && uri.getHost() == null) {
                return null;
            }
            return new Url(s, uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String host(Url u) {
        String authority = u.uri.getRawAuthority();
        if (authority == null) {
            return "";
        }
        int at = authority.lastIndexOf('@');
        return at >= 0 ? authority.substring(at + 1) : authority;
    }

    static String hostname(Url u) {
        String h = nz(u.uri.getHost());
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static Map<String, List<String>> query(Url u) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String q = u.uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("[&]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), x -> new ArrayList<>())
                        .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // Go's ParseQuery drops a pair that does not unescape
            }
        }
        return out;
    }

    /** Go's {@code %q}, as Go's error texts quote. */
    static final class FieldQuote {
        private FieldQuote() {
        }

        static String q(String s) {
            return io.kapi.api.rest.FieldCause.goQuote(s);
        }
    }
}
