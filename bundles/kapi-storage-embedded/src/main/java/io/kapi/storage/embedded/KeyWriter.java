package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import io.kapi.storage.embedded.VersionCodec.Version;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

import static io.kapi.storage.embedded.Arguments.checkKey;
import static io.kapi.storage.embedded.Arguments.checkValue;
import static io.kapi.storage.embedded.VersionCodec.DELETE;
import static io.kapi.storage.embedded.VersionCodec.PUT;
import static io.kapi.storage.embedded.VersionCodec.toKeyValue;

/**
 * The store's compare-and-swap writes: each checks the newest applied version of its key under the write
 * lock, applies its change there, and returns once the change is durable.
 */
final class KeyWriter {

    private final RevisionReader reads;
    private final GroupCommit commit;
    private final ReentrantLock writeLock;
    private final StoreState state;
    /** The largest accepted value, read at each write from the store's options. */
    private final IntSupplier maxValueBytes;

    KeyWriter(RevisionReader reads, GroupCommit commit, StoreState state, IntSupplier maxValueBytes) {
        this.reads = reads;
        this.commit = commit;
        this.writeLock = commit.writeLock();
        this.state = state;
        this.maxValueBytes = maxValueBytes;
    }

    KeyValue create(String key, byte[] value) {
        checkKey(key);
        checkValue(key, value, maxValueBytes.getAsInt());
        byte[] copy = value.clone();
        long rev;
        writeLock.lock();
        try {
            state.checkWritable();
            Version cur = reads.newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur != null && cur.live()) {
                throw StorageException.exists(key);
            }
            rev = commit.apply(key, PUT, copy, 0, null);
        } finally {
            writeLock.unlock();
        }
        commit.awaitDurable(rev);
        return new KeyValue(key, value, rev, rev);
    }

    KeyValue update(String key, long expectedModRevision, byte[] value) {
        checkKey(key);
        checkValue(key, value, maxValueBytes.getAsInt());
        byte[] copy = value.clone();
        long rev;
        long createRevision;
        writeLock.lock();
        try {
            state.checkWritable();
            Version cur = reads.newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur == null || !cur.live()) {
                throw StorageException.notFound(key);
            }
            if (cur.modRevision != expectedModRevision) {
                throw StorageException.conflict(key, cur.modRevision);
            }
            createRevision = cur.createRevision();
            rev = commit.apply(key, PUT, copy, createRevision, cur.value());
        } finally {
            writeLock.unlock();
        }
        commit.awaitDurable(rev);
        return new KeyValue(key, value, createRevision, rev);
    }

    KeyValue delete(String key, long expectedModRevision) {
        checkKey(key);
        long rev;
        Version cur;
        writeLock.lock();
        try {
            state.checkWritable();
            cur = reads.newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur == null || !cur.live()) {
                throw StorageException.notFound(key);
            }
            if (expectedModRevision != 0 && cur.modRevision != expectedModRevision) {
                throw StorageException.conflict(key, cur.modRevision);
            }
            rev = commit.apply(key, DELETE, null, cur.createRevision(), cur.value());
        } finally {
            writeLock.unlock();
        }
        commit.awaitDurable(rev);
        return new KeyValue(key, cur.value(), cur.createRevision(), rev);
    }

    /**
     * {@link EmbeddedStorage#guaranteedUpdate}: applies {@code update} to the newest applied state, again
     * on a conflict.
     */
    KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        checkKey(key);
        while (true) {
            state.checkOpen();
            Version v;
            try {
                v = reads.newestAtOrBelow(key, Long.MAX_VALUE);
            } catch (RuntimeException e) {
                throw state.translate(e);
            }
            if (v == null || !v.live()) {
                if (v != null) {
                    commit.awaitDurable(v.modRevision);
                }
                throw StorageException.notFound(key);
            }
            commit.awaitDurable(v.modRevision);
            KeyValue current = toKeyValue(key, v);
            KeyValue next = update.apply(current);
            if (next == null || next == current || next.value() == current.value()) {
                return current;
            }
            try {
                return update(key, current.modRevision(), next.value());
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw e;
                }
            }
        }
    }
}
