package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.WatchEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * What a {@link WatchCache} holds, as kube's {@code watchCache} does for its cacher: every live key under
 * the root (key to {@link KeyValue}), the window of the most recent events (a ring buffer, each event with
 * its previous value as the backend delivered it), the revision all of it is at, and the snapshots of the
 * lists paged from it.
 *
 * <p>Guarded by one read-write lock. The dispatcher is the only writer ({@link #append}, {@link #advance},
 * {@link #replace}); readers take the read lock inside each call, except the {@code ...Locked} methods, whose
 * caller holds {@link #readLock()} (a watcher catching up reads the window in chunks under it, and joins the
 * live fan-out before the next event can be appended).
 */
final class CacheState {

    /** One event as the cache holds it: shared by the window and every watcher's queue. */
    record Entry(WatchEvent event, long appendedNanos) {
    }

    /** {@link #copyAfterLocked}'s answer when it reached the end of the window. */
    static final long AT_END = -1;

    private static final KeyValue[] NO_KEY_VALUES = new KeyValue[0];

    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private NavigableMap<String, KeyValue> objects = new TreeMap<>();
    private final Entry[] ring;
    private long head; // sequence number of the next event to append
    private long tail; // sequence number of the oldest event still in the ring
    private long windowStart; // every event with a revision above it is in the ring
    private long revision; // everything up to here is applied

    /** Mirror of {@code revision} for lock-free freshness checks. */
    private volatile long appliedRevision;

    /** How many of the newest events keep what the API layer memoized on them (the watchers' queue capacity). */
    private final int memoDepth;

    /** The keys of the lists paged from memory, at their revisions, for their next pages. */
    private final ListSnapshots snapshots = new ListSnapshots();

    CacheState(int historyCapacity, int memoDepth) {
        this.ring = new Entry[historyCapacity];
        this.memoDepth = memoDepth;
    }

    /** The revision the state is at, without the lock. */
    long appliedRevision() {
        return appliedRevision;
    }

    /** The lock {@code ...Locked} callers hold. */
    Lock readLock() {
        return rw.readLock();
    }

    // ---------------------------------------------------------------- writes (the dispatcher)

    /**
     * Applies one backend event to the keys and appends it to the window; null when the state already
     * has it (a re-list or resume overlapping the watch).
     */
    Entry append(WatchEvent e) {
        rw.writeLock().lock();
        try {
            if (e.revision() <= revision) {
                return null;
            }
            if (e.type() == WatchEvent.Type.PUT) {
                objects.put(e.key(), new KeyValue(e.key(), e.value(), e.createRevision(), e.revision()));
            } else {
                objects.remove(e.key());
            }
            Entry entry = new Entry(e, System.nanoTime());
            if (head - tail == ring.length) {
                int oldest = slot(tail);
                windowStart = ring[oldest].event().revision();
                ring[oldest] = null;
                tail++;
            }
            ring[slot(head)] = entry;
            head++;
            // What the API layer memoized on an event (decoded object, encodings) is for its fan-out to the
            // live watchers, whose queues hold at most watcherQueueCapacity events: drop it once the event
            // is that far behind, so the window keeps bytes, not decoded objects.
            long cold = head - 1 - memoDepth;
            if (cold >= tail) {
                ring[slot(cold)].event().clearMemo();
            }
            revision = e.revision();
            appliedRevision = revision;
            return entry;
        } finally {
            rw.writeLock().unlock();
        }
    }

    /** The backend says nothing under the root changed up to {@code rev}; false when the state was there already. */
    boolean advance(long rev) {
        rw.writeLock().lock();
        try {
            if (rev <= revision) {
                return false;
            }
            revision = rev;
            appliedRevision = rev;
            return true;
        } finally {
            rw.writeLock().unlock();
        }
    }

    /**
     * Replaces the keys with a fresh list at {@code rev}. When {@code rev} is not the state's revision the
     * history in between is unknown: the window restarts at {@code rev}, and the watchers that still needed
     * part of it are returned, for the caller to end (kube: terminateAllWatchers).
     */
    List<CacheWatcher> replace(TreeMap<String, KeyValue> fresh, long rev, Collection<CacheWatcher> watchers) {
        List<CacheWatcher> lost = new ArrayList<>();
        rw.writeLock().lock();
        try {
            long old = revision;
            objects = fresh;
            if (rev < old) {
                // the backend's history went back (restored or wiped): revisions are numbered again, and a
                // kept page of an old list could be served for another state under the same number
                snapshots.clear();
            }
            if (rev != old) {
                for (long s = tail; s < head; s++) {
                    ring[slot(s)] = null;
                }
                tail = head;
                windowStart = rev;
                for (CacheWatcher w : watchers) {
                    if (rev < old || w.position(old) < rev) {
                        lost.add(w);
                    }
                }
            }
            revision = rev;
            appliedRevision = rev;
        } finally {
            rw.writeLock().unlock();
        }
        return lost;
    }

    // ---------------------------------------------------------------- reads

    KeyValue get(String key) {
        rw.readLock().lock();
        try {
            return objects.get(key);
        } finally {
            rw.readLock().unlock();
        }
    }

    /** The keys under {@code prefix} as of the state's revision; null when it is not {@code exactRevision} (-1: any). */
    ListResult list(String prefix, String startAfter, int limit, long exactRevision) {
        rw.readLock().lock();
        try {
            if (exactRevision >= 0 && revision != exactRevision) {
                return null;
            }
            if (limit > 0) {
                return pageLocked(prefix, startAfter, limit);
            }
            NavigableMap<String, KeyValue> range = range(prefix, startAfter);
            return new ListResult(List.copyOf(range.values()), revision, false, 0);
        } finally {
            rw.readLock().unlock();
        }
    }

    /** The next page of a list paged from memory before, from its snapshot; null when none is kept. */
    ListResult keptPage(String prefix, long revision, String startAfter, int limit) {
        return snapshots.page(prefix, revision, startAfter, limit);
    }

    /** Forgets the snapshots no page was served from for a while. */
    void expireSnapshots() {
        snapshots.expire();
    }

    void clearSnapshots() {
        snapshots.clear();
    }

    /**
     * A page of a list at the state's revision. A page that leaves keys after it takes every key of the
     * prefix, which counting the remaining ones walks anyway, and keeps them as the list's snapshot for its
     * next pages.
     */
    private ListResult pageLocked(String prefix, String startAfter, int limit) {
        ListResult kept = snapshots.page(prefix, revision, startAfter, limit);
        if (kept != null) {
            return kept;
        }
        List<KeyValue> keys = new ArrayList<>(); // one walk: toArray of a sub-map walks it twice
        for (KeyValue kv : range(prefix, null).values()) {
            keys.add(kv);
        }
        KeyValue[] all = keys.toArray(NO_KEY_VALUES);
        ListResult page = ListSnapshots.pageOf(all, revision, startAfter, limit);
        if (page.more()) {
            snapshots.keep(prefix, revision, all);
        }
        return page;
    }

    private NavigableMap<String, KeyValue> range(String prefix, String startAfter) {
        char last = prefix.charAt(prefix.length() - 1);
        String end = prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
        if (startAfter == null || startAfter.compareTo(prefix) < 0) {
            return objects.subMap(prefix, true, end, false);
        }
        if (startAfter.compareTo(end) >= 0) {
            return Collections.emptyNavigableMap();
        }
        return objects.subMap(startAfter, false, end, false);
    }

    // ---------------------------------------------------------------- the window, under readLock()

    long windowStartLocked() {
        return windowStart;
    }

    long revisionLocked() {
        return revision;
    }

    /**
     * Hands the window's events newer than {@code rev} to {@code sink}, oldest first, at most {@code max} of
     * them; answers the revision of the last one handed, or {@link #AT_END} when the window has no more.
     */
    long copyAfterLocked(long rev, int max, Consumer<Entry> sink) {
        long s = firstAfter(rev);
        long end = Math.min(head, s + max);
        long last = rev;
        for (; s < end; s++) {
            Entry e = ring[slot(s)];
            last = e.event().revision();
            sink.accept(e);
        }
        return end == head ? AT_END : last;
    }

    private int slot(long seq) {
        return (int) (seq % ring.length);
    }

    /** First sequence number whose event is newer than {@code rev}; {@code head} when none. */
    private long firstAfter(long rev) {
        long lo = tail;
        long hi = head;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (ring[slot(mid)].event().revision() <= rev) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---------------------------------------------------------------- for tests

    long windowStart() {
        rw.readLock().lock();
        try {
            return windowStart;
        } finally {
            rw.readLock().unlock();
        }
    }

    int objectCount() {
        rw.readLock().lock();
        try {
            return objects.size();
        } finally {
            rw.readLock().unlock();
        }
    }
}
