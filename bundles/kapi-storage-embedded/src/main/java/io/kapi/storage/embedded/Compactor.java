package io.kapi.storage.embedded;

import io.kapi.api.storage.StorageException;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.kapi.storage.embedded.VersionCodec.DELETE;
import static io.kapi.storage.embedded.VersionCodec.META_COMPACTED;
import static io.kapi.storage.embedded.VersionCodec.SEP;
import static io.kapi.storage.embedded.VersionCodec.versionKey;

/**
 * Compacts the store: removes the history at or below a compacted revision from the maps (on request
 * and, when configured, periodically), and rewrites sparse chunks of the MVStore file.
 */
final class Compactor {
    private static final Logger LOG = Logger.getLogger(EmbeddedStorage.class.getName());

    /** How often the file's sparse chunks are rewritten. */
    static final long FILE_COMPACT_INTERVAL_MILLIS = 60_000;
    private static final int COMPACT_BATCH = 512;

    private final MVStore store;
    private final MVMap<String, byte[]> versions;
    private final MVMap<Long, String> log;
    private final MVMap<String, Long> meta;
    private final StoreState state;
    private final GroupCommit commit;
    private final ReentrantLock writeLock;
    private long lastAutoCompactionMark; // maintenance thread only

    Compactor(MVStore store, MVMap<String, byte[]> versions, MVMap<Long, String> log, MVMap<String, Long> meta,
            StoreState state, GroupCommit commit) {
        this.store = store;
        this.versions = versions;
        this.log = log;
        this.meta = meta;
        this.state = state;
        this.commit = commit;
        this.writeLock = commit.writeLock();
        this.lastAutoCompactionMark = state.durable();
    }

    void compact(long revision) {
        state.checkOpen();
        if (revision <= state.compacted()) {
            return;
        }
        writeLock.lock();
        try {
            state.checkWritable();
            long current = state.durable();
            if (revision > current) {
                throw new StorageException(StorageException.Code.FUTURE_REVISION, null, current,
                        "cannot compact at " + revision + ", current revision is " + current);
            }
            if (revision <= state.compacted()) {
                return;
            }
            // Published before anything is removed: readers check it after reading.
            meta.put(META_COMPACTED, revision);
            state.compacted(revision);
        } finally {
            writeLock.unlock();
        }
        try {
            purgeCompacted();
        } catch (RuntimeException e) {
            throw state.translate(e);
        }
        commit.flush();
    }

    /** Removes what compaction made unreachable, in batches so writers are held up only briefly. */
    void purgeCompacted() {
        while (true) {
            writeLock.lock();
            try {
                if (state.closed() && state.writesClosed()) {
                    return;
                }
                long upTo = state.compacted();
                Cursor<Long, String> c = log.cursor(null, upTo, false);
                List<Long> done = new ArrayList<>(COMPACT_BATCH);
                while (c.hasNext() && done.size() < COMPACT_BATCH) {
                    long rev = c.next();
                    String key = c.getValue();
                    Cursor<String, byte[]> older = versions.cursor(versionKey(key, rev - 1), key + SEP, true);
                    List<String> superseded = new ArrayList<>();
                    while (older.hasNext()) {
                        superseded.add(older.next());
                    }
                    for (int i = superseded.size() - 1; i >= 0; i--) {
                        versions.remove(superseded.get(i));
                    }
                    String vk = versionKey(key, rev);
                    byte[] entry = versions.get(vk);
                    if (entry != null && entry[0] == DELETE) {
                        versions.remove(vk);
                    }
                    done.add(rev);
                }
                for (Long rev : done) {
                    log.remove(rev);
                }
                if (done.size() < COMPACT_BATCH) {
                    return;
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    void autoCompact() {
        try {
            long current = state.durable();
            long mark = lastAutoCompactionMark;
            lastAutoCompactionMark = current;
            // Never up to the current revision itself: reads at the compacted revision fail, and a
            // list paged at the current revision (the watch cache's and the controllers' initial
            // lists) would then fail on its second page after an idle period, at every restart.
            // Kube's compactor never gets there either: recording its compaction costs a revision.
            long target = Math.min(mark, current - 1);
            if (target > state.compacted()) {
                compact(target);
            }
        } catch (RuntimeException e) {
            // Retried next period; a closed or failed store stops the scheduler anyway.
            LOG.log(Level.WARNING, "auto-compaction failed; retried in the next period", e);
        }
    }

    /**
     * Rewrites sparse chunks so the file does not keep growing; never runs amid a half-applied write, nor while a
     * checkpoint's pages are being written (it would wait for them under the write lock).
     */
    void compactFile() {
        synchronized (commit.checkpointLock()) {
            writeLock.lock();
            try {
                if (!state.writesClosed() && state.failure() == null) {
                    store.compact(50, 4 * 1024 * 1024);
                }
            } catch (RuntimeException e) {
                // Space reclamation only; the data is untouched.
                LOG.log(Level.WARNING, "compacting the store file failed; retried in the next period", e);
            } finally {
                writeLock.unlock();
            }
        }
    }
}
