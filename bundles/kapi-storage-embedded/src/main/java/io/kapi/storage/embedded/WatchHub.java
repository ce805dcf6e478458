package io.kapi.storage.embedded;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fans durable events out to watchers.
 *
 * <p>A new watcher from the last published revision joins the live set at once. Any other first
 * catches up from the store's history on its own delivery thread and only then joins the live set; the switch happens under the hub lock when the history it has read
 * reaches the last published revision, so nothing falls between history and live (the events
 * published later are filtered by revision, so nothing is seen twice either). Catching up from
 * history instead of buffering live events while replaying keeps the live buffer bounded.
 *
 * <p>Each watcher has a bounded queue drained by at most one task at a time, so a listener is
 * called from one thread at a time. A watcher whose queue overflows is closed with UNAVAILABLE:
 * the writer side never waits for a slow listener and memory stays bounded (kube's cacher does the
 * same with "Forcing watcher close due to unresponsiveness").
 */
final class WatchHub {

    /** What the hub needs from the store to replay history. */
    interface History {
        /** Highest revision readers may see; everything at or below it is durable and in the history. */
        long visibleRevision();

        long compactedRevision();

        /** Feeds the changes with {@code after < revision <= upTo} that match, in revision order. */
        void replay(String keyOrPrefix, long after, long upTo, Consumer<WatchEvent> sink);
    }

    private static final long REPLAY_CHUNK = 1024;

    private final History history;
    private final ExecutorService executor;
    private final int bufferLimit;
    private final Object lock = new Object();
    private final List<Watcher> live = new ArrayList<>(); // guarded by lock
    private final List<Watcher> all = new ArrayList<>(); // guarded by lock
    private long published; // guarded by lock
    private boolean closed; // guarded by lock

    WatchHub(History history, ExecutorService executor, int bufferLimit, long published) {
        this.history = history;
        this.executor = executor;
        this.bufferLimit = bufferLimit;
        this.published = published;
    }

    Watch register(String keyOrPrefix, long after, WatchListener listener) {
        Watcher w = new Watcher(keyOrPrefix, after, listener);
        synchronized (lock) {
            if (closed) {
                throw new StorageException(StorageException.Code.UNAVAILABLE, keyOrPrefix, 0, "storage is closed");
            }
            all.add(w);
            if (after >= published) {
                // Nothing to replay: live at once, as etcd puts a watch from its current revision straight
                // into its synced group. Left to catch up on its delivery thread, a watch "from now" would
                // replay the writes made meanwhile from history and could be ended as compacted by a
                // compaction of revisions it was never behind on.
                synchronized (w) {
                    w.catchingUp = false;
                }
                live.add(w);
                return w;
            }
        }
        synchronized (w) {
            w.scheduleLocked();
        }
        return w;
    }

    /** Hands a durable batch to the live watchers. Called by one committer at a time, in revision order. */
    void publish(List<WatchEvent> batch, long upTo) {
        synchronized (lock) {
            if (!batch.isEmpty()) {
                for (Iterator<Watcher> it = live.iterator(); it.hasNext(); ) {
                    Watcher w = it.next();
                    for (WatchEvent e : batch) {
                        if (w.matches(e.key()) && !w.offer(e)) {
                            it.remove();
                            all.remove(w);
                            break;
                        }
                    }
                }
            }
            published = Math.max(published, upTo);
        }
    }

    /** Sends onProgress to live watchers that had nothing to deliver since the previous tick. */
    void progressTick() {
        synchronized (lock) {
            for (Watcher w : live) {
                w.progress(published);
            }
        }
    }

    /** A live watcher's progress at the last published revision, queued behind its events. */
    void requestProgress(Watcher w) {
        synchronized (lock) {
            if (live.contains(w)) {
                w.progressNow(published);
            }
        }
    }

    int watcherCount() {
        synchronized (lock) {
            return all.size();
        }
    }

    int liveCount() {
        synchronized (lock) {
            return live.size();
        }
    }

