package io.kapi.core.cache;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Lock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A watch on a {@link WatchCache} (kube's {@code cacheWatcher}). Either live (the {@link Dispatcher} offers
 * it new events) or catching up (its delivery task copies events from the {@link CacheState}'s window); it
 * starts catching up from its start revision and joins the live set, under the state's lock, once it has
 * read everything up to the state's revision.
 *
 * <p>Each watcher has a bounded queue of references to shared events. When it is full the watcher leaves
 * the live fan-out and catches up from the window on its delivery thread, so the dispatcher never waits
 * for it. A {@link NonBlocking} listener gets a live event on the dispatching thread itself when nothing else waits
 * for it (no queued item, no delivery task), which spares the queue and the hand-over to a delivery thread. Lock
 * order: the state's lock, then the watcher's.
 */
final class CacheWatcher implements Watch, Runnable {
    private static final Logger LOG = Logger.getLogger(WatchCache.class.getName());

    /** Most events one delivery task hands to a listener before yielding its thread to other watchers. */
    private static final int DELIVERY_BATCH = 256;
    /** Most events a catching-up watcher copies out of the window at once (its queue may exceed capacity by this). */
    private static final int CATCH_UP_CHUNK = 256;

    private final CacheState state;
    private final Dispatcher dispatcher;
    final String keyOrPrefix;
    final boolean prefix;
    final WatchListener listener;
    /** The listener never blocks: a live event finding nothing else waiting is delivered on the dispatching thread. */
    private final boolean inline;
    final long after;
    final long startNanos = System.nanoTime();

    // guarded by this
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // CacheState.Entry, or Long for progress
    private boolean isLive;
    private long cursor; // catching up: every matching event up to here is queued or delivered
    private long lastQueued; // live: events at or below it are already queued
    private boolean scheduled;
    private boolean ending;
    private boolean finished;
    private StorageException endError;
    private boolean activeSinceTick;
    private long callStartedNanos; // 0 when no listener call is running

    CacheWatcher(CacheState state, Dispatcher dispatcher, String keyOrPrefix, long after, WatchListener listener) {
        this.state = state;
        this.dispatcher = dispatcher;
        this.keyOrPrefix = keyOrPrefix;
        this.prefix = keyOrPrefix.endsWith("/");
        this.listener = listener;
        this.inline = listener instanceof NonBlocking;
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
    void offer(CacheState.Entry e) {
        WatchEvent event = e.event();
        if (!matches(event.key())) {
            return;
        }
        synchronized (this) {
            if (!isLive || event.revision() <= lastQueued) {
                return;
            }
            if (queue.size() >= dispatcher.queueCapacity) {
                // Everything matching below this event is queued; the rest comes from the window.
                leaveLiveLocked();
                cursor = event.revision() - 1;
                scheduleLocked();
                return;
            }
            lastQueued = event.revision();
            activeSinceTick = true;
            if (!inline || scheduled || finished || !queue.isEmpty()) {
                queue.add(e);
                scheduleLocked();
                return;
            }
            // nothing else waits: deliver here, as the delivery task would (no other task runs meanwhile)
            scheduled = true;
        }
        deliver(e);
        synchronized (this) {
            scheduled = false;
            if (ending || !isLive || !queue.isEmpty()) {
                scheduleLocked();
            }
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
                if (item instanceof CacheState.Entry) {
                    waitingSince = Math.max(((CacheState.Entry) item).appendedNanos(), startNanos);
                    break;
                }
            }
            boolean pending = waitingSince != Long.MAX_VALUE || !isLive;
            if (pending && callStartedNanos != 0) {
                waitingSince = Math.min(waitingSince, callStartedNanos);
            }
            slow = waitingSince != Long.MAX_VALUE && now - waitingSince > dispatcher.budgetNanos;
        }
        if (slow) {
            tooSlow();
        }
    }

    private void tooSlow() {
        if (end(new StorageException(StorageException.Code.UNAVAILABLE, keyOrPrefix, state.appliedRevision(),
                "watcher is too slow: closing it (budget " + dispatcher.budgetMillis + " ms)"))) {
            dispatcher.countSlowClosed();
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
            dispatcher.remove(this);
            scheduleLocked();
            return true;
        }
    }

    private void leaveLiveLocked() {
        isLive = false;
        dispatcher.leaveLive(this);
    }

    void scheduleLocked() {
        if (scheduled || finished) {
            return;
        }
        scheduled = true;
        try {
            dispatcher.execute(this);
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
        Lock read = state.readLock();
        read.lock();
        try {
            synchronized (this) {
                if (ending || isLive) {
                    return;
                }
                if (cursor < state.windowStartLocked()) {
                    lost = true;
                } else {
                    long last = state.copyAfterLocked(cursor, CATCH_UP_CHUNK, this::queueCaughtUpLocked);
                    if (last == CacheState.AT_END) {
                        cursor = Math.max(cursor, state.revisionLocked());
                        lastQueued = Math.max(lastQueued, cursor);
                        isLive = true;
                        dispatcher.joinLive(this);
                    } else {
                        cursor = last;
                    }
                }
            }
        } finally {
            read.unlock();
        }
        if (lost) {
            tooSlow();
        }
    }

    /** One event of the window while catching up (under this watcher's lock). */
    private void queueCaughtUpLocked(CacheState.Entry e) {
        if (matches(e.event().key())) {
            queue.add(e);
            activeSinceTick = true;
        }
    }

    /** Hands one event or progress revision to the listener; false when the listener failed (the watch is ending). */
    private boolean deliver(Object item) {
        synchronized (this) {
            callStartedNanos = System.nanoTime();
        }
        try {
            if (item instanceof CacheState.Entry) {
                listener.onEvent(((CacheState.Entry) item).event());
            } else {
                listener.onProgress((Long) item);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener of " + keyOrPrefix + " failed: closing its watch", e);
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
        } catch (RuntimeException e) {
            // The watch is over either way; a failing onClose must not take the delivery thread down.
            LOG.log(Level.WARNING, "closing the watch listener of " + keyOrPrefix + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "watch " + keyOrPrefix + " after " + after;
    }
}
