package io.kapi.core.endpoints;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every {@link WatchStream} shares: no watch holds a thread of its own. Each pool's threads end when
 * it is idle, so nothing is left running when the bundle goes away.
 */
final class WatchThreads {

    /** Writes of every async watch: a write never blocks, so a few threads serve thousands of watches. */
    static final ExecutorService WRITERS = writers();
    /** Ends WebSocket watches at their timeout (an HTTP watch has its AsyncContext's); ticks the coalescer. */
    static final ScheduledExecutorService TIMEOUTS = timeouts();
    /**
     * The least time between two writes of one HTTP/1.1 watch stream ({@code kapi.watch.coalesceMillis}, a system
     * property, 50 ms by default, 0 for none): events that arrive meanwhile are written together.
     */
    static final WriteCoalescer COALESCER = new WriteCoalescer(
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("kapi.watch.coalesceMillis", 50)), TIMEOUTS, WRITERS);

    private WatchThreads() {
    }

    private static ScheduledExecutorService timeouts() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "kapi-watch-timeouts");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        // the thread ends when no timeout is pending (a pending one keeps the last thread), as the writers do
        t.setKeepAliveTime(30, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    private static ExecutorService writers() {
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "kapi-watch-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // idle threads end, so nothing is left running when the bundle goes away
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
