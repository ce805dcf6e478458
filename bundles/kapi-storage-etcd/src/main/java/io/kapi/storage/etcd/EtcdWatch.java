package io.kapi.storage.etcd;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One etcd watch on a gRPC stream of its own ({@code Watch/Watch}, one create request). gRPC
 * calls the stream's observer one message at a time, and the listener is called from there, so
 * calls never overlap and keep etcd's revision order; while the listener is busy gRPC reads no
 * further, so a slow listener holds etcd back through HTTP/2 flow control instead of filling memory.
 *
 * <p>A stream that breaks (its member died, stopped answering or lost its leader) is reopened on
 * another endpoint from the revision after the last one delivered, as kube's etcd client resumes
 * its watches, so the listener sees no gap; events at or below that revision are never delivered
 * twice. Only when no endpoint takes the watch again does it end, with UNAVAILABLE (the watcher
 * then resumes or re-lists itself); a compacted resume point ends it with COMPACTED.
 *
 * <p>Closing cancels the stream. Progress comes from etcd's periodic {@code progress_notify}
 * (etcd's {@code --experimental-watch-progress-notify-interval}, 10 minutes by default) and, on
 * request, from etcd's progress requests ({@link #requestProgress()}).
 */
final class EtcdWatch implements Watch {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EtcdWatch.class.getName());

    private static final int OPENING = 0;
    private static final int LIVE = 1;
    private static final int OVER = 2;
    /** Pause before trying every endpoint again while etcd answers that it has no leader. */
    private static final long NO_LEADER_PAUSE_MILLIS = 200;

    private final EtcdStorage storage;
    private final WatchCreateRequest request;
    private final WatchListener listener;
    private final Duration timeout;
    /** Guarded by {@code this}: delivery and closing exclude each other, so nothing follows onClose. */
    private boolean closed;
    /** Guarded by {@code this}: every event up to this revision was delivered (0: not known yet). */
    private long delivered;
    private volatile Attempt attempt;
    private final AtomicInteger reopened = new AtomicInteger();

    EtcdWatch(EtcdStorage storage, WatchCreateRequest request, long fromRevision, WatchListener listener) {
        this.storage = storage;
        this.request = request;
        this.listener = listener;
        this.delivered = fromRevision;
        this.timeout = storage.config().requestTimeout();
    }

    /**
     * Opens the stream and returns once etcd has confirmed the watch, so no later write is missed;
     * moves on to the next endpoint when one cannot be connected to or does not confirm in time.
     */
    void start(Duration timeout) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        open(storage.rpc().watchOrder(), 0, opened, null, System.nanoTime() + timeout.toNanos());
        try {
            opened.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            abandon();
            throw error(e.getCause());
        } catch (TimeoutException e) {
            abandon();
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                    "etcd did not confirm the watch within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, "interrupted while opening a watch", e);
        }
    }

    /** The endpoint (index) of the current stream. */
    int endpoint() {
        Attempt a = attempt;
        return a == null ? -1 : a.index;
    }

    /** How often the stream was reopened on another endpoint. */
    int reopenCount() {
        return reopened.get();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                listener.onClose(null);
            } finally {
                shutdownStream();
            }
        }
    }

    /**
     * Sends etcd a progress request on this watch's stream; etcd answers with the stream's current
     * revision once the watch is synced (an empty response, delivered as {@code onProgress}). Only
     * to an etcd that answers in order with the events ({@link EtcdStorage#progressRequestsSupported()});
     * otherwise nothing is sent.
     */
    @Override
    public void requestProgress() {
        Attempt a = attempt;
        if (a != null && a.state.get() == LIVE && storage.progressRequestsSupported()) {
            a.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
        }
    }

    /**
     * Tries endpoint {@code order[pos]}, the next ones when it fails before confirming; completes
     * {@code opened} once one confirmed, or exceptionally when none did (trying all again after a
     * pause while etcd says it has no leader, until {@code deadline}).
     */
    private void open(List<Integer> order, int pos, CompletableFuture<Void> opened, Throwable last, long deadline) {
        WatchCreateRequest create;
        synchronized (this) {
            if (closed) {
                opened.completeExceptionally(new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "watch closed"));
                return;
            }
            if (pos >= order.size()) {
                if (last instanceof StatusRuntimeException x && EtcdRpc.answeredByEtcd(x)
                        && deadline - System.nanoTime() > TimeUnit.MILLISECONDS.toNanos(NO_LEADER_PAUSE_MILLIS)) {
                    later(() -> open(storage.rpc().watchOrder(), 0, opened, last, deadline), NO_LEADER_PAUSE_MILLIS, opened);
                } else {
                    opened.completeExceptionally(last != null ? last
                            : new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "no etcd endpoint took the watch"));
                }
                return;
            }
            create = delivered > 0 ? request.toBuilder().setStartRevision(delivered + 1).build() : request;
            attempt = new Attempt(order, pos, opened, deadline);
        }
        Attempt a = attempt;
        try {
            synchronized (a) {
                a.requests = storage.rpc().watch(a.index, a);
            }
            a.send(WatchRequest.newBuilder().setCreateRequest(create).build());
            long perAttempt = Math.max(500, timeout.toMillis() / storage.rpc().endpointCount());
            a.timer = storage.rpc().scheduler().schedule(() -> a.failBeforeCreated(new StorageException(
                    StorageException.Code.UNAVAILABLE, null, 0, "etcd at " + storage.rpc().uri(a.index)
                    + " did not confirm the watch within " + perAttempt + " ms")), perAttempt, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            a.failBeforeCreated(e);
        }
    }

    /** Runs {@code task} on the transport's timer thread after {@code millis}; fails {@code opened} when it is gone. */
    private void later(Runnable task, long millis, CompletableFuture<Void> opened) {
        try {
            storage.rpc().scheduler().schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedTransport) {
            opened.completeExceptionally(new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd client closed"));
        }
    }

    /** Ends a watch that never got started: no listener call at all. */
    private void abandon() {
        synchronized (this) {
            closed = true;
        }
        shutdownStream();
    }

    private void shutdownStream() {
        storage.forget(this);
        Attempt a = attempt;
        if (a != null) {
            a.cancel();
        }
    }

    /** What a failed stream ends the watch with. */
    private StorageException error(Throwable t) {
        if (t instanceof StorageException s) {
            return s;
        }
        if (t instanceof StatusRuntimeException x) {
            RuntimeException e = EtcdRpc.error(x);
            if (e instanceof EtcdRpc.EtcdError ee) {
                // Unless etcd says something specific, the watch is simply gone: UNAVAILABLE, so the
                // watcher re-lists or resumes elsewhere.
                StorageException s = storage.translate(ee, null);
                return s.code() != StorageException.Code.INTERNAL ? s
                        : new StorageException(StorageException.Code.UNAVAILABLE, null, s.getMessage(), x);
            }
            return (StorageException) e;
        }
        return new StorageException(StorageException.Code.UNAVAILABLE, null, "etcd watch stream broke: " + t, t);
    }

    /** Ends the watch with {@code error}: the listener's one onClose. */
    private void end(StorageException error) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            storage.forget(this);
            listener.onClose(error);
        }
        Attempt a = attempt;
        if (a != null) {
            a.cancel();
        }
    }

    /** The confirmed stream {@code a} broke: reopen elsewhere from the revision after the last delivered, or end. */
    private void broke(Attempt a, Throwable t, boolean reopen) {
        a.cancel();
        if (attempt != a) {
            return;
        }
        if (!reopen) {
            end(error(t));
            return;
        }
        storage.rpc().failed(a.index);
        CompletableFuture<Void> again = new CompletableFuture<>();
        again.whenComplete((ok, failure) -> {
            if (failure != null) {
                StorageException e = error(failure);
                end(e.code() == StorageException.Code.COMPACTED ? e : new StorageException(StorageException.Code.UNAVAILABLE,
                        null, "etcd watch stream broke (" + error(t).getMessage() + ") and could not be reopened: "
                        + e.getMessage(), failure));
            } else {
                reopened.incrementAndGet();
                LOG.info(() -> "etcd watch on " + request.getKey().toStringUtf8() + " moved from "
                        + storage.rpc().uri(a.index) + " to " + storage.rpc().uri(endpoint()) + " ("
                        + error(t).getMessage() + ")");
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        later(() -> open(storage.rpc().watchOrder(), 0, again, t, deadline), 0, again);
    }

    /** One stream on one endpoint: etcd's answers arrive here. */
    private final class Attempt implements StreamObserver<WatchResponse> {
        final AtomicInteger state = new AtomicInteger(OPENING);
        final List<Integer> order;
        final int pos;
        final int index;
        final CompletableFuture<Void> opened;
        final long deadline;
        volatile StreamObserver<WatchRequest> requests;
        volatile ScheduledFuture<?> timer;
        private boolean cancelled; // guarded by this

        Attempt(List<Integer> order, int pos, CompletableFuture<Void> opened, long deadline) {
            this.order = order;
            this.pos = pos;
            this.index = order.get(pos);
            this.opened = opened;
            this.deadline = deadline;
        }

        /** Sends on the stream; a gRPC stream takes one sender at a time. */
        synchronized void send(WatchRequest request) {
            if (!cancelled && requests != null) {
                requests.onNext(request);
            }
        }

        synchronized void cancel() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            if (!cancelled && requests instanceof ClientCallStreamObserver<WatchRequest> call) {
                cancelled = true;
                call.cancel("watch closed", null);
            }
        }

        /** Failed before etcd confirmed it: the next endpoint, unless etcd no longer has the revision. */
        void failBeforeCreated(Throwable t) {
            if (!state.compareAndSet(OPENING, OVER)) {
                return;
            }
            cancel();
            if (t instanceof StorageException s && s.code() == StorageException.Code.COMPACTED) {
                opened.completeExceptionally(s);
                return;
            }
            if (!(t instanceof StatusRuntimeException x && EtcdRpc.answeredByEtcd(x))) {
                storage.rpc().failed(index);
            }
            later(() -> open(order, pos + 1, opened, t, deadline), 0, opened);
        }

        private void fail(Throwable t, boolean reopen) {
            if (state.get() == OPENING) {
                failBeforeCreated(t);
            } else if (state.compareAndSet(LIVE, OVER)) {
                broke(this, t, reopen);
            }
        }

        @Override
        public void onNext(WatchResponse result) {
            if (result.getCompactRevision() != 0) {
                // etcd cancels a watch whose start revision it no longer has
                fail(StorageException.compacted(Math.max(result.getCompactRevision(), storage.compactedRevisionCached())), false);
                return;
            }
            if (result.getCanceled()) {
                String reason = result.getCancelReason();
                fail(new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                        "etcd cancelled the watch" + (reason.isEmpty() ? "" : ": " + reason)), reason.contains("no leader"));
                return;
            }
            if (result.getCreated()) {
                if (state.compareAndSet(OPENING, LIVE)) {
                    ScheduledFuture<?> t = timer;
                    if (t != null) {
                        t.cancel(false);
                    }
                    storage.rpc().succeeded(index);
                    synchronized (EtcdWatch.this) {
                        if (delivered == 0) {
                            // from "now": etcd's revision when it created the watch
                            delivered = result.getHeader().getRevision();
                        }
                    }
                    opened.complete(null);
                }
                return;
            }
            synchronized (EtcdWatch.this) {
                if (closed || attempt != this || state.get() != LIVE) {
                    return;
                }
                if (result.getEventsCount() == 0) {
                    long revision = result.getHeader().getRevision();
                    if (revision >= delivered) {
                        delivered = revision;
                        listener.onProgress(revision);
                    }
                    return;
                }
                long before = delivered;
                for (Event e : result.getEventsList()) {
                    long revision = e.getKv().getModRevision();
                    if (revision > before) {
                        // a reopened stream repeats nothing already delivered
                        listener.onEvent(event(e));
                        delivered = Math.max(delivered, revision);
                    }
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(t, true);
        }

        @Override
        public void onCompleted() {
            fail(new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd closed the watch stream"), true);
        }
    }

    private WatchEvent event(Event e) {
        io.etcd.jetcd.api.KeyValue kv = e.getKv();
        boolean hasPrev = e.hasPrevKv();
        io.etcd.jetcd.api.KeyValue prev = e.getPrevKv();
        String key = storage.strip(kv.getKey());
        long revision = kv.getModRevision();
        if (e.getType() == Event.EventType.DELETE) {
            // etcd's DELETE event carries only key and revision; the rest is in prev_kv
            return new WatchEvent(WatchEvent.Type.DELETE, key, null, hasPrev ? prev.getValue().toByteArray() : null,
                    revision, prev.getCreateRevision());
        }
        // version 1 is a creation, whatever prev_kv says (etcd omits it when it cannot fetch it)
        boolean isCreate = kv.getVersion() == 1;
        return new WatchEvent(WatchEvent.Type.PUT, key, kv.getValue().toByteArray(),
                isCreate || !hasPrev ? null : prev.getValue().toByteArray(), revision, kv.getCreateRevision());
    }
}
