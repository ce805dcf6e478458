package io.kapi.core.cache;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a {@link WatchCache} in step with its backend, as client-go's reflector does for kube's cacher: one
 * backend watch on the root prefix, whose events and progress go to a {@link Sink} one at a time (the
 * dispatcher), and a list of the root when the cache starts or has lost the backend's history.
 *
 * <p>When the backend watch ends, the reflector first re-watches from the cache's own revision, which loses
 * nothing. When the backend no longer has that history (COMPACTED), it re-lists, and the sink replaces its
 * state. Retries back off up to {@code maxBackoffMillis}. Each backend watch has a generation; callbacks of
 * an abandoned one are ignored.
 */
final class Reflector {
    private static final Logger LOG = Logger.getLogger(WatchCache.class.getName());


    /** Where the backend's changes go; every call is made under the reflector's dispatch lock, one at a time. */
    interface Sink {
        /** One backend event. */
        void apply(WatchEvent event);

        /** Nothing under the root changed up to {@code revision}. */
        void progress(long revision);

        /** The root as listed at {@code revision}, to replace the state with. */
        void replace(TreeMap<String, KeyValue> fresh, long revision);

        /** The revision the state is at. */
        long revision();
    }

    private static final long INITIAL_BACKOFF_MILLIS = 50;

    private final Storage backend;
    private final String root;
    private final int listPageSize;
    private final long maxBackoffMillis;
    private final ScheduledExecutorService control;
    private final Sink sink;

    /** Serialises the dispatcher: backend callbacks of every generation and the installing of a re-list. */
    private final Object dispatchLock = new Object();
    private long generation; // guarded by dispatchLock
    private volatile boolean stopped;
    private volatile Watch backendWatch;

    private final AtomicLong relists = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();

    Reflector(Storage backend, String root, int listPageSize, long maxBackoffMillis,
              ScheduledExecutorService control, Sink sink) {
        this.backend = backend;
        this.root = root;
        this.listPageSize = listPageSize;
        this.maxBackoffMillis = maxBackoffMillis;
        this.control = control;
        this.sink = sink;
    }

    /** Lists the root and starts the backend watch; a failure is thrown. */
    void start() {
        resync();
    }

    /** Whether {@link #stop()} was called. */
    boolean stopped() {
        return stopped;
    }

    /**
     * Stops: callbacks of the backend watch are ignored from now on, and the watch is closed. False when it
     * was stopped already.
     */
    boolean stop() {
        synchronized (dispatchLock) {
            if (stopped) {
                return false;
            }
            stopped = true;
            generation++;
        }
        closeBackendWatch();
        return true;
    }

    /** Asks the backend watch to report its progress (a no-op while none is open). */
    void requestProgress() {
        Watch w = backendWatch;
        if (w != null) {
            w.requestProgress();
        }
    }

    /** Times the cache re-listed after it lost the backend's history (not counting the first list). */
    long relistCount() {
        return relists.get();
    }

    /** Times the backend watch was re-established from the cache's revision without a re-list. */
    long resumeCount() {
        return resumes.get();
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
                if (gen != generation || stopped) {
                    return;
                }
                if (pending != null) {
                    pending.add(event);
                } else {
                    sink.apply(event);
                }
            }
        }

        @Override
        public void onProgress(long rev) {
            synchronized (dispatchLock) {
                if (gen == generation && !stopped && pending == null) {
                    sink.progress(rev);
                }
            }
        }

        @Override
        public void onClose(StorageException error) {
            boolean current;
            synchronized (dispatchLock) {
                current = gen == generation && !stopped;
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
                sink.apply(e);
            }
        }
    }

    private void scheduleRecovery(boolean relist, long backoffMillis, long delayMillis) {
        if (stopped) {
            return;
        }
        try {
            control.schedule(() -> recover(relist, backoffMillis), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // only once stopped; nothing to recover then
        }
    }

    /**
     * Re-establishes the backend watch: resumes from the cache's revision when the backend still has
     * that history, else re-lists. A cache at revision 0 always re-lists, since watch(root, 0) means
     * "from now" in the contract and cannot resume; the re-list keeps every watcher when the store is
     * still at revision 0.
     */
    private void recover(boolean relist, long backoffMillis) {
        if (stopped) {
            return;
        }
        try {
            long from = sink.revision();
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
            // the cache serves what it has meanwhile (its reads fall back to the backend when it is behind)
            long next = Math.min(maxBackoffMillis, backoffMillis * 2);
            LOG.log(Level.WARNING, "watch cache of " + root + ": re-establishing the backend watch failed at revision "
                    + sink.revision() + ", retrying in " + backoffMillis + " ms: " + e);
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
        if (stopped) {
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
            ListResult page = backend.list(root, 0, null, listPageSize);
            rev = page.revision();
            while (true) {
                for (KeyValue kv : page.items()) {
                    fresh.put(kv.key(), kv);
                }
                if (!page.more() || page.items().isEmpty()) {
                    break;
                }
                page = backend.list(root, rev, page.items().get(page.items().size() - 1).key(), listPageSize);
            }
        } catch (RuntimeException e) {
            closeBackendWatch();
            throw e;
        }
        synchronized (dispatchLock) {
            if (listener.gen != generation || stopped) {
                return;
            }
            sink.replace(fresh, rev);
            listener.flush();
        }
        if (stopped) {
            closeBackendWatch();
        }
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
}
