package io.kapi.storage.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link EtcdStorage} reaches etcd. Immutable; the {@code with…} methods return copies.
 *
 * <pre>
 * EtcdConfig.of("http://127.0.0.1:2379")
 *         .withPrefix("/kapi-a")
 *         .withRequestTimeout(Duration.ofSeconds(5));
 * </pre>
 */
public final class EtcdConfig {

    /** etcd's default {@code --max-request-bytes} (1.5 MiB): a larger value would be refused anyway. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1536 * 1024;

    /** kube-apiserver's default etcd request timeout is 5 s as well. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final List<URI> endpoints;
    private final String prefix;
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final Duration requestTimeout;
    private final int maxValueBytes;

    private EtcdConfig(List<URI> endpoints, String prefix, Path caFile, Path certFile, Path keyFile,
                       Duration requestTimeout, int maxValueBytes) {
        this.endpoints = List.copyOf(endpoints);
        this.prefix = prefix;
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.requestTimeout = requestTimeout;
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * A configuration for the given client URLs ({@code http://host:port} or {@code https://…}),
     * typically every member of one etcd cluster: calls and watches are spread over them round
     * robin, and one that fails or stops answering is avoided for a while (see {@link EtcdRpc}).
     */
    public static EtcdConfig of(String... endpoints) {
        List<URI> uris = new ArrayList<>();
        for (String e : endpoints) {
            uris.add(endpoint(e));
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        return new EtcdConfig(uris, "", null, null, null, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_VALUE_BYTES);
    }

    /** {@link #of(String...)} for a comma-separated list, as in a Karaf configuration file. */
    public static EtcdConfig ofList(String commaSeparated) {
        List<String> parts = new ArrayList<>();
        for (String p : Objects.requireNonNull(commaSeparated, "endpoints").split(",")) {
            if (!p.isBlank()) {
                parts.add(p.trim());
            }
        }
        return of(parts.toArray(new String[0]));
    }

    private static URI endpoint(String text) {
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        URI uri = URI.create(t);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("etcd endpoint must be http:// or https://: " + text);
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("etcd endpoint needs a host and a port: " + text);
        }
        return uri;
    }

    /**
     * Prepends {@code prefix} to every key, so several Kapi installations can share one etcd.
     * Default "": keys are kube's {@code /registry/…} as they are. A trailing '/' is dropped, since
     * keys start with one.
     */
    public EtcdConfig withPrefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return new EtcdConfig(endpoints, p, caFile, certFile, keyFile, requestTimeout, maxValueBytes);
    }

    /**
     * TLS material as PEM files, each optional: {@code caFile} to trust etcd's serving certificate
     * (default: the JDK's trust store), {@code certFile} and {@code keyFile} together for client
     * authentication (etcd's {@code --client-cert-auth}).
     */
    public EtcdConfig withTls(Path caFile, Path certFile, Path keyFile) {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and vice versa");
        }
        return new EtcdConfig(endpoints, prefix, caFile, certFile, keyFile, requestTimeout, maxValueBytes);
    }

    /** Timeout of one request (connect and response); watches are exempt once established. */
    public EtcdConfig withRequestTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        return new EtcdConfig(endpoints, prefix, caFile, certFile, keyFile, timeout, maxValueBytes);
    }

    /** Largest value accepted; larger ones fail with TOO_LARGE before anything is sent. */
    public EtcdConfig withMaxValueBytes(int maxValueBytes) {
        if (maxValueBytes <= 0) {
            throw new IllegalArgumentException("maxValueBytes must be positive");
        }
        return new EtcdConfig(endpoints, prefix, caFile, certFile, keyFile, requestTimeout, maxValueBytes);
    }

    public List<URI> endpoints() {
        return endpoints;
    }

    public String prefix() {
        return prefix;
    }

    public Path caFile() {
        return caFile;
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public String toString() {
        return "EtcdConfig{endpoints=" + endpoints + ", prefix='" + prefix + "', tls="
                + (caFile != null || certFile != null) + ", requestTimeout=" + requestTimeout
                + ", maxValueBytes=" + maxValueBytes + "}";
    }
}
