package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <h2>Parts</h2>
 * As kube splits its cacher: {@link CacheState} holds the keys and the window (kube's watchCache),
 * {@link Reflector} keeps it in step with the backend, {@link Dispatcher} fans each event out to the
 * {@link CacheWatcher}s; this class is the {@link Storage} the API layer sees.
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

    /** How often a consistent read that waits for the cache asks the backend watch for progress (kube's 100 ms). */
    private static final long PROGRESS_REQUEST_MILLIS = 100;

    private final Storage backend;
    private final String root;
    private final Options options;

    private final CacheState state;
    private final Dispatcher dispatcher;
    private final Reflector reflector;
    private final ScheduledThreadPoolExecutor control;

    /** Every event up to here has been offered to the live watchers. */
    private volatile long dispatchedRevision;

    private final Object revisionMonitor = new Object();
    private final AtomicInteger revisionWaiters = new AtomicInteger();

    private final AtomicLong readsFromMemory = new AtomicLong();
    private final AtomicLong readsFromBackend = new AtomicLong();

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
        this.state = new CacheState(options.historyCapacity, options.watcherQueueCapacity);
        this.dispatcher = new Dispatcher(options.deliveryThreads, options.watcherQueueCapacity,
                options.slowWatcherBudgetMillis);
        this.control = new ScheduledThreadPoolExecutor(2, daemon(() -> "kapi-watchcache-control"));
        this.control.setRemoveOnCancelPolicy(true);
        this.reflector = new Reflector(backend, rootPrefix, options.listPageSize, options.maxRetryBackoffMillis,
                control, new Sink());
        try {
            reflector.start();
        } catch (RuntimeException e) {
            reflector.stop();
            control.shutdownNow();
            dispatcher.shutdownNow();
            throw e;
        }
        long check = Math.max(10, Math.min(250, options.slowWatcherBudgetMillis / 4));
        control.scheduleWithFixedDelay(dispatcher::checkBudgets, check, check, TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(state::expireSnapshots, 5, 5, TimeUnit.SECONDS);
        if (options.progressIntervalMillis > 0) {
            control.scheduleWithFixedDelay(() -> dispatcher.progress(dispatchedRevision), options.progressIntervalMillis,
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
        return state.appliedRevision();
    }

    /** Watches currently open on the cache. */
    public int watcherCount() {
        return dispatcher.count();
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
        return reflector.relistCount();
    }

    /** Times the backend watch was re-established from the cache's revision without a re-list. */
    public long resumeCount() {
        return reflector.resumeCount();
    }

    /** Watchers closed as too slow so far. */
    public long slowWatchersClosed() {
        return dispatcher.slowClosed();
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
        if (isClosed() || key == null || !key.startsWith(root) || key.endsWith("/")) {
            return backend.get(key);
        }
        if (!awaitFresh()) {
            readsFromBackend.incrementAndGet();
            return backend.get(key);
        }
        readsFromMemory.incrementAndGet();
        return state.get(key);
    }

    /**
     * What the cache holds for {@code key} now, without waiting for it to catch up with the backend:
     * possibly stale, as a kube informer's lister. Null when the key is not cached (absent, or outside
     * the root prefix); callers that must not miss a fresh key then read with {@link #get}.
     */
    public KeyValue peek(String key) {
        if (isClosed() || key == null || !key.startsWith(root)) {
            return null;
        }
        return state.get(key);
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        if (isClosed() || prefix == null || !prefix.startsWith(root) || !prefix.endsWith("/") || limit < 0
                || revision < 0) {
            return backend.list(prefix, revision, startAfter, limit);
        }
        if (limit > 0 && revision > 0 && revision > backend.compactedRevision()) {
            // the next page of a list: from its snapshot, even when the cache has moved on since
            ListResult kept = state.keptPage(prefix, revision, startAfter, limit);
            if (kept != null) {
                readsFromMemory.incrementAndGet();
                return kept;
            }
        }
        if (revision == 0) {
            if (awaitFresh()) {
                ListResult r = state.list(prefix, startAfter, limit, -1);
                readsFromMemory.incrementAndGet();
                return r;
            }
        } else if (revision == state.appliedRevision() && revision > backend.compactedRevision()) {
            ListResult r = state.list(prefix, startAfter, limit, revision);
            if (r != null) {
                readsFromMemory.incrementAndGet();
                return r;
            }
        }
        readsFromBackend.incrementAndGet();
        return backend.list(prefix, revision, startAfter, limit);
    }

    /**
     * Waits until the cache is at least at the backend's current revision; false when it did not get
     * there in time (kube: waitUntilFreshAndBlock, then falling back to etcd).
     */
    private boolean awaitFresh() {
        long target = backend.currentRevision();
        if (state.appliedRevision() >= target) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.consistentReadWaitMillis);
        revisionWaiters.incrementAndGet();
        try {
            synchronized (revisionMonitor) {
                while (state.appliedRevision() < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || isClosed()) {
                        return false;
                    }
                    // The newest revision may belong to a write outside the root: only the backend can
                    // tell the cache it has seen everything up to it (kube's cacher asks etcd every 100 ms).
                    reflector.requestProgress();
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
        CacheWatcher w = new CacheWatcher(state, dispatcher, keyOrPrefix, from, listener);
        state.readLock().lock();
        try {
            // Under the lock: a re-list (write lock) either saw this watcher or moved the window first.
            long windowStart = state.windowStartLocked();
            if (from < windowStart) {
                throw new StorageException(StorageException.Code.COMPACTED, keyOrPrefix, windowStart,
                        "too old resource version: " + from + " (" + windowStart + ")");
            }
            checkOpen();
            dispatcher.register(w);
        } finally {
            state.readLock().unlock();
        }
        synchronized (w) {
            w.scheduleLocked();
        }
        return w;
    }

    // ---------------------------------------------------------------- the dispatcher

    /** The backend's changes, as the reflector hands them over (one at a time, under its dispatch lock). */
    private final class Sink implements Reflector.Sink {
        /** Applies one backend event and offers it to the live watchers. */
        @Override
        public void apply(WatchEvent e) {
            CacheState.Entry entry = state.append(e);
            if (entry == null) {
                return; // already part of the state (a re-list or resume overlapping the watch)
            }
            signalRevision();
            // Outside the state lock: readers and catching-up watchers are not held up by the fan-out.
            // A watcher that joined the live set meanwhile has read this event from the ring and skips it.
            dispatcher.dispatch(entry);
            dispatchedRevision = e.revision();
        }

        @Override
        public void progress(long rev) {
            if (state.advance(rev)) {
                signalRevision();
                dispatchedRevision = rev;
            }
        }

        @Override
        public void replace(TreeMap<String, KeyValue> fresh, long rev) {
            for (CacheWatcher w : state.replace(fresh, rev, dispatcher.watchers())) {
                w.end(new StorageException(StorageException.Code.COMPACTED, w.keyOrPrefix, rev,
                        "too old resource version: the watch cache re-listed at " + rev));
            }
            dispatchedRevision = rev;
            signalRevision();
        }

        @Override
        public long revision() {
            return state.appliedRevision();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Ends every watch with {@code onClose(null)} and stops the backend watch; the backend stays open. */
    @Override
    public void close() {
        if (!reflector.stop()) {
            return;
        }
        control.shutdownNow();
        state.clearSnapshots();
        dispatcher.close();
        synchronized (revisionMonitor) {
            revisionMonitor.notifyAll();
        }
    }

    private boolean isClosed() {
        return reflector.stopped();
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "watch cache is closed");
        }
    }

    static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "WatchCache[" + root + " at " + state.appliedRevision() + " over " + backend + "]";
    }

    /** For tests in this package: the revision window watchers may start from. */
    long windowStartRevision() {
        return state.windowStart();
    }

    /** The number of objects held. */
    public int objectCount() {
        return state.objectCount();
    }
}
