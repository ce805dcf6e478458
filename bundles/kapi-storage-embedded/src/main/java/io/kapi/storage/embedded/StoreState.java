package io.kapi.storage.embedded;

import io.kapi.api.storage.StorageException;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The state every part of the embedded store reads: the revision readers may see, the compacted
 * revision, whether the store is closed or failed, and the exception a caller gets for each.
 */
final class StoreState {

    private volatile long durable;
    private volatile long compacted;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private boolean writesClosed; // guarded by the write lock (GroupCommit#writeLock)

    /** The last synced revision: what reads at "latest" and watchers see. */
    long durable() {
        return durable;
    }

    void durable(long revision) {
        this.durable = revision;
    }

    long compacted() {
        return compacted;
    }

    void compacted(long revision) {
        this.compacted = revision;
    }

    /** Why the store failed, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Records why the store failed; false when it had failed already (the first cause stays). */
    boolean fail(Throwable t) {
        return failure.compareAndSet(null, t);
    }

    boolean closed() {
        return closed;
    }

    /** Marks the store closed; false when it was already. */
    boolean close() {
        synchronized (closeLock) {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }
    }

    /** Caller holds the write lock. */
    boolean writesClosed() {
        return writesClosed;
    }

    /** Refuses writes from now on; caller holds the write lock. */
    void closeWrites() {
        writesClosed = true;
    }

    void checkOpen() {
        if (closed) {
            throw unavailable("storage is closed", null);
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw unavailable("storage failed", failed);
        }
    }

    void checkWritable() {
        if (writesClosed || closed) {
            throw unavailable("storage is closed", null);
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw unavailable("storage failed", failed);
        }
    }

    StorageException translate(RuntimeException e) {
        if (e instanceof StorageException) {
            return (StorageException) e;
        }
        if (closed || failure.get() != null) {
            return unavailable("storage is closed", e);
        }
        return new StorageException(StorageException.Code.INTERNAL, null, "storage error: " + e, e);
    }

    static StorageException unavailable(String message, Throwable cause) {
        return new StorageException(StorageException.Code.UNAVAILABLE, null, message, cause);
    }
}
