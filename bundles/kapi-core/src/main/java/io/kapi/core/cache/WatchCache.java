package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

/**
 * A {@link Storage} decorator that serves watches and consistent reads from memory, as kube's cacher
 * ({@code k8s.io/apiserver/pkg/storage/cacher}) does in front of etcd.
 *
 * <p>One backend watch on the root prefix keeps, in memory, every live key under the root (key to
 * {@link KeyValue}) and a window of the most recent events (a ring buffer of
 * {@link Options#historyCapacity(int)} events, each with its previous value as the backend delivered it).
 *
 * <h2>What is served from memory, and when</h2>
 * Only keys and prefixes under the root prefix; anything outside it goes to the backend.
 * <ul>
 *   <li>{@code watch(keyOrPrefix, from, listener)}: always from memory. The window is replayed from
 *       {@code from}, then live events follow, in revision order, exactly once. A {@code from} older
 *       than the window (or below the backend's compacted revision) fails at once with
 *       COMPACTED (kube: 410 "too old resource version"). {@code from} 0 means the backend's current
 *       revision, so a change acknowledged before the call is never delivered.</li>
 *   <li>{@code get(key)} and {@code list(prefix, 0, startAfter, limit)}: from memory when the cache
 *       has caught up with the backend's {@link Storage#currentRevision()} read at the start of the
 *       call (kube's "consistent reads from cache"); the call waits for that up to
 *       {@link Options#consistentReadWaitMillis(long)}, asking the backend watch for progress
 *       ({@link Watch#requestProgress()}) every 100 ms meanwhile, and otherwise reads the backend. The
 *       answer is therefore never older than a direct backend read started at the same moment.</li>
 *   <li>{@code list(prefix, revision, startAfter, limit)} with {@code revision} &gt; 0: from memory
 *       when {@code revision} is exactly the cache's revision (the cache then holds that very state),
 *       or when a page of that prefix at that revision was served from memory a moment ago and left
 *       keys after it: the page kept the prefix's keys as a {@link ListSnapshots snapshot}, so its next
 *       pages are served from it, consistent with the first, even after writes (unless the backend has
 *       compacted the revision since, which answers COMPACTED as before). Every other revision goes to
 *       the backend, which owns history and compaction.</li>
 *   <li>{@code count}, {@code currentRevision}, {@code compactedRevision} and every write (create,
 *       update, delete, guaranteedUpdate, compact): the backend.</li>
 * </ul>
 *
 * <p>Values are shared: every watcher and every reader gets the very {@code byte[]} the backend
 * delivered, never a copy (one event object is fanned out to all watchers). Callers must treat the
 * arrays as read-only, as kube's cacher callers treat cached objects.
 *
 * <h2>Slow watchers</h2>
 * Each watcher has a bounded queue of references to shared events. When it is full the watcher
 * leaves the live fan-out and catches up from the history window on its delivery thread, so the
 * dispatcher never waits for it and nothing is buffered per watcher beyond the queue. A watcher whose
 * oldest undelivered event has waited longer than {@link Options#slowWatcherBudgetMillis(long)}, or
 * whose resume point fell out of the window, is closed with UNAVAILABLE "watcher is too slow" (kube:
 * "Forcing watcher close due to unresponsiveness"); its client re-watches from its last revision.
 *
 * <h2>Backend failures</h2>
 * When the backend watch ends, the cache first re-watches from its own revision, which loses nothing.
 * When the backend no longer has that history (COMPACTED), it re-lists: watchers whose resume point
 * is lost are closed with COMPACTED so that clients re-list, as kube's cacher terminates its watchers.
 * Retries back off up to {@link Options#maxRetryBackoffMillis(long)}.
 *
 * <p>Thread-safe. The backend is not owned: {@link #close()} ends all watches (with
 * {@code onClose(null)}) but leaves the backend open.
 */
public final class WatchCache implements Storage, AutoCloseable {

    /** Tunables; the defaults suit a kube-style API server. */
    public static final class Options {
        private int historyCapacity = 10_000;
        private int watcherQueueCapacity = 256;
        private long slowWatcherBudgetMillis = 10_000;
        private long progressIntervalMillis = 1_000;
        private long consistentReadWaitMillis = 3_000;
        private int deliveryThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int listPageSize = 10_000;
        private long maxRetryBackoffMillis = 5_000;

