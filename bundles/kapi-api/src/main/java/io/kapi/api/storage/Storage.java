package io.kapi.api.storage;

import java.util.function.UnaryOperator;

/**
 * A key-value store with etcd v3's semantics. Every write advances one global revision by one and
 * returns only when it is durable. Implementations are thread-safe.
 *
 * <p>Keys are strings laid out as kube-apiserver does ({@code /registry/<group>/<resource>/[ns/]name});
 * a "prefix" always ends with '/'. Values are opaque bytes.
 *
 * <p>Errors are {@link StorageException}s with a {@link StorageException.Code}.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Storage {

    /** The revision of the last write (0 for an empty store). */
    long currentRevision();

    /**
     * The newest revision that was compacted: reads at or below it fail with COMPACTED; watches from
     * below it fail with COMPACTED (a watch from it needs only the later revisions, which remain).
     */
    long compactedRevision();

    /** Creates {@code key}; fails with EXISTS when it is present. Returns the stored key-value. */
    KeyValue create(String key, byte[] value);

    /** The key's current value, or null when it does not exist. */
    KeyValue get(String key);

    /**
     * Reads keys under {@code prefix} in key order.
     *
     * @param revision 0 for the latest revision, otherwise the revision to read at (COMPACTED if
     *                 compacted, FUTURE_REVISION if newer than the store)
     * @param startAfter exclusive start key for paging, or null
     * @param limit maximum number of items, 0 for no limit
     */
    ListResult list(String prefix, long revision, String startAfter, int limit);

    /** Number of live keys under {@code prefix}. */
    long count(String prefix);

    /**
     * Compare-and-swap update: writes {@code value} when the key's modRevision equals
     * {@code expectedModRevision}; NOT_FOUND if absent, CONFLICT (with the current revision) otherwise.
     */
    KeyValue update(String key, long expectedModRevision, byte[] value);

    /**
     * Deletes the key when its modRevision equals {@code expectedModRevision} (0: unconditionally).
     * Returns the deleted key-value, with {@code modRevision} being the revision of the delete.
     */
    KeyValue delete(String key, long expectedModRevision);

    /**
     * Watches keys equal to {@code keyOrPrefix} (or under it when it ends with '/'), delivering every
     * change with revision &gt; {@code fromRevision} in order, exactly once. {@code fromRevision}
     * 0 means "from now". A revision below the compacted one fails with COMPACTED; a watch from the
     * compacted revision itself works, as it needs only the changes after it (etcd keeps the revision it
     * compacted to, and kube's watch cache accepts a watch from {@code oldest - 1}).
     */
    Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener);

    /**
     * Drops history at and below {@code revision}; later reads at or below it, and watches from below
     * it, get COMPACTED.
     */
    void compact(long revision);

    /**
     * Read-modify-write with retries, as kube's {@code GuaranteedUpdate}: reads the key, applies
     * {@code update} to the current value, and swaps it in; on a conflict, reads again and retries.
     * {@code update} may throw to abort; returning the same array instance means "no change".
     */
    default KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        while (true) {
            KeyValue current = get(key);
            if (current == null) {
                throw StorageException.notFound(key);
            }
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
