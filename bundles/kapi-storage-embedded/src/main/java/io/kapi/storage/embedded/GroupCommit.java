package io.kapi.storage.embedded;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import static io.kapi.storage.embedded.StoreState.unavailable;
import static io.kapi.storage.embedded.VersionCodec.DELETE;
import static io.kapi.storage.embedded.VersionCodec.META_REVISION;
import static io.kapi.storage.embedded.VersionCodec.PUT;
import static io.kapi.storage.embedded.VersionCodec.encode;
import static io.kapi.storage.embedded.VersionCodec.versionKey;

/**
 * Makes applied writes durable: applies each change to the maps under the write lock, logs and forces
 * what is applied to the {@link WriteAheadLog} in group commits, then publishes it; and checkpoints
 * the maps to the MVStore file so the log can be trimmed. Any failure here fails the store.
 */
final class GroupCommit {

    /** A checkpoint that holds writes back this long (it takes the maps' state under the write lock) is logged. */
    private static final long SLOW_CHECKPOINT_MILLIS = 1000;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EmbeddedStorage.class.getName());
    /** Log bytes after which a checkpoint is taken before its interval is up. */
    private static final long CHECKPOINT_LOG_BYTES = 64L * 1024 * 1024;

    private final MVStore store;
    private final MVMap<String, byte[]> versions;
    private final MVMap<Long, String> log;
    private final MVMap<String, Long> meta;
    private final WriteAheadLog wal;
    private final WatchHub hub;
    private final Executor maintenance;
    private final StoreState state;
    /** Whether a commit is forced to disk, read at each commit from the store's options. */
    private final BooleanSupplier syncWrites;
    private final Object checkpointLock = new Object();
    private volatile long lastCheckpoint;
    private final java.util.concurrent.atomic.AtomicBoolean checkpointQueued = new java.util.concurrent.atomic.AtomicBoolean();

    private final ReentrantLock writeLock = new ReentrantLock();
    private long lastAssigned; // guarded by writeLock
    private ArrayList<WatchEvent> pending = new ArrayList<>(); // guarded by writeLock

    private final Object commitMonitor = new Object();
    private boolean committing; // guarded by commitMonitor

    private final LongAdder syncs = new LongAdder();

    /** {@code revision}: the last revision in the maps, checkpointed to the file already. */
    GroupCommit(MVStore store, MVMap<String, byte[]> versions, MVMap<Long, String> log, MVMap<String, Long> meta,
            WriteAheadLog wal, WatchHub hub, Executor maintenance, StoreState state, BooleanSupplier syncWrites,
            long revision) {
        this.store = store;
        this.versions = versions;
        this.log = log;
        this.meta = meta;
        this.wal = wal;
        this.hub = hub;
        this.maintenance = maintenance;
        this.state = state;
        this.syncWrites = syncWrites;
        this.lastCheckpoint = revision;
        this.lastAssigned = revision;
    }

    /** Orders writes, the batches commits take, compaction's removals and closing. */
    ReentrantLock writeLock() {
        return writeLock;
    }

    /** Held while a checkpoint is taken and its pages are written. */
    Object checkpointLock() {
        return checkpointLock;
    }

    /** How many times the store was forced to disk. */
    long syncCount() {
        return syncs.sum();
    }

    /** Refuses writes from now on; returns the last revision applied, which must still be made durable. */
    long closeWrites() {
        writeLock.lock();
        try {
            state.closeWrites();
            return lastAssigned;
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes one change; caller holds writeLock. Any failure here leaves the store unusable. */
    long apply(String key, byte kind, byte[] value, long createRevision, byte[] prevValue) {
        long rev = lastAssigned + 1;
        long create = kind == PUT && prevValue == null ? rev : createRevision;
        try {
            versions.put(versionKey(key, rev), encode(kind, create, value));
            log.put(rev, key);
        } catch (RuntimeException | Error e) {
            fail(e);
            throw unavailable("write failed, outcome unknown", e);
        }
        lastAssigned = rev;
        pending.add(new WatchEvent(kind == PUT ? WatchEvent.Type.PUT : WatchEvent.Type.DELETE,
                key, value, prevValue, rev, create));
        return rev;
    }

    /** Returns once {@code rev} is on disk; leads a commit when nobody else is. */
    void awaitDurable(long rev) {
        while (true) {
            synchronized (commitMonitor) {
                awaitLeaderLocked(() -> state.durable() < rev);
                if (state.durable() >= rev) {
                    return;
                }
                if (state.failure() != null) {
                    throw unavailable("storage failed, write outcome unknown", state.failure());
                }
                committing = true;
            }
            commitRound();
        }
    }

    /**
     * Waits, holding {@code commitMonitor}, while another leader commits and {@code needed} holds.
     * Not interruptible: the caller's write is applied already, and leaving would leave its outcome
     * unknown; the interrupt is kept for the caller.
     */
    private void awaitLeaderLocked(BooleanSupplier needed) {
        boolean interrupted = false;
        while (committing && state.failure() == null && needed.getAsBoolean()) {
            try {
                commitMonitor.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitRound() {
        commitRound(false);
    }

    /**
     * One group commit, run by the leader (the caller set {@code committing}): logs and forces
     * everything applied so far, then makes it visible. With {@code checkpoint}, the maps are also
     * committed to the MVStore file: their state is taken under the write lock right after the log took
     * the same changes, so the file never holds a write the log lacks, and written once the lock is
     * given back.
     */
    private void commitRound(boolean checkpoint) {
        long target;
        List<WatchEvent> batch;
        boolean committed = false;
        try {
            writeLock.lock();
            try {
                target = lastAssigned;
                batch = pending;
                pending = new ArrayList<>();
                if (checkpoint) {
                    log(batch);
                    if (target != lastCheckpoint || store.hasUnsavedChanges()) {
                        long start = System.nanoTime();
                        meta.put(META_REVISION, target);
                        // tryCommit takes every map's root at this revision and hands their pages to MVStore's
                        // serialization thread: the maps are copy-on-write, so the writes that follow go to the
                        // next version while these pages are written, and the sync below waits for them.
                        // commit() would serialize here, under the write lock (seconds with many changes).
                        if (store.tryCommit() < 0) {
                            store.commit(); // its lock was busy: taken and written here
                        }
                        committed = true;
                        long millis = (System.nanoTime() - start) / 1_000_000;
                        if (millis >= SLOW_CHECKPOINT_MILLIS) {
                            LOG.warning("a checkpoint to revision " + target + " (" + (target - lastCheckpoint)
                                    + " changes since the last) held writes for " + millis + " ms; the store file is "
                                    + store.getFileStore().size() / (1024 * 1024) + " MiB");
                        }
                    }
                }
            } finally {
                writeLock.unlock();
            }
            if (!checkpoint) {
                // outside the write lock: writers go on applying while this batch is logged and synced
                log(batch);
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            synchronized (commitMonitor) {
                committing = false;
                commitMonitor.notifyAll();
            }
            throw unavailable("commit failed, write outcome unknown", e);
        }
        state.durable(target);
        hub.publish(batch, target);
        synchronized (commitMonitor) {
            committing = false;
            commitMonitor.notifyAll();
        }
        if (committed) {
            // after giving up the leader's role: the next group commits need not wait for the file's sync
            // (the caller holds checkpointLock, so checkpoints still follow each other in order)
            try {
                // waits for the pages tryCommit handed over to be written, then forces the file
                store.executeFilestoreOperation(store::sync);
                lastCheckpoint = target;
                wal.checkpointed(target);
            } catch (IOException | RuntimeException | Error e) {
                fail(e);
                throw unavailable("checkpoint failed", e);
            }
        }
        if (!checkpoint && wal.bytesSinceCheckpoint() > CHECKPOINT_LOG_BYTES
                && checkpointQueued.compareAndSet(false, true)) {
            try {
                maintenance.execute(this::checkpointQuietly);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                checkpointQueued.set(false);
            }
        }
    }

    /** Appends {@code batch} to the log and forces it to disk. */
    private void log(List<WatchEvent> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<WriteAheadLog.Entry> entries = new ArrayList<>(batch.size());
        for (WatchEvent e : batch) {
            entries.add(new WriteAheadLog.Entry(e.revision(), e.type() == WatchEvent.Type.PUT ? PUT : DELETE,
                    e.createRevision(), e.key(), e.value()));
        }
        wal.append(entries);
        if (syncWrites.getAsBoolean()) {
            wal.sync();
        }
        syncs.increment();
    }

    /**
     * Logs what is applied and commits the maps to the MVStore file, then lets the log drop what the
     * checkpoint before this one covered. Takes the commit leader's role, so no batch is between being
     * taken and being logged while the file is committed.
     */
    void checkpoint() {
        synchronized (checkpointLock) {
            synchronized (commitMonitor) {
                awaitLeaderLocked(() -> true);
                if (state.failure() != null) {
                    return;
                }
                committing = true;
            }
            commitRound(true);
        }
    }

    void checkpointQuietly() {
        checkpointQueued.set(false);
        try {
            checkpoint();
        } catch (StorageException e) {
            // the store has failed (commitRound said why); the log still holds every acknowledged write
        }
    }

    /** Makes everything applied so far durable, including compaction's bookkeeping. */
    void flush() {
        long rev;
        writeLock.lock();
        try {
            rev = lastAssigned;
        } finally {
            writeLock.unlock();
        }
        awaitDurable(rev);
        checkpoint();
    }

    private void fail(Throwable t) {
        if (state.fail(t)) {
            LOG.log(java.util.logging.Level.SEVERE, "the embedded store failed: it refuses reads and writes until it is"
                    + " reopened, which recovers every acknowledged write from its log", t);
            Thread closer = new Thread(() -> hub.close(unavailable("storage failed", t), 2000),
                    "kapi-storage-fail");
            closer.setDaemon(true);
            closer.start();
        }
    }
}
