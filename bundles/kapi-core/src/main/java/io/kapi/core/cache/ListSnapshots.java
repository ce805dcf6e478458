package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The keys of a prefix as they were at one revision, kept for the next pages of a paged list.
 *
 * <p>A continue token names a revision and the last key served. Without a snapshot the next page is
 * read from the backend at that revision as soon as anything was written since, and even from memory it
 * walks every remaining key to count them. With one, a page is a binary search and a view of
 * {@code limit} references, and the remaining count a subtraction; pages at a revision the cache has
 * moved past are still answered from memory, consistent with the first. kube-apiserver's watch cache
 * keeps snapshots for the same purpose (its {@code ListFromCacheSnapshot} feature).
 *
 * <p>A snapshot holds references to the cached values (immutable), so it costs an array of references;
 * but it keeps values alive that the cache has replaced since. Hence the bounds: at most
 * {@code capacity} snapshots (the least recently used goes first) and none unused for longer than
 * {@code idleNanos}. Thread-safe.
 */
final class ListSnapshots {
    /** Most snapshots kept. */
    static final int DEFAULT_CAPACITY = 8;
    /** How long a snapshot no page was served from is kept: a client reads its next page at once. */
    static final long DEFAULT_IDLE_NANOS = 30_000_000_000L;

    private static final Comparator<Object> BY_KEY = (a, b) -> ((KeyValue) a).key().compareTo((String) b);

    private record Id(String prefix, long revision) {
    }

    private static final class Snapshot {
        final KeyValue[] items; // in key order
        long usedAt;

        Snapshot(KeyValue[] items, long usedAt) {
            this.items = items;
            this.usedAt = usedAt;
        }
    }

    private final int capacity;
    private final long idleNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<Id, Snapshot> snapshots = new LinkedHashMap<>(16, 0.75f, true);

    ListSnapshots() {
        this(DEFAULT_CAPACITY, DEFAULT_IDLE_NANOS, System::nanoTime);
    }

    ListSnapshots(int capacity, long idleNanos, LongSupplier clock) {
        if (capacity <= 0 || idleNanos <= 0) {
            throw new IllegalArgumentException("capacity and idle time must be positive");
        }
        this.capacity = capacity;
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    /**
     * The page after {@code startAfter} (null: from the first key) of at most {@code limit} (&gt; 0)
     * keys of {@code prefix} at {@code revision}; null when no snapshot of that prefix at that revision is
     * kept.
     */
    synchronized ListResult page(String prefix, long revision, String startAfter, int limit) {
        Snapshot s = snapshots.get(new Id(prefix, revision));
        if (s == null) {
            return null;
        }
        s.usedAt = clock.getAsLong();
        return pageOf(s.items, revision, startAfter, limit);
    }

    /**
     * Keeps {@code items}, every key of {@code prefix} at {@code revision} in key order, for the pages
     * {@link #page(String, long, String, int)} answers. The array is the snapshot's own from then on.
     */
    synchronized void keep(String prefix, long revision, KeyValue[] items) {
        long now = clock.getAsLong();
        snapshots.put(new Id(prefix, revision), new Snapshot(items, now));
        expire(now);
        while (snapshots.size() > capacity) {
            Iterator<Map.Entry<Id, Snapshot>> eldest = snapshots.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** Drops the snapshots unused for longer than the idle time. */
    synchronized void expire() {
        expire(clock.getAsLong());
    }

    /** How many snapshots are kept. */
    synchronized int size() {
        return snapshots.size();
    }

    /** Drops every snapshot. */
    synchronized void clear() {
        snapshots.clear();
    }

    private void expire(long now) {
        snapshots.values().removeIf(s -> now - s.usedAt > idleNanos);
    }

    /** The page after {@code startAfter} (null: from the first) of at most {@code limit} (&gt; 0) of {@code items}, in key order. */
    static ListResult pageOf(KeyValue[] items, long revision, String startAfter, int limit) {
        int from = 0;
        if (startAfter != null) {
            int at = Arrays.binarySearch(items, startAfter, BY_KEY);
            from = at >= 0 ? at + 1 : -at - 1;
        }
        int to = (int) Math.min(items.length, (long) from + limit);
        List<KeyValue> view = Collections.unmodifiableList(Arrays.asList(items).subList(from, to));
        long remaining = items.length - to;
        return new ListResult(view, revision, remaining > 0, remaining);
    }
}