        /** Events kept for watches that start in the past (kube's watch cache capacity). */
        public Options historyCapacity(int events) {
            this.historyCapacity = positive(events, "historyCapacity");
            return this;
        }

        /** Undelivered events a watcher holds before it falls back to catching up from the window. */
        public Options watcherQueueCapacity(int events) {
            this.watcherQueueCapacity = positive(events, "watcherQueueCapacity");
            return this;
        }

        /** How long an event may wait for a watcher before the watcher is closed as too slow. */
        public Options slowWatcherBudgetMillis(long millis) {
            this.slowWatcherBudgetMillis = positive(millis, "slowWatcherBudgetMillis");
            return this;
        }

        /** How often idle watchers get {@code onProgress} (so the API layer can send bookmarks); 0: never. */
        public Options progressIntervalMillis(long millis) {
            this.progressIntervalMillis = Math.max(0, millis);
            return this;
        }

        /** How long a consistent read waits for the cache to catch up before it reads the backend. */
        public Options consistentReadWaitMillis(long millis) {
            this.consistentReadWaitMillis = Math.max(0, millis);
            return this;
        }

        /** Threads that call watch listeners. */
        public Options deliveryThreads(int threads) {
            this.deliveryThreads = positive(threads, "deliveryThreads");
            return this;
        }

        /** Page size of the (re-)list that fills the cache. */
        public Options listPageSize(int keys) {
            this.listPageSize = positive(keys, "listPageSize");
            return this;
        }

        /** Upper bound of the back-off between attempts to re-establish the backend watch. */
        public Options maxRetryBackoffMillis(long millis) {
            this.maxRetryBackoffMillis = positive(millis, "maxRetryBackoffMillis");
            return this;
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }

    /** Most events one delivery task hands to a listener before yielding its thread to other watchers. */
    private static final int DELIVERY_BATCH = 256;
    /** Most events a catching-up watcher copies out of the window at once (its queue may exceed capacity by this). */
    private static final int CATCH_UP_CHUNK = 256;
    private static final long INITIAL_BACKOFF_MILLIS = 50;
    /** How often a consistent read that waits for the cache asks the backend watch for progress (kube's 100 ms). */
    private static final long PROGRESS_REQUEST_MILLIS = 100;

    private final Storage backend;
    private final String root;
    private final Options options;
    private final long budgetNanos;

    // The in-memory state; guarded by rw. Writers: the dispatcher (apply) and install.
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private NavigableMap<String, KeyValue> objects = new TreeMap<>();
    private final Entry[] ring;
    private long head; // sequence number of the next event to append
    private long tail; // sequence number of the oldest event still in the ring
    private long windowStart; // every event with a revision above it is in the ring
    private long revision; // everything up to here is applied

    /** Mirror of {@code revision} for lock-free freshness checks. */
    private volatile long appliedRevision;
    /** Every event up to here has been offered to the live watchers. */
    private volatile long dispatchedRevision;

    private final Object revisionMonitor = new Object();
    private final AtomicInteger revisionWaiters = new AtomicInteger();

    /** Serialises the dispatcher: backend callbacks of every generation and the installing of a re-list. */
    private final Object dispatchLock = new Object();
    private long generation; // guarded by dispatchLock
    private volatile Watch backendWatch;

    private final Set<Watcher> all = ConcurrentHashMap.newKeySet();
    private final Set<Watcher> live = ConcurrentHashMap.newKeySet();

    private final ExecutorService delivery;
    private final ScheduledThreadPoolExecutor control;
    private volatile boolean closed;

    /** The keys of the lists paged from memory, at their revisions, for their next pages. */
    private final ListSnapshots snapshots = new ListSnapshots();

    private final AtomicLong readsFromMemory = new AtomicLong();
    private final AtomicLong readsFromBackend = new AtomicLong();
    private final AtomicLong relists = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();

    /** A cache over {@code backend} for the keys under {@code rootPrefix}, with default options. */
    public WatchCache(Storage backend, String rootPrefix) {
        this(backend, rootPrefix, new Options());
    }

