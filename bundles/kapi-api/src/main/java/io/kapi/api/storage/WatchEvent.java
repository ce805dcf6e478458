package io.kapi.api.storage;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * One change delivered to a watcher, in revision order.
 *
 * <p>A backend or cache that fans one change out to several watchers hands every one of them the same
 * instance, so that what the layers above derive from it (the decoded object, its serializations) can
 * be derived once and shared, as kube's cacher wraps each event object in a {@code cachingObject}:
 * see {@link #memo(Object, Function)}. The bytes must not be modified.
 *
 * <p>Equality, hash code and string form are those of the former record: the memo is not part of them.
 */
public final class WatchEvent {
    public enum Type { PUT, DELETE }

    private static final Object[] EMPTY = new Object[0];
    private static final Object NULL = new Object();

    private final Type type;
    private final String key;
    private final byte[] value;
    private final byte[] prevValue;
    private final long revision;
    private final long createRevision;
    /** Key/value pairs, copied on write under {@code this}; read without a lock. */
    private volatile Object[] memo = EMPTY;

    /**
     * @param type PUT for create or update, DELETE for removal
     * @param key the changed key
     * @param value the new bytes (null for DELETE)
     * @param prevValue the bytes before the change (null for a create)
     * @param revision the revision of this change
     * @param createRevision the create revision of the key (for DELETE: of the deleted incarnation)
     */
    public WatchEvent(Type type, String key, byte[] value, byte[] prevValue, long revision, long createRevision) {
        this.type = type;
        this.key = key;
        this.value = value;
        this.prevValue = prevValue;
        this.revision = revision;
        this.createRevision = createRevision;
    }

    /** PUT for create or update, DELETE for removal. */
    public Type type() {
        return type;
    }

    /** The changed key. */
    public String key() {
        return key;
    }

    /** The new bytes (null for DELETE). */
    public byte[] value() {
        return value;
    }

    /** The bytes before the change (null for a create). */
    public byte[] prevValue() {
        return prevValue;
    }

    /** The revision of this change. */
    public long revision() {
        return revision;
    }

    /** The create revision of the key (for DELETE: of the deleted incarnation). */
    public long createRevision() {
        return createRevision;
    }

    public boolean isCreate() {
        return type == Type.PUT && prevValue == null;
    }

    /**
     * The value memoized on this event under {@code memoKey} (compared by identity), computed by
     * {@code compute} the first time it is asked for and shared by every later caller: one
     * computation per key, however many watchers ask concurrently. A memoized value is shared and
     * must be treated as immutable. {@code compute} may itself call {@code memo} with another key.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object memoKey, Function<? super WatchEvent, ? extends T> compute) {
        Objects.requireNonNull(memoKey, "memoKey");
        Object found = lookup(memo, memoKey);
        if (found == null) {
            synchronized (this) {
                found = lookup(memo, memoKey);
                if (found == null) {
                    T computed = compute.apply(this);
                    found = computed == null ? NULL : computed;
                    Object[] current = memo; // re-read: compute may have memoized other keys
                    Object[] next = Arrays.copyOf(current, current.length + 2);
                    next[current.length] = memoKey;
                    next[current.length + 1] = found;
                    memo = next;
                }
            }
        }
        return found == NULL ? null : (T) found;
    }

    /**
     * Drops what is memoized on this event (a cache that keeps events long after their fan-out calls
     * this to bound its memory); later {@link #memo} calls compute again.
     */
    public void clearMemo() {
        if (memo.length > 0) {
            synchronized (this) {
                memo = EMPTY;
            }
        }
    }

    private static Object lookup(Object[] pairs, Object memoKey) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == memoKey) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        // as the record's: arrays compare by identity
        return o instanceof WatchEvent e && type == e.type && Objects.equals(key, e.key) && value == e.value
                && prevValue == e.prevValue && revision == e.revision && createRevision == e.createRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, key, System.identityHashCode(value), System.identityHashCode(prevValue), revision,
                createRevision);
    }

    @Override
    public String toString() {
        return "WatchEvent[type=" + type + ", key=" + key + ", value=" + value + ", prevValue=" + prevValue
                + ", revision=" + revision + ", createRevision=" + createRevision + "]";
    }
}
