package io.kapi.core.endpoints;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Spaces the writes of each watch stream: a stream written less than an interval ago that has more to write
 * waits for the next tick, so that the events arriving meanwhile leave in one write (one TLS record, one system
 * call) instead of one each. A stream that was quiet longer writes at once, so a watcher of a resource that
 * changes now and then sees no delay; a busy one sees at most one interval.
 *
 * <p>The ticks run only while some stream waits: each tick hands every waiting stream's writer task to the
 * writers, then the next tick is scheduled if any did. Nothing runs when nothing waits, so no thread is left
 * behind when the bundle goes away.
 */
final class WriteCoalescer {
    private static final Logger LOG = Logger.getLogger(WriteCoalescer.class.getName());

    private final long intervalNanos;
    private final ScheduledExecutorService ticks;
    private final Executor writers;
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ticking = new AtomicBoolean();

    /** {@code intervalNanos} 0 writes every stream at once. */
    WriteCoalescer(long intervalNanos, ScheduledExecutorService ticks, Executor writers) {
        this.intervalNanos = Math.max(0, intervalNanos);
        this.ticks = ticks;
        this.writers = writers;
    }

    /** Whether a stream last written at {@code lastWriteNanos} must wait for the next tick. */
    boolean mustWait(long lastWriteNanos) {
        return intervalNanos > 0 && System.nanoTime() - lastWriteNanos < intervalNanos;
    }

    /** A time long enough ago that a stream written then writes at once. */
    long longAgo() {
        return System.nanoTime() - intervalNanos - 1;
    }

    /** Runs {@code writer} on the writers at the next tick. */
    void later(Runnable writer) {
        waiting.add(writer);
        if (ticking.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            ticks.schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            ticking.set(false);
            tickNow();
        }
    }

    private void tick() {
        if (tickNow() > 0) {
            schedule();
            return;
        }
        ticking.set(false);
        if (!waiting.isEmpty() && ticking.compareAndSet(false, true)) {
            schedule(); // added between the last poll and the flag's reset
        }
    }

    private int tickNow() {
        int n = 0;
        for (Runnable w = waiting.poll(); w != null; w = waiting.poll()) {
            n++;
            try {
                writers.execute(w);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.WARNING, "watch writers refused a stream's write; it is written on the tick's thread", e);
                w.run();
            }
        }
        return n;
    }
}
