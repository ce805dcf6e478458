package io.kapi.storage.etcd;

import io.kapi.api.storage.StorageException;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP transport to etcd's gRPC-JSON gateway: POSTs a JSON message to {@code /v3/…} on the
 * current endpoint and returns the parsed answer, moving on to the next endpoint when one cannot
 * be connected to.
 *
 * <p>Only connection failures are retried elsewhere: a request that reached etcd and then timed
 * out or lost its connection may have been applied, and repeating a write could turn its success
 * into EXISTS or CONFLICT. Reads ({@code idempotent}) are retried on any I/O error.
 */
final class Gateway {

    /** etcd's answer to a request it refused: the gRPC status code and message. */
    static final class EtcdError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int grpcCode;
        final int httpStatus;

        EtcdError(int grpcCode, int httpStatus, String message) {
            super(message);
            this.grpcCode = grpcCode;
            this.httpStatus = httpStatus;
        }

        boolean mentions(String text) {
            return getMessage() != null && getMessage().contains(text);
        }
    }

    /** gRPC codes etcd answers with when it is (temporarily) unable to serve. */
    private static final int DEADLINE_EXCEEDED = 4;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int UNAVAILABLE = 14;

    private final List<URI> endpoints;
    private final AtomicInteger current = new AtomicInteger();
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient client;

    Gateway(List<URI> endpoints, Duration timeout, SSLContext ssl) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        // Our own daemon pool so close() can release the client's threads (HttpClient has no close on 17).
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kapi-etcd-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder b = HttpClient.newBuilder()
                // HTTP/1.1: on plain http the JDK would otherwise try an h2c upgrade, which etcd's
                // multiplexed client port does not do; one connection per watch stream is intended.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(executor);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.client = b.build();
    }

    /** POSTs {@code body} to {@code path} and returns the answer, or throws EtcdError / UNAVAILABLE. */
    Map<String, Object> call(String path, Map<String, Object> body, boolean idempotent) {
        byte[] payload = Json.write(body).getBytes(StandardCharsets.UTF_8);
        IOException last = null;
        int n = endpoints.size();
        int start = current.get();
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            HttpRequest request = HttpRequest.newBuilder(endpoints.get(index).resolve(path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (ConnectException | HttpConnectTimeoutException e) {
                last = e;
                moveOn(index);
                continue;
            } catch (HttpTimeoutException e) {
                moveOn(index);
                throw unavailable("etcd did not answer " + path + " within " + timeout.toMillis() + " ms", e);
            } catch (IOException e) {
                last = e;
                moveOn(index);
                if (idempotent) {
                    continue;
                }
                throw unavailable("lost connection to etcd at " + endpoints.get(index) + " during " + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("interrupted while calling etcd", e);
            }
            String text = new String(response.body(), StandardCharsets.UTF_8);
            if (response.statusCode() == 200) {
                return Json.parseObject(text);
            }
            throw error(response.statusCode(), text);
        }
        throw unavailable("cannot connect to etcd at " + endpoints, last);
    }

    /** An open watch stream: the response body of a streaming POST, or an error. */
    InputStream stream(String path, Map<String, Object> body) {
        byte[] payload = Json.write(body).getBytes(StandardCharsets.UTF_8);
        IOException last = null;
        int n = endpoints.size();
        int start = current.get();
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            // No request timeout: it would also bound the streamed body. The caller bounds the wait
            // for etcd's "created" answer instead.
            HttpRequest request = HttpRequest.newBuilder(endpoints.get(index).resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            try {
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() == 200) {
                    return response.body();
                }
                try (InputStream in = response.body()) {
                    throw error(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                last = e;
                moveOn(index);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("interrupted while opening a watch", e);
            }
        }
        throw unavailable("cannot open a watch on etcd at " + endpoints, last);
    }

    void close() {
        executor.shutdownNow();
    }

    private void moveOn(int failed) {
        current.compareAndSet(failed, (failed + 1) % endpoints.size());
    }

    static StorageException unavailable(String message, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new StorageException(StorageException.Code.UNAVAILABLE, null, message + detail, cause);
    }

    /**
     * Turns a non-200 answer into an error. Unavailability becomes UNAVAILABLE at once; the rest
     * stays an EtcdError for the caller, who knows what a compacted or future revision means there.
     */
    static RuntimeException error(int status, String body) {
        int code = 0;
        String message = body;
        try {
            Map<String, Object> m = Json.parseObject(body);
            // Unary errors: {"error": "...", "code": 11, "message": "..."}; stream errors nest them
            // as {"error": {"grpc_code": 11, "http_code": 400, "message": "..."}}.
            Map<String, Object> nested = Json.obj(m, "error");
            if (!nested.isEmpty()) {
                m = nested;
            }
            code = (int) (m.containsKey("grpc_code") ? Json.lng(m, "grpc_code") : Json.lng(m, "code"));
            if (Json.str(m, "message") != null) {
                message = Json.str(m, "message");
            }
        } catch (IllegalArgumentException notJson) {
            message = "HTTP " + status + " from etcd's gateway: " + body;
        }
        if (code == UNAVAILABLE || code == DEADLINE_EXCEEDED || code == RESOURCE_EXHAUSTED || status == 503) {
            return new StorageException(StorageException.Code.UNAVAILABLE, null, 0, message);
        }
        return new EtcdError(code, status, message);
    }
}
