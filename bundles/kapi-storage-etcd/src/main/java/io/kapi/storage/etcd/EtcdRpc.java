package io.kapi.storage.etcd;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.kapi.api.storage.StorageException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC transport to etcd's client API (the same API kube-apiserver's etcd client uses), one
 * HTTP/2 channel per endpoint, multiplexing every call and watch to it.
 *
 * <p>Every endpoint is used: calls and watches go round robin over the endpoints, as
 * kube-apiserver's etcd client (clientv3) balances them, and an endpoint that failed is avoided
 * for a while ({@link EndpointHealth}). With several endpoints a probe asks each one for its
 * status every {@value #PROBE_INTERVAL_MILLIS} ms; one that does not answer within
 * {@link #probeTimeout} (a stopped or hung member still accepts connections but answers nothing)
 * is avoided, and, when another endpoint did answer meanwhile, the calls and watches waiting on its
 * connection are cut off, so they end or move on at once instead of each waiting out the request
 * timeout.
 *
 * <p>Only calls that cannot have reached etcd are retried elsewhere for writes: a request that
 * reached etcd and then timed out or lost its connection may have been applied, and repeating a
 * write could turn its success into EXISTS or CONFLICT, so it answers UNAVAILABLE. Reads
 * ({@code idempotent}) are retried on any unavailability, on the other endpoints and, while etcd
 * answers that it is electing a leader ("etcdserver: no leader", "leader changed", "request timed
 * out"), again after a short pause, within the one request timeout, as clientv3 retries them.
 *
 * <p>grpc-java waits ever longer (up to two minutes) between attempts to reconnect a failed
 * channel and fails calls at once in between. etcd coming back must be noticed by the next call,
 * as with one connection attempt per request, so a call to a channel in that state first cuts the
 * wait short.
 *
 * <p>The channels run on {@link TransportThreads} of their own, which {@link #close} ends.
 */
final class EtcdRpc implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EtcdRpc.class.getName());

    static final long PROBE_INTERVAL_MILLIS = 500;
    /** Pause between two passes of a read over every endpoint while etcd elects a leader. */
    private static final long RETRY_PAUSE_MILLIS = 50;

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

    /** One connection to an endpoint; replaced when the endpoint stops answering. */
    private record Conn(ManagedChannel channel, KVGrpc.KVBlockingStub kv, WatchGrpc.WatchStub watch) {
        /** A channel waiting out its reconnect back-off tries again now. */
        void wake() {
            if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
        }
    }

    private final class Endpoint {
        final URI uri;
        final AtomicReference<Conn> conn = new AtomicReference<>();
        final AtomicBoolean probing = new AtomicBoolean();
        /** nanoTime of the last answer to a probe (a day ago before the first). */
        volatile long lastAnswer = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

        Endpoint(URI uri) {
            this.uri = uri;
            conn.set(connect(uri));
        }
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final EndpointHealth health;
    /** Per endpoint: unary calls it answered, for tests and diagnostics. */
    private final AtomicLongArray answered;
    private final Duration timeout;
    private final long probeTimeoutMillis;
    private final SslContext ssl;
    private final ScheduledThreadPoolExecutor scheduler;
    private final TransportThreads threads;
    private volatile boolean closed;

    EtcdRpc(List<URI> endpoints, Duration timeout, Tls.Material tls) {
        this.timeout = timeout;
        this.probeTimeoutMillis = probeTimeout(timeout).toMillis();
        boolean anyTls = endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
        this.ssl = anyTls ? sslContext(tls) : null;
        this.threads = new TransportThreads(endpoints.size());
        for (URI uri : endpoints) {
            this.endpoints.add(new Endpoint(uri));
        }
        this.health = new EndpointHealth(endpoints.size());
        this.answered = new AtomicLongArray(endpoints.size());
        this.scheduler = new ScheduledThreadPoolExecutor(1, TransportThreads.daemons("kapi-etcd-rpc-"));
        scheduler.setRemoveOnCancelPolicy(true);
        if (endpoints.size() > 1) {
            scheduler.scheduleWithFixedDelay(this::probeAll, PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** How long a probe waits for an endpoint's status: a second, less for a shorter request timeout. */
    static Duration probeTimeout(Duration requestTimeout) {
        return Duration.ofMillis(Math.max(100, Math.min(1000, requestTimeout.toMillis() / 2)));
    }

    private Conn connect(URI uri) {
        NettyChannelBuilder b = threads.channel(uri.getHost(), uri.getPort())
                // kube's etcd client lifts gRPC's 4 MiB limit: a LIST page can be far larger
                .maxInboundMessageSize(Integer.MAX_VALUE)
                // kube's etcd client: keepalive pings every 30 s, dead after 10 s without answer
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(false);
        if ("https".equals(uri.getScheme())) {
            b.sslContext(ssl);
        } else {
            b.usePlaintext();
        }
        ManagedChannel channel = b.build();
        // as kube's watches (clientv3.WithRequireLeader): etcd ends them when its member loses the leader
        Metadata requireLeader = new Metadata();
        requireLeader.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
        return new Conn(channel, KVGrpc.newBlockingStub(channel),
                WatchGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader)));
    }

    private static SslContext sslContext(Tls.Material tls) {
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
     * One unary KV call ({@code what} names it in errors) within the request timeout; returns
     * etcd's answer or throws EtcdError / UNAVAILABLE.
     */
    <R> R call(String what, boolean idempotent, Function<KVGrpc.KVBlockingStub, R> rpc) {
        long deadline = System.nanoTime() + timeout.toNanos();
        StatusRuntimeException last = null;
        while (true) {
            boolean electing = false;
            for (int index : health.order(System.nanoTime())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw unavailable("etcd did not answer " + what + " within " + timeout.toMillis() + " ms", last);
                }
                Endpoint e = endpoints.get(index);
                Conn c = e.conn.get();
                c.wake();
                try {
                    R answer = rpc.apply(c.kv.withDeadlineAfter(left, TimeUnit.NANOSECONDS));
                    health.succeeded(index);
                    answered.incrementAndGet(index);
                    return answer;
                } catch (StatusRuntimeException x) {
                    Status.Code code = x.getStatus().getCode();
                    if (code == Status.Code.DEADLINE_EXCEEDED) {
                        failed(index);
                        throw unavailable("etcd at " + e.uri + " did not answer " + what + " within "
                                + timeout.toMillis() + " ms", x);
                    }
                    if (code != Status.Code.UNAVAILABLE) {
                        throw error(x);
                    }
                    boolean fromEtcd = answeredByEtcd(x);
                    boolean notSent = connectFailure(x);
                    if (!fromEtcd) {
                        failed(index);
                    }
                    if (idempotent || notSent) {
                        last = x;
                        electing |= fromEtcd;
                        continue;
                    }
                    throw unavailable(fromEtcd
                            ? "etcd at " + e.uri + " could not complete " + what + ", which may or may not have been applied"
                            : "lost connection to etcd at " + e.uri + " during " + what, x);
                }
            }
            // every endpoint tried: a read waits for the election while etcd says it is electing
            long pause = TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS);
            if (!electing || deadline - System.nanoTime() <= pause) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(pause);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw unavailable("cannot reach etcd at " + uris() + " for " + what, last);
    }

    /**
     * The endpoints to open a watch on, in the order to try them (healthy ones first, a different
     * one first each time), as indexes for {@link #watch}.
     */
    List<Integer> watchOrder() {
        return health.order(System.nanoTime());
    }

    /**
     * Opens a watch stream on endpoint {@code index} and returns the stream to send requests on;
     * the answers and the stream's end go to {@code responses} on gRPC's threads, one at a time.
     * etcd ends the stream when its member has no leader, as for kube's watches.
     */
    StreamObserver<WatchRequest> watch(int index, StreamObserver<WatchResponse> responses) {
        Conn c = endpoints.get(index).conn.get();
        c.wake();
        return c.watch.watch(responses);
    }

    /** Endpoint {@code index} failed a call or a watch: tried after the others for a while. */
    void failed(int index) {
        health.failed(index, System.nanoTime());
    }

    /** Endpoint {@code index} answered: healthy. */
    void succeeded(int index) {
        health.succeeded(index);
    }

    URI uri(int index) {
        return endpoints.get(index).uri;
    }

    /** For watches' timers: one daemon thread, never to block on. */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The etcd version of every endpoint (Maintenance/Status), asked all at once; null for one that
     * could not be asked within the request timeout (or is avoided as failed). Fails only when no
     * endpoint answered, so one dead member does not block anything.
     */
    List<String> versions() {
        List<ListenableFuture<StatusResponse>> asked = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < endpoints.size(); i++) {
            Conn c = endpoints.get(i).conn.get();
            c.wake();
            asked.add(endpoints.size() > 1 && !health.isHealthy(i, now) ? null
                    : MaintenanceGrpc.newFutureStub(c.channel)
                            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .status(StatusRequest.getDefaultInstance()));
        }
        List<String> versions = new ArrayList<>();
        Throwable last = null;
        for (ListenableFuture<StatusResponse> f : asked) {
            try {
                versions.add(f == null ? null : f.get().getVersion());
            } catch (ExecutionException e) {
                versions.add(null);
                last = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("interrupted while asking etcd for its version", e);
            }
        }
        if (versions.stream().allMatch(v -> v == null)) {
            throw unavailable("cannot ask etcd at " + uris() + " for its version", last);
        }
        return versions;
    }

    /** How many unary calls endpoint {@code index} answered. */
    long answered(int index) {
        return answered.get(index);
    }

    int endpointCount() {
        return endpoints.size();
    }

    // ------------------------------------------------------------ probes

    private void probeAll() {
        for (int i = 0; i < endpoints.size() && !closed; i++) {
            probe(i);
        }
    }

    /**
     * Asks endpoint {@code index} for its status. No answer in time while it was healthy: avoided,
     * and its connection replaced, which ends the calls and watches waiting on it (UNAVAILABLE),
     * when another endpoint is healthy to take them.
     */
    private void probe(int index) {
        Endpoint e = endpoints.get(index);
        if (!e.probing.compareAndSet(false, true)) {
            return;
        }
        Conn c = e.conn.get();
        c.wake();
        long sent = System.nanoTime();
        ListenableFuture<StatusResponse> f;
        try {
            f = MaintenanceGrpc.newFutureStub(c.channel).withDeadlineAfter(probeTimeoutMillis, TimeUnit.MILLISECONDS)
                    .status(StatusRequest.getDefaultInstance());
        } catch (RuntimeException shutDown) {
            e.probing.set(false);
            return;
        }
        f.addListener(() -> {
            e.probing.set(false);
            try {
                f.get();
                e.lastAnswer = System.nanoTime();
                if (health.succeeded(index)) {
                    LOG.info(() -> "etcd at " + e.uri + " answers again");
                }
            } catch (ExecutionException x) {
                Status.Code code = Status.fromThrowable(x.getCause()).getCode();
                long now = System.nanoTime();
                if (code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNAVAILABLE) {
                    boolean transition = health.failed(index, now);
                    if (transition) {
                        // before its first answer (starting up, connecting) this is no news
                        boolean answeredBefore = now - e.lastAnswer < TimeUnit.HOURS.toNanos(12);
                        LOG.log(answeredBefore ? Level.WARNING : Level.FINE, () -> "etcd at " + e.uri
                                + " does not answer (" + code + "), using the other endpoints");
                    }
                    // connected, and no answer: calls on it wait in vain (a new connection to a stopped
                    // process never gets etcd's HTTP/2 settings, so it is not READY and not replaced again)
                    if (code == Status.Code.DEADLINE_EXCEEDED && c.channel.getState(false) == ConnectivityState.READY
                            && othersAnswered(index, sent)) {
                        LOG.warning("etcd at " + e.uri + " did not answer within " + probeTimeoutMillis
                                + " ms while others did: ending the calls and watches waiting on it");
                        replace(e, c);
                    }
                } else {
                    health.succeeded(index); // it answered, if only with an error
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, MoreExecutors.directExecutor());
    }

    /**
     * Whether another endpoint answered a probe sent at the same time or later, so it is this one
     * that does not answer, not the whole machine or cluster that is slow (as while etcd elects a
     * leader on a busy machine): only then are the calls waiting on it cut off.
     */
    private boolean othersAnswered(int index, long sent) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (i != index && endpoints.get(i).lastAnswer - sent >= 0) {
                return true;
            }
        }
        return false;
    }

    /** A new connection for {@code e} in place of {@code old}, which is cut off with everything on it. */
    private void replace(Endpoint e, Conn old) {
        if (closed || !e.conn.compareAndSet(old, connect(e.uri))) {
            return;
        }
        old.channel.shutdownNow();
        if (closed) {
            e.conn.get().channel.shutdownNow();
        }
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

    /** Whether an UNAVAILABLE came from etcd itself (electing, timed out inside etcd), not from the connection. */
    static boolean answeredByEtcd(StatusRuntimeException x) {
        String d = x.getStatus().getDescription();
        return d != null && d.startsWith("etcdserver:");
    }

    /** Cuts every call and watch off, then waits (a few seconds at most) for the threads this transport started to end. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Endpoint e : endpoints) {
            e.conn.get().channel.shutdownNow();
        }
        threads.close(endpoints.stream().map(e -> e.conn.get().channel).toList());
    }

    private List<URI> uris() {
        return endpoints.stream().map(e -> e.uri).toList();
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
