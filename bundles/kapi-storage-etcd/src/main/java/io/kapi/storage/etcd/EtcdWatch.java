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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One etcd watch on a gRPC stream of its own ({@code Watch/Watch}, one create request). gRPC
 * calls the stream's observer one message at a time, and the listener is called from there, so
 * calls never overlap and keep etcd's revision order; while the listener is busy gRPC reads no
 * further, so a slow listener holds etcd back through HTTP/2 flow control instead of filling memory.
 *
 * <p>Closing cancels the stream. Progress comes from etcd's periodic {@code progress_notify}
 * (etcd's {@code --experimental-watch-progress-notify-interval}, 10 minutes by default) and, on
 * request, from etcd's progress requests ({@link #requestProgress()}).
 */
final class EtcdWatch implements Watch {

    private final EtcdStorage storage;
    private final WatchCreateRequest request;
    private final WatchListener listener;
    /** Guarded by {@code this}: delivery and closing exclude each other, so nothing follows onClose. */
    private boolean closed;
    private volatile Attempt attempt;

    EtcdWatch(EtcdStorage storage, WatchCreateRequest request, WatchListener listener) {
        this.storage = storage;
        this.request = request;
        this.listener = listener;
    }

    /**
     * Opens the stream and returns once etcd has confirmed the watch, so no later write is missed;
     * moves on to the next endpoint when one cannot be connected to.
     */
    void start(Duration timeout) {
        int endpoints = storage.rpc().endpointCount();
        Throwable last = null;
        for (int i = 0; i < endpoints; i++) {
            Attempt a = new Attempt();
            attempt = a;
            synchronized (a) {
                a.requests = storage.rpc().watch(i, a);
            }
            a.send(WatchRequest.newBuilder().setCreateRequest(request).build());
            try {
                a.created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                a.cancel();
                last = e.getCause();
                if (!EtcdRpc.connectFailure(last)) {
                    break;
                }
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
        abandon();
        throw error(last);
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
        if (a != null && a.created.isDone() && !a.done && storage.progressRequestsSupported()) {
            a.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
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

    /** Ends the watch with {@code error}: fails the start while etcd has not confirmed it yet. */
    private void end(Attempt a, StorageException error) {
        a.cancel();
        if (!a.created.isDone()) {
            a.created.completeExceptionally(error);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            storage.forget(this);
            listener.onClose(error);
        }
    }

    /** One stream: etcd's answers arrive here. */
    private final class Attempt implements StreamObserver<WatchResponse> {
        final CompletableFuture<Void> created = new CompletableFuture<>();
        volatile StreamObserver<WatchRequest> requests;
        private volatile boolean done;

        /** Sends on the stream; a gRPC stream takes one sender at a time. */
        synchronized void send(WatchRequest request) {
            if (!done) {
                requests.onNext(request);
            }
        }

        synchronized void cancel() {
            StreamObserver<WatchRequest> r = requests;
            if (!done && r instanceof ClientCallStreamObserver<WatchRequest> call) {
                done = true;
                call.cancel("watch closed", null);
            }
        }

        @Override
        public void onNext(WatchResponse result) {
            if (result.getCompactRevision() != 0) {
                // etcd cancels a watch whose start revision it no longer has
                end(this, StorageException.compacted(Math.max(result.getCompactRevision(),
                        storage.compactedRevisionCached())));
                return;
            }
            if (result.getCanceled()) {
                String reason = result.getCancelReason();
                end(this, new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                        "etcd cancelled the watch" + (reason.isEmpty() ? "" : ": " + reason)));
                return;
            }
            if (result.getCreated()) {
                created.complete(null);
                return;
            }
            synchronized (EtcdWatch.this) {
                if (closed) {
                    return;
                }
                if (result.getEventsCount() == 0) {
                    listener.onProgress(result.getHeader().getRevision());
                } else {
                    for (Event e : result.getEventsList()) {
                        listener.onEvent(event(e));
                    }
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            done = true;
            end(this, error(t));
        }

        @Override
        public void onCompleted() {
            done = true;
            end(this, new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd closed the watch stream"));
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