    /**
     * Lists the root prefix and starts the backend watch before returning; a failure of that first
     * list or watch is thrown (and nothing is left running).
     */
    public WatchCache(Storage backend, String rootPrefix, Options options) {
        if (backend == null || options == null) {
            throw new IllegalArgumentException("backend and options are required");
        }
        if (rootPrefix == null || !rootPrefix.endsWith("/")) {
            throw new IllegalArgumentException("root prefix must end with '/': " + rootPrefix);
        }
        this.backend = backend;
        this.root = rootPrefix;
        this.options = options;
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(options.slowWatcherBudgetMillis);
        this.ring = new Entry[options.historyCapacity];
        AtomicInteger n = new AtomicInteger();
        this.delivery = new ThreadPoolExecutor(options.deliveryThreads, options.deliveryThreads, 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                daemon(() -> "kapi-watchcache-delivery-" + n.incrementAndGet()));
        this.control = new ScheduledThreadPoolExecutor(2, daemon(() -> "kapi-watchcache-control"));
        this.control.setRemoveOnCancelPolicy(true);
        try {
            resync();
        } catch (RuntimeException e) {
            closed = true;
            control.shutdownNow();
            delivery.shutdownNow();
            throw e;
        }
        long check = Math.max(10, Math.min(250, options.slowWatcherBudgetMillis / 4));
        control.scheduleWithFixedDelay(this::checkSlowWatchers, check, check, TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(snapshots::expire, 5, 5, TimeUnit.SECONDS);
        if (options.progressIntervalMillis > 0) {
            control.scheduleWithFixedDelay(this::progressTick, options.progressIntervalMillis,
                    options.progressIntervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------- introspection

    /** The root prefix the cache holds. */
    public String rootPrefix() {
        return root;
    }

    /** The revision the in-memory state is at. */
    public long cachedRevision() {
        return appliedRevision;
    }

    /** Watches currently open on the cache. */
    public int watcherCount() {
        return all.size();
    }

    /** Reads (get/list) answered from memory so far. */
    public long readsFromMemory() {
        return readsFromMemory.get();
    }

    /** Reads under the root that went to the backend (explicit revisions, or the cache was behind). */
    public long readsFromBackend() {
        return readsFromBackend.get();
    }

    /** Times the cache re-listed after it lost the backend's history (not counting the first list). */
    public long relistCount() {
        return relists.get();
    }

    /** Times the backend watch was re-established from the cache's revision without a re-list. */
    public long resumeCount() {
        return resumes.get();
    }

    /** Watchers closed as too slow so far. */
    public long slowWatchersClosed() {
        return slowClosed.get();
    }

    // ---------------------------------------------------------------- pass-through

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
        return backend.create(key, value);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return backend.update(key, expectedModRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return backend.delete(key, expectedModRevision);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        return backend.guaranteedUpdate(key, update);
    }

    @Override
    public void compact(long revision) {
        backend.compact(revision);
    }

    @Override
    public long count(String prefix) {
        return backend.count(prefix);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public KeyValue get(String key) {
        if (closed || key == null || !key.startsWith(root) || key.endsWith("/")) {
            return backend.get(key);
        }
        if (!awaitFresh()) {
            readsFromBackend.incrementAndGet();
            return backend.get(key);
        }
        rw.readLock().lock();
        try {
            readsFromMemory.incrementAndGet();
            return objects.get(key);
        } finally {
            rw.readLock().unlock();
        }
    }

    /**
     * What the cache holds for {@code key} now, without waiting for it to catch up with the backend:
     * possibly stale, as a kube informer's lister. Null when the key is not cached (absent, or outside
     * the root prefix); callers that must not miss a fresh key then read with {@link #get}.
     */
    public KeyValue peek(String key) {
        if (closed || key == null || !key.startsWith(root)) {
            return null;
        }
        rw.readLock().lock();
        try {
            return objects.get(key);
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        if (closed || prefix == null || !prefix.startsWith(root) || !prefix.endsWith("/") || limit < 0
                || revision < 0) {
            return backend.list(prefix, revision, startAfter, limit);
        }
        if (limit > 0 && revision > 0 && revision > backend.compactedRevision()) {
            // the next page of a list: from its snapshot, even when the cache has moved on since
            ListResult kept = snapshots.page(prefix, revision, startAfter, limit);
            if (kept != null) {
                readsFromMemory.incrementAndGet();
                return kept;
            }
        }
        if (revision == 0) {
            if (awaitFresh()) {
                ListResult r = listFromMemory(prefix, startAfter, limit, -1);
                readsFromMemory.incrementAndGet();
                return r;
            }
        } else if (revision == appliedRevision && revision > backend.compactedRevision()) {
            ListResult r = listFromMemory(prefix, startAfter, limit, revision);
            if (r != null) {
                readsFromMemory.incrementAndGet();
                return r;
            }
        }
        readsFromBackend.incrementAndGet();
        return backend.list(prefix, revision, startAfter, limit);
    }

    /** The keys under {@code prefix} as of the cache's revision; null when it is not {@code exactRevision}. */
    private ListResult listFromMemory(String prefix, String startAfter, int limit, long exactRevision) {
        rw.readLock().lock();
        try {
            if (exactRevision >= 0 && revision != exactRevision) {
                return null;
            }
            if (limit > 0) {
                return pageFromMemory(prefix, startAfter, limit);
            }
            NavigableMap<String, KeyValue> range = range(prefix, startAfter);
            return new ListResult(List.copyOf(range.values()), revision, false, 0);
        } finally {
            rw.readLock().unlock();
        }
    }

    /**
     * A page of a list at the cache's revision (under the read lock). A page that leaves keys after it
     * takes every key of the prefix, which counting the remaining ones walks anyway, and keeps them as
     * the list's snapshot for its next pages.
     */
    private ListResult pageFromMemory(String prefix, String startAfter, int limit) {
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

    private static final KeyValue[] NO_KEY_VALUES = new KeyValue[0];

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

    /**
     * Waits until the cache is at least at the backend's current revision; false when it did not get
     * there in time (kube: waitUntilFreshAndBlock, then falling back to etcd).
     */
    private boolean awaitFresh() {
        long target = backend.currentRevision();
        if (appliedRevision >= target) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.consistentReadWaitMillis);
        revisionWaiters.incrementAndGet();
        try {
            synchronized (revisionMonitor) {
                while (appliedRevision < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        return false;
                    }
                    // The newest revision may belong to a write outside the root: only the backend can
                    // tell the cache it has seen everything up to it (kube's cacher asks etcd every 100 ms).
                    Watch w = backendWatch;
                    if (w != null) {
                        w.requestProgress();
                    }
                    revisionMonitor.wait(Math.max(1, Math.min(PROGRESS_REQUEST_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
                }
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            revisionWaiters.decrementAndGet();
        }
    }

    private void signalRevision() {
        if (revisionWaiters.get() > 0) {
            synchronized (revisionMonitor) {
                revisionMonitor.notifyAll();
            }
        }
    }

    // ---------------------------------------------------------------- watch

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        if (keyOrPrefix == null || keyOrPrefix.isEmpty() || !keyOrPrefix.startsWith(root)) {
            return backend.watch(keyOrPrefix, fromRevision, listener);
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        if (fromRevision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + fromRevision);
        }
        checkOpen();
        long from;
        if (fromRevision == 0) {
            from = backend.currentRevision();
        } else {
            long compacted = backend.compactedRevision();
            // from C needs only the changes after C, which compaction to C keeps (kube's watch cache:
            // "resourceVersion < oldest-1" is too old, oldest-1 itself is fine)
            if (fromRevision < compacted) {
                throw StorageException.compacted(compacted);
            }
            from = fromRevision;
        }
        Watcher w = new Watcher(keyOrPrefix, from, listener);
        rw.readLock().lock();
        try {
            // Under the lock: a re-list (write lock) either saw this watcher or moved the window first.
            if (from < windowStart) {
                throw new StorageException(StorageException.Code.COMPACTED, keyOrPrefix, windowStart,
                        "too old resource version: " + from + " (" + windowStart + ")");
            }
            checkOpen();
            all.add(w);
        } finally {
            rw.readLock().unlock();
        }
        synchronized (w) {
            w.scheduleLocked();
        }
        return w;
    }

    // ---------------------------------------------------------------- dispatcher

    /** Applies one backend event and offers it to the live watchers. Called under dispatchLock. */
    private void apply(WatchEvent e) {
        Entry entry;
        rw.writeLock().lock();
        try {
            if (e.revision() <= revision) {
                return; // already part of the state (a re-list or resume overlapping the watch)
            }
            if (e.type() == WatchEvent.Type.PUT) {
                objects.put(e.key(), new KeyValue(e.key(), e.value(), e.createRevision(), e.revision()));
            } else {
                objects.remove(e.key());
            }
            entry = new Entry(e, System.nanoTime());
            if (head - tail == ring.length) {
                int oldest = slot(tail);
                windowStart = ring[oldest].event.revision();
                ring[oldest] = null;
                tail++;
            }
            ring[slot(head)] = entry;
            head++;
            // What the API layer memoized on an event (decoded object, encodings) is for its fan-out to the
            // live watchers, whose queues hold at most watcherQueueCapacity events: drop it once the event
            // is that far behind, so the window keeps bytes, not decoded objects.
            long cold = head - 1 - options.watcherQueueCapacity;
            if (cold >= tail) {
                ring[slot(cold)].event.clearMemo();
            }
            revision = e.revision();
            appliedRevision = revision;
        } finally {
            rw.writeLock().unlock();
        }
        signalRevision();
        // Outside the state lock: readers and catching-up watchers are not held up by the fan-out.
        // A watcher that joined the live set meanwhile has read this event from the ring and skips it.
        for (Watcher w : live) {
            w.offer(entry);
        }
        dispatchedRevision = e.revision();
    }

    /** The backend says nothing under the root changed up to {@code rev}. Called under dispatchLock. */
    private void applyProgress(long rev) {
        rw.writeLock().lock();
        try {
            if (rev <= revision) {
                return;
            }
            revision = rev;
            appliedRevision = rev;
        } finally {
            rw.writeLock().unlock();
        }
        signalRevision();
        dispatchedRevision = rev;
    }

    private int slot(long seq) {
        return (int) (seq % ring.length);
    }

    /** First sequence number whose event is newer than {@code rev}; {@code head} when none. Under rw. */
    private long firstAfter(long rev) {
        long lo = tail;
        long hi = head;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (ring[slot(mid)].event.revision() <= rev) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private final class BackendListener implements WatchListener {
        private final long gen;
        // guarded by dispatchLock: events that arrive while the list this watch pairs with is read
        private List<WatchEvent> pending;

        BackendListener(long gen, boolean buffer) {
            this.gen = gen;
            this.pending = buffer ? new ArrayList<>() : null;
        }

        @Override
        public void onEvent(WatchEvent event) {
            synchronized (dispatchLock) {
                if (gen != generation || closed) {
                    return;
                }
                if (pending != null) {
                    pending.add(event);
                } else {
                    apply(event);
                }
            }
        }

        @Override
        public void onProgress(long rev) {
            synchronized (dispatchLock) {
                if (gen == generation && !closed && pending == null) {
                    applyProgress(rev);
                }
            }
        }

        @Override
        public void onClose(StorageException error) {
            boolean current;
            synchronized (dispatchLock) {
                current = gen == generation && !closed;
            }
            if (current) {
                boolean relist = error != null && error.code() == StorageException.Code.COMPACTED;
                scheduleRecovery(relist, INITIAL_BACKOFF_MILLIS, 0);
            }
        }

        /** Applies what arrived while listing, past the listed revision; from now on events apply at once. */
        void flush() {
            List<WatchEvent> buffered = pending;
            pending = null;
            for (WatchEvent e : buffered) {
                apply(e);
            }
        }
    }

    // ---------------------------------------------------------------- (re-)list and resume

    private void scheduleRecovery(boolean relist, long backoffMillis, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            control.schedule(() -> recover(relist, backoffMillis), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // only once closed; nothing to recover then
        }
    }

    /**
     * Re-establishes the backend watch: resumes from the cache's revision when the backend still has
     * that history, else re-lists. A cache at revision 0 always re-lists, since watch(root, 0) means
     * "from now" in the contract and cannot resume; the re-list keeps every watcher when the store is
     * still at revision 0.
     */
    private void recover(boolean relist, long backoffMillis) {
        if (closed) {
            return;
        }
        try {
            long from = appliedRevision;
            if (!relist && from > 0 && from >= backend.compactedRevision()) {
                try {
                    resume(from);
                    resumes.incrementAndGet();
                    return;
                } catch (StorageException e) {
                    if (e.code() != StorageException.Code.COMPACTED) {
                        throw e;
                    }
                }
            }
            resync();
            relists.incrementAndGet();
        } catch (RuntimeException e) {
            long next = Math.min(options.maxRetryBackoffMillis, backoffMillis * 2);
            scheduleRecovery(relist, next, backoffMillis);
        }
    }

    /** Re-watches from the cache's own revision: nothing is lost, no watcher notices. */
    private void resume(long from) {
        BackendListener listener;
        synchronized (dispatchLock) {
            listener = new BackendListener(++generation, false);
        }
        closeBackendWatch();
        backendWatch = backend.watch(root, from, listener);
        if (closed) {
            closeBackendWatch();
        }
    }

    /**
     * Starts a backend watch "from now" and then lists the root: the list is at a revision no older
     * than the watch's start, so the events buffered meanwhile that are newer than the list complete
     * it exactly. (Watching from the list's revision instead cannot work for an empty store: revision
     * 0 means "now" in the contract.)
     */
    private void resync() {
        BackendListener listener;
        synchronized (dispatchLock) {
            listener = new BackendListener(++generation, true);
        }
        closeBackendWatch();
        backendWatch = backend.watch(root, 0, listener);
        TreeMap<String, KeyValue> fresh = new TreeMap<>();
        long rev;
        try {
            ListResult page = backend.list(root, 0, null, options.listPageSize);
            rev = page.revision();
            while (true) {
                for (KeyValue kv : page.items()) {
                    fresh.put(kv.key(), kv);
                }
                if (!page.more() || page.items().isEmpty()) {
                    break;
                }
                page = backend.list(root, rev, page.items().get(page.items().size() - 1).key(),
                        options.listPageSize);
            }
        } catch (RuntimeException e) {
            closeBackendWatch();
            throw e;
        }
        synchronized (dispatchLock) {
            if (listener.gen != generation || closed) {
                return;
            }
            install(fresh, rev);
            listener.flush();
        }
        if (closed) {
            closeBackendWatch();
        }
    }

    /** Replaces the state with a fresh list at {@code rev}. Called under dispatchLock. */
    private void install(TreeMap<String, KeyValue> fresh, long rev) {
        List<Watcher> lost = new ArrayList<>();
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
                // The history between the old state and the new one is unknown: the window restarts
                // here, and watchers that still needed part of it cannot go on (kube: terminateAllWatchers).
                for (long s = tail; s < head; s++) {
                    ring[slot(s)] = null;
                }
                tail = head;
                windowStart = rev;
                for (Watcher w : all) {
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
        for (Watcher w : lost) {
            w.end(new StorageException(StorageException.Code.COMPACTED, w.keyOrPrefix, rev,
                    "too old resource version: the watch cache re-listed at " + rev));
        }
        dispatchedRevision = rev;
        signalRevision();
    }

    private void closeBackendWatch() {
        Watch w = backendWatch;
        backendWatch = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // the old watch is abandoned either way; its late callbacks are ignored by generation
            }
        }
    }

    // ---------------------------------------------------------------- ticks

    private void progressTick() {
        long rev = dispatchedRevision;
        for (Watcher w : all) {
            w.progress(rev);
        }
    }

    private void checkSlowWatchers() {
        long now = System.nanoTime();
        for (Watcher w : all) {
            w.checkBudget(now);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Ends every watch with {@code onClose(null)} and stops the backend watch; the backend stays open. */
    @Override
    public void close() {
        synchronized (dispatchLock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
        }
        closeBackendWatch();
        control.shutdownNow();
        snapshots.clear();
        for (Watcher w : new ArrayList<>(all)) {
            w.end(null);
        }
        delivery.shutdown();
        try {
            delivery.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (revisionMonitor) {
            revisionMonitor.notifyAll();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "watch cache is closed");
        }
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- watchers

    /** One event as the cache holds it: shared by the ring and every watcher's queue. */
    private static final class Entry {
        final WatchEvent event;
        final long appendedNanos;

        Entry(WatchEvent event, long appendedNanos) {
            this.event = event;
            this.appendedNanos = appendedNanos;
        }
    }

    /**
     * A watch on the cache. Either live (the dispatcher offers it new events) or catching up (its
     * delivery task copies events from the window); it starts catching up from its start revision and
     * joins the live set, under the state lock, once it has read everything up to the cache's revision.
     */
    private final class Watcher implements Watch, Runnable {
        final String keyOrPrefix;
        final boolean prefix;
        final WatchListener listener;
        final long after;
        final long startNanos = System.nanoTime();

        // guarded by this
        private final ArrayDeque<Object> queue = new ArrayDeque<>(); // Entry, or Long for progress
        private boolean isLive;
        private long cursor; // catching up: every matching event up to here is queued or delivered
        private long lastQueued; // live: events at or below it are already queued
        private boolean scheduled;
        private boolean ending;
        private boolean finished;
        private StorageException endError;
        private boolean activeSinceTick;
        private long callStartedNanos; // 0 when no listener call is running

        Watcher(String keyOrPrefix, long after, WatchListener listener) {
            this.keyOrPrefix = keyOrPrefix;
            this.prefix = keyOrPrefix.endsWith("/");
            this.listener = listener;
            this.after = after;
            this.cursor = after;
            this.lastQueued = after;
        }

        boolean matches(String key) {
            return prefix ? key.startsWith(keyOrPrefix) : key.equals(keyOrPrefix);
        }

        /** The revision up to which this watcher has everything, if the state was at {@code stateRevision}. */
        synchronized long position(long stateRevision) {
            return isLive ? Math.max(stateRevision, lastQueued) : cursor;
        }

        /** Dispatcher: queue a live event, or fall back to catching up when the queue is full. */
        void offer(Entry e) {
            WatchEvent event = e.event;
            if (!matches(event.key())) {
                return;
            }
            synchronized (this) {
                if (!isLive || event.revision() <= lastQueued) {
                    return;
                }
                if (queue.size() >= options.watcherQueueCapacity) {
                    // Everything matching below this event is queued; the rest comes from the window.
                    leaveLiveLocked();
                    cursor = event.revision() - 1;
                    scheduleLocked();
                    return;
                }
                queue.add(e);
                lastQueued = event.revision();
                activeSinceTick = true;
                scheduleLocked();
            }
        }

        /** Tick: an idle live watcher learns the cache's revision (its bookmark). */
        synchronized void progress(long rev) {
            if (!ending && isLive && queue.isEmpty() && !activeSinceTick && rev >= lastQueued) {
                queue.add(rev);
                lastQueued = rev;
                scheduleLocked();
            }
            activeSinceTick = false;
        }

        /** Tick: closes the watcher when an event has waited for it longer than the budget. */
        void checkBudget(long now) {
            boolean slow;
            synchronized (this) {
                if (ending) {
                    return;
                }
                long waitingSince = Long.MAX_VALUE;
                for (Object item : queue) {
                    if (item instanceof Entry) {
                        waitingSince = Math.max(((Entry) item).appendedNanos, startNanos);
                        break;
                    }
                }
                boolean pending = waitingSince != Long.MAX_VALUE || !isLive;
                if (pending && callStartedNanos != 0) {
                    waitingSince = Math.min(waitingSince, callStartedNanos);
                }
                slow = waitingSince != Long.MAX_VALUE && now - waitingSince > budgetNanos;
            }
            if (slow) {
                tooSlow();
            }
        }

        private void tooSlow() {
            if (end(new StorageException(StorageException.Code.UNAVAILABLE, keyOrPrefix, appliedRevision,
                    "watcher is too slow: closing it (budget " + options.slowWatcherBudgetMillis + " ms)"))) {
                slowClosed.incrementAndGet();
            }
        }

        @Override
        public void close() {
            end(null);
        }

        /** Ends the watch; the delivery task makes the one onClose call. False when it was already ending. */
        boolean end(StorageException error) {
            synchronized (this) {
                if (ending) {
                    return false;
                }
                ending = true;
                endError = error;
                queue.clear();
                leaveLiveLocked();
                all.remove(this);
                scheduleLocked();
                return true;
            }
        }

        private void leaveLiveLocked() {
            isLive = false;
            live.remove(this);
        }

        void scheduleLocked() {
            if (scheduled || finished) {
                return;
            }
            scheduled = true;
            try {
                delivery.execute(this);
            } catch (RejectedExecutionException e) {
                // The cache is closed and its threads are gone: make the final onClose here.
                scheduled = false;
                if (ending && !finished) {
                    finished = true;
                    safeClose(endError);
                }
            }
        }

        @Override
        public void run() {
            int delivered = 0;
            while (true) {
                Object item = null;
                boolean finish = false;
                StorageException closeWith = null;
                synchronized (this) {
                    if (ending) {
                        if (finished) {
                            scheduled = false;
                            return;
                        }
                        finished = true;
                        finish = true;
                        closeWith = endError;
                    } else {
                        item = queue.poll();
                        if (item == null && isLive) {
                            scheduled = false;
                            return;
                        }
                        if (item != null && delivered >= DELIVERY_BATCH) {
                            // Let other watchers have the thread; this one goes to the back of the line.
                            queue.addFirst(item);
                            scheduled = false;
                            scheduleLocked();
                            return;
                        }
                    }
                }
                if (finish) {
                    safeClose(closeWith);
                    synchronized (this) {
                        scheduled = false;
                    }
                    return;
                }
                if (item == null) {
                    catchUp();
                } else if (deliver(item)) {
                    delivered++;
                }
            }
        }

        /** Copies the next chunk from the window into the queue; joins the live set at the window's end. */
        private void catchUp() {
            boolean lost = false;
            rw.readLock().lock();
            try {
                synchronized (this) {
                    if (ending || isLive) {
                        return;
                    }
                    if (cursor < windowStart) {
                        lost = true;
                    } else {
                        long s = firstAfter(cursor);
                        long end = Math.min(head, s + CATCH_UP_CHUNK);
                        long last = cursor;
                        for (; s < end; s++) {
                            Entry e = ring[slot(s)];
                            last = e.event.revision();
                            if (matches(e.event.key())) {
                                queue.add(e);
                                activeSinceTick = true;
                            }
                        }
                        if (end == head) {
                            cursor = Math.max(cursor, revision);
                            lastQueued = Math.max(lastQueued, cursor);
                            isLive = true;
                            live.add(this);
                        } else {
                            cursor = last;
                        }
                    }
                }
            } finally {
                rw.readLock().unlock();
            }
            if (lost) {
                tooSlow();
            }
        }

        private boolean deliver(Object item) {
            synchronized (this) {
                callStartedNanos = System.nanoTime();
            }
            try {
                if (item instanceof Entry) {
                    listener.onEvent(((Entry) item).event);
                } else {
                    listener.onProgress((Long) item);
                }
                return true;
            } catch (RuntimeException e) {
                end(new StorageException(StorageException.Code.INTERNAL, keyOrPrefix,
                        "watch listener failed: " + e, e));
                return false;
            } finally {
                synchronized (this) {
                    callStartedNanos = 0;
                }
            }
        }

        private void safeClose(StorageException error) {
            try {
                listener.onClose(error);
            } catch (RuntimeException ignored) {
                // The watch is over either way; a failing onClose must not take the delivery thread down.
            }
        }

        @Override
        public String toString() {
            return "watch " + keyOrPrefix + " after " + after;
        }
    }

    @Override
    public String toString() {
        return "WatchCache[" + root + " at " + appliedRevision + " over " + backend + "]";
    }

    /** For tests in this package: the revision window watchers may start from. */
    long windowStartRevision() {
        rw.readLock().lock();
        try {
            return windowStart;
        } finally {
            rw.readLock().unlock();
        }
    }

    /** For tests in this package: the number of objects held. */
    int objectCount() {
        rw.readLock().lock();
        try {
            return objects.size();
        } finally {
            rw.readLock().unlock();
        }
    }
}
