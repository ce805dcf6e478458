package io.kapi.api.storage;

/** A running watch. Closing it is idempotent; after close no more events are delivered. */
@org.osgi.annotation.versioning.ConsumerType
public interface Watch extends AutoCloseable {
    @Override
    void close();

    /**
     * Asks for a progress notification soon (etcd's RequestProgress): once the watch has delivered
     * every matching event up to the store's newest revision, its listener gets
     * {@code onProgress(that revision)}. A watch still catching up from history may not answer;
     * callers repeat the request while they wait (kube's cacher does every 100 ms) and must not rely
     * on an answer. Backends without the notion do nothing.
     */
    default void requestProgress() {
    }
}
