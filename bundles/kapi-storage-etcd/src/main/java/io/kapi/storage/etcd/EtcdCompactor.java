package io.kapi.storage.etcd;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Periodic compaction of etcd, as kube-apiserver's compactor
 * ({@code k8s.io/apiserver/pkg/storage/etcd3/compact.go}, flag {@code --etcd-compaction-interval},
 * default 5 minutes). Every interval, one round (see {@link EtcdStorage#compactorRound}):
 * <pre>
 * txn: if Version(&lt;prefix&gt;compact_rev_key) == t then Put(&lt;prefix&gt;compact_rev_key, rev) else Get(&lt;prefix&gt;compact_rev_key)
 * won  → t = t + 1; compact etcd to rev (not in the first round, rev == 0)
 * lost → t = the record's current version
 * rev = the header revision of this round
 * </pre>
 * {@code rev} is the revision seen one round earlier, so at least one interval of history is
 * always kept. Several Kapi instances (or kube-apiservers) on one etcd and prefix share the one
 * record: in each interval the first round wins and the others only learn its version, so etcd is
 * compacted once per interval between them; if the winner goes away, another wins within two
 * intervals.
 *
 * <p>One daemon thread, first round one interval after {@link #start()}. A failed round (etcd
 * down, timeout) is logged and the next interval retries with the state unchanged, as kube does;
 * nothing escapes to the caller. {@link #close()} stops the thread after a round in flight; close
 * it before the storage.
 */
public final class EtcdCompactor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EtcdCompactor.class.getName());

    /** kube-apiserver's default {@code --etcd-compaction-interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    private final EtcdStorage storage;
    private final Duration interval;
    private final Consumer<Round> observer;
    private final AtomicLong rounds = new AtomicLong();
    private ScheduledExecutorService scheduler; // guarded by this
    private volatile boolean closed;

    /** Held for a round; apart from the lifecycle's lock, so close() can stop the scheduler meanwhile. */
    private final Object roundLock = new Object();
    /** The compactor's state between rounds, kube's {@code compactTime} and {@code rev}; guarded by roundLock. */
    private long knownVersion;
    private long lastRevision;

    /** What one round did, for tests: the storage's answer, or the failure. */
    record Round(EtcdStorage.CompactorRound result, RuntimeException failure) {
    }

    /**
     * A compactor for {@code storage}, every {@code interval}; a zero interval disables it
     * ({@link #start()} does nothing). Nothing runs before {@link #start()}.
     */
    public EtcdCompactor(EtcdStorage storage, Duration interval) {
        this(storage, interval, null);
    }

    EtcdCompactor(EtcdStorage storage, Duration interval, Consumer<Round> observer) {
        if (storage == null) {
            throw new IllegalArgumentException("storage must not be null");
        }
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("compaction interval must not be negative");
        }
        this.storage = storage;
        this.interval = interval;
        this.observer = observer;
    }

    public Duration interval() {
        return interval;
    }

    /** Schedules the rounds; does nothing when the interval is zero, when started, or after close. */
    public synchronized void start() {
        if (closed || scheduler != null || interval.isZero()) {
            return;
        }
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kapi-etcd-compactor");
            t.setDaemon(true);
            return t;
        });
        s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        long nanos = interval.toNanos();
        // fixed delay: kube waits one interval after each round ends
        s.scheduleWithFixedDelay(this::scheduledRound, nanos, nanos, TimeUnit.NANOSECONDS);
        scheduler = s;
        LOG.fine(() -> "etcd compactor started, every " + interval + ", for " + storage.config());
    }

    /** Whether rounds are scheduled. */
    public synchronized boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    /** Rounds run so far, failed ones included. */
    long rounds() {
        return rounds.get();
    }

    private void scheduledRound() {
        try {
            round();
        } catch (RuntimeException e) {
            // never let an exception end the periodic task; round() has already logged it
        }
    }

    /**
     * One round now (the scheduler calls this; tests may too). Throws when etcd could not be
     * asked, leaving the state as it was so the next round repeats it.
     */
    EtcdStorage.CompactorRound round() {
        synchronized (roundLock) {
            return roundLocked();
        }
    }

    private EtcdStorage.CompactorRound roundLocked() {
        rounds.incrementAndGet();
        EtcdStorage.CompactorRound r;
        try {
            r = storage.compactorRound(knownVersion, lastRevision);
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "etcd compaction round failed, retried in " + interval + ": " + e.getMessage());
            }
            notify(new Round(null, e));
            throw e;
        }
        knownVersion = r.version();
        lastRevision = r.revision();
        if (r.compactionError() != null) {
            LOG.log(Level.WARNING, "etcd compaction failed after recording it: " + r.compactionError().getMessage());
        } else if (r.compactedTo() > 0) {
            LOG.fine(() -> "etcd compacted to revision " + r.compactedTo());
        }
        notify(new Round(r, null));
        return r;
    }

    private void notify(Round round) {
        if (observer != null) {
            try {
                observer.accept(round);
            } catch (RuntimeException ignored) {
                // a test's observer must not stop the compactor
            }
        }
    }

    /**
     * Stops the rounds and waits for one in flight (bounded by the storage's request timeout; it
     * is interrupted beyond that). Idempotent; a closed compactor does not start again.
     */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            closed = true;
            s = scheduler;
        }
        if (s == null) {
            return;
        }
        // No new rounds; one in flight ends within the request timeout (per endpoint tried), so it
        // is let finish rather than interrupted halfway, when etcd may have applied it already.
        s.shutdown();
        try {
            long wait = storage.config().requestTimeout().toMillis() * storage.config().endpoints().size() + 1000;
            if (!s.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                s.shutdownNow();
                if (!s.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                    LOG.warning("etcd compactor did not stop in time");
                }
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
