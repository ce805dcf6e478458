package io.kapi.core.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watchers of one {@link WatchCache} and the threads that call their listeners: kube's cacher's
 * dispatch. Every open watcher is registered; the live ones (caught up with the window) are offered each
 * new event by {@link #dispatch}, the one shared {@link CacheState.Entry} for all of them.
 */
final class Dispatcher {
    /** Undelivered events a watcher holds before it falls back to catching up from the window. */
    final int queueCapacity;
    /** How long an event may wait for a watcher before the watcher is closed as too slow. */
    final long budgetMillis;
    final long budgetNanos;

    private final Set<CacheWatcher> all = ConcurrentHashMap.newKeySet();
    private final Set<CacheWatcher> live = ConcurrentHashMap.newKeySet();
    private final ExecutorService delivery;
    private final AtomicLong slowClosed = new AtomicLong();

    Dispatcher(int deliveryThreads, int queueCapacity, long budgetMillis) {
        this.queueCapacity = queueCapacity;
        this.budgetMillis = budgetMillis;
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        AtomicInteger n = new AtomicInteger();
        this.delivery = new ThreadPoolExecutor(deliveryThreads, deliveryThreads, 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                WatchCache.daemon(() -> "kapi-watchcache-delivery-" + n.incrementAndGet()));
    }

    void register(CacheWatcher w) {
        all.add(w);
    }

    void remove(CacheWatcher w) {
        all.remove(w);
    }

    void joinLive(CacheWatcher w) {
        live.add(w);
    }

    void leaveLive(CacheWatcher w) {
        live.remove(w);
    }

    /** Runs a watcher's delivery task; throws RejectedExecutionException once shut down. */
    void execute(Runnable task) {
        delivery.execute(task);
    }

    /** Offers a new event to the live watchers. */
    void dispatch(CacheState.Entry entry) {
        for (CacheWatcher w : live) {
            w.offer(entry);
        }
    }

    /** Every open watcher (a live view). */
    Collection<CacheWatcher> watchers() {
        return all;
    }

    int count() {
        return all.size();
    }

    void countSlowClosed() {
        slowClosed.incrementAndGet();
    }

    long slowClosed() {
        return slowClosed.get();
    }

    /** Tick: idle live watchers learn the revision everything is dispatched up to (their bookmark). */
    void progress(long rev) {
        for (CacheWatcher w : all) {
            w.progress(rev);
        }
    }

    /** Tick: closes the watchers an event has waited for longer than the budget. */
    void checkBudgets() {
        long now = System.nanoTime();
        for (CacheWatcher w : all) {
            w.checkBudget(now);
        }
    }

    /** Ends every watch with {@code onClose(null)} and lets the delivery threads finish (up to 2 s). */
    void close() {
        for (CacheWatcher w : new ArrayList<>(all)) {
            w.end(null);
        }
        delivery.shutdown();
        try {
            delivery.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the delivery threads of a cache that never opened. */
    void shutdownNow() {
        delivery.shutdownNow();
    }
}
