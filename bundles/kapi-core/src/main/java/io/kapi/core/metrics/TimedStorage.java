package io.kapi.core.metrics;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The storage backend with each call timed into kube's {@code etcd_request_duration_seconds}
 * (operation, type: the resource the key belongs to, {@code configmaps} or {@code leases.coordination.k8s.io}),
 * whichever backend it is. Sits under the watch cache, so it times what reaches the backend.
 */
public final class TimedStorage implements Storage {
    private final Storage backend;
    private final Histogram latency;

    TimedStorage(Storage backend, Histogram latency) {
        this.backend = backend;
        this.latency = latency;
    }

    /** The resource a key or prefix belongs to: {@code /registry/<resource>/…} or {@code /registry/<group>/<resource>/…}. */
    static String type(String key) {
        String[] parts = key.split("/", 5);
        if (parts.length < 3 || parts[2].isEmpty()) {
            return "";
        }
        if (parts[2].contains(".") && parts.length > 3 && !parts[3].isEmpty()) {
            return parts[3] + "." + parts[2];
        }
        return parts[2];
    }

    private <T> T timed(String operation, String key, Supplier<T> call) {
        long t0 = System.nanoTime();
        try {
            return call.get();
        } finally {
            latency.labelValues(operation, type(key)).observe((System.nanoTime() - t0) / 1e9);
        }
    }

    @Override
    public long currentRevision() {
        return backend.currentRevision();
    }

    @Override
    public long compactedRevision() {
        return backend.compactedRevision();
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return timed("create", key, () -> backend.create(key, value));
    }

    @Override
    public KeyValue get(String key) {
        return timed("get", key, () -> backend.get(key));
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        return timed("list", prefix, () -> backend.list(prefix, revision, startAfter, limit));
    }

    @Override
    public long count(String prefix) {
        return timed("count", prefix, () -> backend.count(prefix));
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return timed("update", key, () -> backend.update(key, expectedModRevision, value));
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return timed("delete", key, () -> backend.delete(key, expectedModRevision));
    }

    @Override
    public KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        return timed("update", key, () -> backend.guaranteedUpdate(key, update));
    }

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        return backend.watch(keyOrPrefix, fromRevision, listener);
    }

    @Override
    public void compact(long revision) {
        timed("compact", "", () -> {
            backend.compact(revision);
            return null;
        });
    }
}
