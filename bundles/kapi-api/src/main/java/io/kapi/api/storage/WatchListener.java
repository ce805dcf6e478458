package io.kapi.api.storage;

/**
 * Receives a watch's events. Calls for one watch are made from one thread at a time, in revision
 * order. A listener must not block for long: a backend may close a watcher that cannot keep up.
 */
@org.osgi.annotation.versioning.ProviderType
public interface WatchListener {
    void onEvent(WatchEvent event);

    /** No event matching the watch happened up to {@code revision} (etcd's progress notify). */
    default void onProgress(long revision) {
    }

    /** The watch ended; {@code error} is null when it was closed by the watcher or backend shut down cleanly. */
    void onClose(StorageException error);
}