    /** Ends every watch with {@code error} (null: clean shutdown) and waits briefly for the onClose calls. */
    void close(StorageException error, long awaitMillis) {
        List<Watcher> snapshot;
        synchronized (lock) {
            closed = true;
            snapshot = new ArrayList<>(all);
            live.clear();
            all.clear();
        }
        for (Watcher w : snapshot) {
            w.end(error);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(awaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class End {
        final StorageException error;

        End(StorageException error) {
            this.error = error;
        }
    }

    final class Watcher implements Watch, Runnable {
        private final String keyOrPrefix;
        private final boolean prefix;
        private final WatchListener listener;
        // guarded by this
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private boolean scheduled;
        private boolean catchingUp = true;
        private long lastQueued;
        private End end;
        private boolean busySinceTick;

        Watcher(String keyOrPrefix, long after, WatchListener listener) {
            this.keyOrPrefix = keyOrPrefix;
            this.prefix = keyOrPrefix.endsWith("/");
            this.listener = listener;
            this.lastQueued = after;
        }

        boolean matches(String key) {
            return prefix ? key.startsWith(keyOrPrefix) : key.equals(keyOrPrefix);
        }

        /** Queues a live event; false when the watcher is gone (ended or just closed for being too slow). */
        boolean offer(WatchEvent e) {
            synchronized (this) {
                if (end != null) {
                    return false;
                }
                if (e.revision() <= lastQueued) {
                    return true;
                }
                if (queue.size() >= bufferLimit) {
                    endLocked(new StorageException(StorageException.Code.UNAVAILABLE, keyOrPrefix, e.revision(),
                            "watcher is too slow: " + bufferLimit + " undelivered events, closing it"));
                    return false;
                }
                queue.add(e);
                lastQueued = e.revision();
                busySinceTick = true;
                scheduleLocked();
                return true;
            }
        }

        void progress(long revision) {
            synchronized (this) {
                if (end == null && !busySinceTick && queue.isEmpty() && revision >= lastQueued) {
                    queue.add(revision);
                    scheduleLocked();
                }
                busySinceTick = false;
            }
        }

        /** Progress at {@code revision} on request, whether or not events are queued ahead of it. */
        void progressNow(long revision) {
            synchronized (this) {
                if (end == null && revision >= lastQueued) {
                    queue.add(revision);
                    scheduleLocked();
                }
            }
        }

        @Override
        public void requestProgress() {
            WatchHub.this.requestProgress(this);
        }

        @Override
        public void close() {
            synchronized (lock) {
                live.remove(this);
                all.remove(this);
            }
            end(null);
        }

        void end(StorageException error) {
            synchronized (this) {
                endLocked(error);
            }
        }

        private void endLocked(StorageException error) {
            if (end != null) {
                return;
            }
            end = new End(error);
            queue.clear();
            queue.add(end);
            scheduleLocked();
        }

        void scheduleLocked() {
            if (scheduled) {
                return;
            }
            scheduled = true;
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                // Only after the hub shut down; the final onClose must still be made.
                scheduled = false;
                queue.clear();
                if (end != null) {
                    safeClose(end.error);
                }
            }
        }

        @Override
        public void run() {
            boolean replay;
            synchronized (this) {
                replay = catchingUp && end == null;
            }
            if (replay) {
                catchUp();
            }
            while (true) {
                Object item;
                synchronized (this) {
                    item = queue.poll();
                    if (item == null) {
                        scheduled = false;
                        return;
                    }
                }
                if (item instanceof End) {
                    safeClose(((End) item).error);
                    synchronized (this) {
                        queue.clear();
                        scheduled = false;
                    }
                    return;
                } else if (item instanceof WatchEvent) {
                    if (!stopping()) {
                        call(() -> listener.onEvent((WatchEvent) item));
                    }
                } else if (!stopping()) {
                    call(() -> listener.onProgress((Long) item));
                }
            }
        }

        private void catchUp() {
            long next;
            synchronized (this) {
                next = lastQueued;
            }
            List<WatchEvent> chunk = new ArrayList<>();
            while (true) {
                long upTo = history.visibleRevision();
                while (next < upTo) {
                    if (stopping()) {
                        return;
                    }
                    long chunkEnd = Math.min(upTo, next + REPLAY_CHUNK);
                    chunk.clear();
                    history.replay(keyOrPrefix, next, chunkEnd, chunk::add);
                    long compacted = history.compactedRevision();
                    if (compacted > next) {
                        end(StorageException.compacted(compacted));
                        return;
                    }
                    for (WatchEvent e : chunk) {
                        if (stopping()) {
                            return;
                        }
                        if (!call(() -> listener.onEvent(e))) {
                            return;
                        }
                    }
                    next = chunkEnd;
                }
                synchronized (lock) {
                    if (published <= next) {
                        synchronized (this) {
                            catchingUp = false;
                            lastQueued = Math.max(lastQueued, next);
                            if (end == null) {
                                live.add(this);
                            }
                        }
                        return;
                    }
                }
            }
        }

        private synchronized boolean stopping() {
            return end != null;
        }

        private boolean call(Runnable callback) {
            try {
                callback.run();
                return true;
            } catch (RuntimeException e) {
                synchronized (lock) {
                    live.remove(this);
                    all.remove(this);
                }
                end(new StorageException(StorageException.Code.INTERNAL, keyOrPrefix,
                        "watch listener failed: " + e, e));
                return false;
            }
        }

        private void safeClose(StorageException error) {
            try {
                listener.onClose(error);
            } catch (RuntimeException ignored) {
                // The watch is over either way; a failing onClose must not kill the delivery thread.
            }
        }
    }
}
