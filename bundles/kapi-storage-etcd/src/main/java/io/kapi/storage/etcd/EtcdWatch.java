package io.kapi.storage.etcd;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One etcd watch on its own HTTP stream ({@code POST /v3/watch}, newline-separated JSON
 * {@code WatchResponse}s), read by one thread, which is also the thread that calls the listener,
 * so calls never overlap and keep etcd's revision order.
 *
 * <p>The gateway's request body is sent once, so a watch cannot be cancelled in-band: closing
 * the HTTP stream is the cancellation. For the same reason progress comes only from etcd's
 * periodic {@code progress_notify} (etcd's {@code --experimental-watch-progress-notify-interval},
 * 10 minutes by default), not from on-demand progress requests.
 */
final class EtcdWatch implements Watch {

    private static final AtomicLong IDS = new AtomicLong();

    private final EtcdStorage storage;
    private final Map<String, Object> request;
    private final WatchListener listener;
    private final CompletableFuture<Void> created = new CompletableFuture<>();
    private final Thread reader;
    /** Guarded by {@code this}: delivery and closing exclude each other, so nothing follows onClose. */
    private boolean closed;
    private volatile InputStream stream;

    EtcdWatch(EtcdStorage storage, Map<String, Object> request, WatchListener listener) {
        this.storage = storage;
        this.request = request;
        this.listener = listener;
        this.reader = new Thread(this::run, "kapi-etcd-watch-" + IDS.incrementAndGet());
        this.reader.setDaemon(true);
    }

    /** Opens the stream and returns once etcd has confirmed the watch, so no later write is missed. */
    void start(Duration timeout) {
        reader.start();
        try {
            created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            abandon();
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new StorageException(StorageException.Code.INTERNAL, null, "watch failed", cause);
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

    /** Ends a watch that never got started: no listener call at all. */
    private void abandon() {
        synchronized (this) {
            closed = true;
        }
        shutdownStream();
    }

    private void shutdownStream() {
        storage.forget(this);
        InputStream in = stream;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
        if (Thread.currentThread() != reader) {
            // the JDK's response stream wakes a blocked reader on interrupt, not on close
            reader.interrupt();
        }
    }

    private void run() {
        StorageException error;
        try {
            InputStream in = storage.gateway().stream("/v3/watch", request);
            stream = in;
            synchronized (this) {
                if (closed) {
                    in.close();
                    return;
                }
            }
            error = read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (Gateway.EtcdError e) {
            error = storage.translate(e, null);
        } catch (StorageException e) {
            error = e;
        } catch (IOException | RuntimeException e) {
            error = new StorageException(StorageException.Code.UNAVAILABLE, null,
                    "etcd watch stream broke: " + e, e);
        }
        if (!created.isDone()) {
            created.completeExceptionally(error);
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

    /** Reads responses until the stream ends; returns the error the watch ends with. */
    private StorageException read(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> message = Json.parseObject(line);
            if (message.containsKey("error")) {
                // The gateway's in-stream error: the gRPC stream behind it failed (etcd shutting
                // down, "transport is closing", ...). Unless etcd says something specific, the
                // watch is simply gone: UNAVAILABLE, so the watcher re-lists or resumes elsewhere.
                RuntimeException e = Gateway.error(500, line);
                if (e instanceof Gateway.EtcdError) {
                    StorageException s = storage.translate((Gateway.EtcdError) e, null);
                    return s.code() != StorageException.Code.INTERNAL ? s
                            : new StorageException(StorageException.Code.UNAVAILABLE, null, s.getMessage(), e);
                }
                return (StorageException) e;
            }
            Map<String, Object> result = Json.obj(message, "result");
            long compactRevision = Json.lng(result, "compact_revision");
            if (compactRevision != 0) {
                // etcd cancels a watch whose start revision it no longer has
                return StorageException.compacted(Math.max(compactRevision, storage.compactedRevisionCached()));
            }
            if (Json.bool(result, "canceled")) {
                String reason = Json.str(result, "cancel_reason");
                return new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                        "etcd cancelled the watch" + (reason == null ? "" : ": " + reason));
            }
            if (Json.bool(result, "created")) {
                created.complete(null);
                continue;
            }
            List<Map<String, Object>> events = Json.objects(result, "events");
            synchronized (this) {
                if (closed) {
                    return null;
                }
                if (events.isEmpty()) {
                    listener.onProgress(EtcdStorage.headerRevision(result));
                } else {
                    for (Map<String, Object> e : events) {
                        listener.onEvent(event(e));
                    }
                }
            }
        }
        return new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd closed the watch stream");
    }

    private WatchEvent event(Map<String, Object> e) {
        Map<String, Object> kv = Json.obj(e, "kv");
        boolean hasPrev = e.containsKey("prev_kv");
        Map<String, Object> prev = Json.obj(e, "prev_kv");
        String key = storage.strip(EtcdStorage.b64d(Json.str(kv, "key")));
        long revision = Json.lng(kv, "mod_revision");
        if ("DELETE".equals(Json.str(e, "type"))) {
            // etcd's DELETE event carries only key and revision; the rest is in prev_kv
            return new WatchEvent(WatchEvent.Type.DELETE, key, null, hasPrev ? EtcdStorage.value(prev) : null,
                    revision, Json.lng(prev, "create_revision"));
        }
        // version 1 is a creation, whatever prev_kv says (etcd omits it when it cannot fetch it)
        boolean isCreate = Json.lng(kv, "version") == 1;
        return new WatchEvent(WatchEvent.Type.PUT, key, EtcdStorage.value(kv),
                isCreate || !hasPrev ? null : EtcdStorage.value(prev), revision, Json.lng(kv, "create_revision"));
    }
}
