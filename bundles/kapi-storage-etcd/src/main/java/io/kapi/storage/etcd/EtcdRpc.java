package io.kapi.storage.etcd;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import io.kapi.api.storage.StorageException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * gRPC transport to etcd's client API (the same API kube-apiserver's etcd client uses), one
 * HTTP/2 channel per endpoint, multiplexing every call and watch to it. Calls go to the current
 * endpoint and move on to the next one when it cannot be connected to.
 *
 * <p>Only connection failures are retried elsewhere: a request that reached etcd and then timed
 * out or lost its connection may have been applied, and repeating a write could turn its success
 * into EXISTS or CONFLICT. Reads ({@code idempotent}) are retried on any unavailability.
 *
 * <p>grpc-java waits ever longer (up to two minutes) between attempts to reconnect a failed
 * channel and fails calls at once in between. etcd coming back must be noticed by the next call,
 * as with one connection attempt per request, so a call to a channel in that state first cuts the
 * wait short.
 */
final class EtcdRpc implements AutoCloseable {

    /** etcd's answer to a request it refused: the gRPC status code and message. */
    static final class EtcdError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Status.Code code;

        EtcdError(Status.Code code, String message) {
            super(message);
            this.code = code;
        }

        boolean mentions(String text) {
            return getMessage() != null && getMessage().contains(text);
        }
    }

    private record Endpoint(URI uri, ManagedChannel channel, KVGrpc.KVBlockingStub kv, WatchGrpc.WatchStub watch) {
        /** A channel waiting out its reconnect back-off tries again now. */
        void wake() {
            if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
        }
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicInteger current = new AtomicInteger();
    private final Duration timeout;

    EtcdRpc(List<URI> endpoints, Duration timeout, Tls.Material tls) {
        this.timeout = timeout;
        for (URI uri : endpoints) {
            NettyChannelBuilder b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                    // kube's etcd client lifts gRPC's 4 MiB limit: a LIST page can be far larger
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    // kube's etcd client: keepalive pings every 30 s, dead after 10 s without answer
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    .keepAliveWithoutCalls(false);
            if ("https".equals(uri.getScheme())) {
                b.sslContext(sslContext(tls));
            } else {
                b.usePlaintext();
            }
            ManagedChannel channel = b.build();
            this.endpoints.add(new Endpoint(uri, channel, KVGrpc.newBlockingStub(channel), WatchGrpc.newStub(channel)));
        }
    }

    private static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(Tls.Material tls) {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (tls != null && tls.trust() != null) {
                b.trustManager(tls.trust());
            }
            if (tls != null && tls.keys() != null) {
                b.keyManager(tls.keys());
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS to etcd: " + e.getMessage(), e);
        }
    }

    /**
     * One unary KV call ({@code what} names it in errors) with the request timeout as deadline;
     * returns etcd's answer or throws EtcdError / UNAVAILABLE.
     */
    <R> R call(String what, boolean idempotent, Function<KVGrpc.KVBlockingStub, R> rpc) {
        StatusRuntimeException last = null;
        int n = endpoints.size();
        int start = current.get();
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            Endpoint e = endpoints.get(index);
            e.wake();
            try {
                return rpc.apply(e.kv.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException x) {
                Status.Code code = x.getStatus().getCode();
                if (code == Status.Code.UNAVAILABLE && (idempotent || connectFailure(x))) {
                    last = x;
                    moveOn(index);
                    continue;
                }
                if (code == Status.Code.DEADLINE_EXCEEDED) {
                    moveOn(index);
                    throw unavailable("etcd did not answer " + what + " within " + timeout.toMillis() + " ms", x);
                }
                if (code == Status.Code.UNAVAILABLE) {
                    moveOn(index);
                    throw unavailable("lost connection to etcd at " + e.uri + " during " + what, x);
                }
                throw error(x);
            }
        }
        throw unavailable("cannot connect to etcd at " + uris(), last);
    }

    /**
     * Opens a watch stream on the endpoint {@code attempt} places after the current one (0: the
     * current one; the caller counts up when one cannot be connected to) and returns the stream to
     * send requests on; the answers and the stream's end go to {@code responses} on gRPC's
     * threads, one at a time.
     */
    StreamObserver<WatchRequest> watch(int attempt, StreamObserver<WatchResponse> responses) {
        Endpoint e = endpoints.get((current.get() + attempt) % endpoints.size());
        e.wake();
        return e.watch.watch(responses);
    }

    /** The etcd version every endpoint reports (Maintenance/Status); fails like a call when one cannot be asked. */
    List<String> versions() {
        List<String> versions = new ArrayList<>();
        for (Endpoint e : endpoints) {
            e.wake();
            try {
                versions.add(MaintenanceGrpc.newBlockingStub(e.channel)
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .status(StatusRequest.getDefaultInstance()).getVersion());
            } catch (StatusRuntimeException x) {
                throw unavailable("cannot ask etcd at " + e.uri + " for its version", x);
            }
        }
        return versions;
    }

    int endpointCount() {
        return endpoints.size();
    }

    /** Whether {@code t} says etcd could not be connected to, so nothing reached it. */
    static boolean connectFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (Endpoint e : endpoints) {
            e.channel.shutdownNow();
        }
    }

    private void moveOn(int failed) {
        current.compareAndSet(failed, (failed + 1) % endpoints.size());
    }

    private List<URI> uris() {
        return endpoints.stream().map(Endpoint::uri).toList();
    }

    static StorageException unavailable(String message, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new StorageException(StorageException.Code.UNAVAILABLE, null, message + detail, cause);
    }

    /**
     * Turns a failed call into an error. Unavailability becomes UNAVAILABLE at once; the rest stays
     * an EtcdError for the caller, who knows what a compacted or future revision means there.
     */
    static RuntimeException error(StatusRuntimeException x) {
        Status s = x.getStatus();
        String message = s.getDescription() != null ? s.getDescription() : s.getCode().name();
        switch (s.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED -> {
                return unavailable("etcd is unavailable (" + s.getCode() + ")", x);
            }
            default -> {
                return new EtcdError(s.getCode(), message);
            }
        }
    }
}
