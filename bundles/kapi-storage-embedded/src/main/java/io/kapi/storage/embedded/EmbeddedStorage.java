package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.kapi.storage.embedded.Arguments.checkPrefix;
import static io.kapi.storage.embedded.VersionCodec.META_COMPACTED;
import static io.kapi.storage.embedded.VersionCodec.META_REVISION;
import static io.kapi.storage.embedded.VersionCodec.encode;
import static io.kapi.storage.embedded.VersionCodec.versionKey;

/**
 * {@link Storage} on H2's MVStore, with etcd's semantics.
 *
 * <h2>Layout (MVCC by versioned entries)</h2>
 * <ul>
 *   <li>{@code versions}: {@code key + '\0' + hex16(revision)} &rarr; {@code [kind][createRevision][value]};
 *   every write adds one entry, a delete adds a tombstone. A read at revision R takes, per key, the
 *   newest entry at or below R, so a list at an older revision, and paging over one revision, need
 *   no undo work and no locks.</li>
 *   <li>{@code log}: revision &rarr; key, the order of changes, for watch replay and compaction.</li>
 *   <li>{@code meta}: the revision of the last write and the compacted revision.</li>
 * </ul>
 * Compaction at C removes, for every change at or below C, the older versions of its key, then the
 * change itself if it is a tombstone, then its log entry: the newest live version at or below C
 * survives, so reads above C and the previous value of every later event stay answerable. Older
 * versions go before a tombstone so that a concurrent reader never sees a deleted key come back.
 *
 * <h2>Durability and visibility</h2>
 * Writers apply their change to the maps under a short lock (the compare-and-swap checks see every
 * applied write, durable or not), then wait until their change is in the {@link WriteAheadLog} and
 * forced to disk. Log writes are grouped: the first waiting writer becomes the leader and logs
 * everything applied so far; writers arriving while it syncs are covered by the next leader.
 *
 * <p>MVStore is a checkpoint of the log: every {@link Options#checkpointIntervalMillis} (and at
 * close) the maps are committed and forced to disk. A commit takes the maps' state under the write
 * lock, so whole writes only (the store never commits on its own), and MVStore's serialization
 * thread writes it while writers go on. Opening applies the logged changes the recovered MVStore
 * lacks. MVStore alone is not trusted with the newest writes: under kill -9 its recovery was seen
 * coming back without its last commits, which the log then restores (see {@link WriteAheadLog}).
 *
 * <p>Readers and watchers see only the durable prefix: reads at "latest" use the last synced
 * revision, and events are published after the sync. A crash can therefore never take back
 * anything a client has seen.
 *
 * <p>Thread-safe. Reads take no lock and never wait for a sync.
 *
 * <p>This class opens the store (applying the log the file lacks), wires its parts and closes it; the
 * parts do the rest: {@code RevisionReader} the reads, {@code KeyWriter} the writes, {@code GroupCommit}
 * the log and the checkpoints, {@code Compactor} the compaction and {@code WatchHub} the watches.
 */
public final class EmbeddedStorage implements Storage, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedStorage.class.getName());

    /** kube's 3 MiB request limit plus room for the metadata the server adds. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 3 * 1024 * 1024 + 512 * 1024;
    /** The largest {@link Options#maxValueBytes}: a change must fit one write-ahead log record. */
    public static final int MAX_VALUE_BYTES_LIMIT = 512 * 1024 * 1024;
    /**
     * Default MVStore page cache. Reads are served from the watch cache above the store, so the page
     * cache serves only writes and the lists at start: with 64 MiB it held a second copy of every
     * object (58 MiB of heap at 100 000 small ConfigMaps, as much as their JSON), because MVStore
     * counts a page's heap at about a tenth of what it takes; 1 MiB kept about 10 MiB of heap there
     * and wrote as fast (docs/PERFORMANCE.md, memory).
     */
    public static final int DEFAULT_CACHE_SIZE_MIB = 1;
    /** The MVStore file inside the store directory. */
    public static final String FILE_NAME = "kapi.mv.db";

    /** Tunables; the defaults suit a kube-style API server. */
    public static final class Options {
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private int watchBufferEvents = 1000;
        private long progressIntervalMillis = 1000;
        private long autoCompactionIntervalMillis = 0;
        private int cacheSizeMiB = DEFAULT_CACHE_SIZE_MIB;
        private boolean syncWrites = true;
        private long checkpointIntervalMillis = 30_000;

        /** Largest accepted value; larger ones fail with TOO_LARGE. */
        public Options maxValueBytes(int bytes) {
            if (bytes > MAX_VALUE_BYTES_LIMIT) {
                throw new IllegalArgumentException("maxValueBytes must not exceed " + MAX_VALUE_BYTES_LIMIT + ": " + bytes);
            }
            this.maxValueBytes = positive(bytes, "maxValueBytes");
            return this;
        }

        /** Undelivered events a watcher may have before it is closed as too slow. */
        public Options watchBufferEvents(int events) {
            this.watchBufferEvents = positive(events, "watchBufferEvents");
            return this;
        }

        /** How often idle watchers get {@code onProgress}; 0 turns it off. */
        public Options progressIntervalMillis(long millis) {
            this.progressIntervalMillis = Math.max(0, millis);
            return this;
        }

        /**
         * Automatic compaction period, 0 for none. Each run compacts to the revision seen at the
         * previous run, as kube-apiserver's compactor does, so at least one period of history stays.
         */
        public Options autoCompactionIntervalMillis(long millis) {
            this.autoCompactionIntervalMillis = Math.max(0, millis);
            return this;
        }

        /**
         * How often the maps are committed to the MVStore file, so that the write-ahead log can be
         * trimmed; a longer interval means fewer, larger MVStore chunks and a longer log to apply
         * after a crash.
         */
        public Options checkpointIntervalMillis(long millis) {
            this.checkpointIntervalMillis = Math.max(1, millis);
            return this;
        }

        /** MVStore page cache, in MVStore's own accounting (the heap it takes is several times more). */
        public Options cacheSizeMiB(int mib) {
            this.cacheSizeMiB = positive(mib, "cacheSizeMiB");
            return this;
        }

        /**
         * Whether a commit is forced to disk before writes are acknowledged. Only benchmarks turn
         * this off: without it an acknowledged write can be lost on power failure (not on kill -9).
         */
        public Options syncWrites(boolean sync) {
            this.syncWrites = sync;
            return this;
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + v);
            }
            return v;
        }
    }

    private final Path directory;
    private final MVStore store;
    private final MVMap<String, byte[]> versions;
    private final MVMap<Long, String> log;
    private final MVMap<String, Long> meta;
    private final WriteAheadLog wal;
    private final StoreState state = new StoreState();
    private final RevisionReader reads;
    private final WatchHub hub;
    private final ScheduledExecutorService maintenance;
    private final GroupCommit commit;
    private final KeyWriter writes;
    private final Compactor compactor;

    private EmbeddedStorage(Path directory, Options options) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null,
                    "cannot create store directory " + directory, e);
        }
        this.store = new MVStore.Builder()
                // retry: reopens the file when a reading thread is interrupted, instead of leaving it closed
                .fileName("retry:" + directory.resolve(FILE_NAME))
                .autoCommitDisabled()
                // 0 also stops MVStore from committing by itself when its write buffer fills up,
                // which could persist half of a write.
                .autoCommitBufferSize(0)
                .cacheSize(options.cacheSizeMiB)
                // MVStore's own compaction could commit at any moment, half of a write included; the store
                // compacts the file itself, under its write lock (Compactor#compactFile)
                .autoCompactFillRate(0)
                .open();
        // A background writer gives MVStore its serialization threads, so that a checkpoint takes the maps'
        // state under the write lock and has it written while writers go on (see GroupCommit#commitRound).
        // With this delay it never commits by itself: the checkpoints come every checkpointIntervalMillis.
        this.store.setAutoCommitDelay(Integer.MAX_VALUE);
        WriteAheadLog opened = null;
        try {
            this.versions = store.openMap("versions", new MVMap.Builder<String, byte[]>()
                    .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            this.log = store.openMap("log", new MVMap.Builder<Long, String>()
                    .keyType(LongDataType.INSTANCE).valueType(StringDataType.INSTANCE));
            this.meta = store.openMap("meta", new MVMap.Builder<String, Long>()
                    .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
            Long lastLogged = log.lastKey();
            long recovered = Math.max(meta.getOrDefault(META_REVISION, 0L), lastLogged == null ? 0 : lastLogged);
            opened = openLog(directory, recovered);
            Long lastApplied = log.lastKey();
            long revision = Math.max(recovered, lastApplied == null ? 0 : lastApplied);
            // Checkpoint what the log restored, so the log can be trimmed from here on.
            meta.put(META_REVISION, revision);
            store.commit();
            store.sync();
            state.durable(revision);
            state.compacted(meta.getOrDefault(META_COMPACTED, 0L));
            // The parts are wired here, before the purge below needs the write lock; no thread starts
            // until the tasks are scheduled after recovery.
            this.reads = new RevisionReader(versions, log, state);
            AtomicInteger watchThreads = new AtomicInteger();
            ThreadPoolExecutor delivery = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemon(() -> "kapi-storage-watch-" + watchThreads.incrementAndGet()));
            this.hub = new WatchHub(reads, delivery, options.watchBufferEvents, revision);
            this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon(() -> "kapi-storage-maintenance"));
            this.commit = new GroupCommit(store, versions, log, meta, opened, hub, maintenance, state,
                    () -> options.syncWrites, revision);
            this.writes = new KeyWriter(reads, commit, state, () -> options.maxValueBytes);
            this.compactor = new Compactor(store, versions, log, meta, state, commit);
            // A crash during compaction leaves log entries at or below the compacted revision.
            compactor.purgeCompacted();
            opened.checkpointed(revision);
            this.wal = opened;
        } catch (RuntimeException | IOException e) {
            store.closeImmediately();
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException closing) {
                    // failing anyway, with the first error
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException(StorageException.Code.UNAVAILABLE, null,
                    "cannot recover the store in " + directory + ": " + e.getMessage(), e);
        }
        if (options.progressIntervalMillis > 0) {
            maintenance.scheduleWithFixedDelay(hub::progressTick, options.progressIntervalMillis,
                    options.progressIntervalMillis, TimeUnit.MILLISECONDS);
        }
        if (options.autoCompactionIntervalMillis > 0) {
            maintenance.scheduleWithFixedDelay(compactor::autoCompact, options.autoCompactionIntervalMillis,
                    options.autoCompactionIntervalMillis, TimeUnit.MILLISECONDS);
        }
        maintenance.scheduleWithFixedDelay(commit::checkpointQuietly, options.checkpointIntervalMillis,
                options.checkpointIntervalMillis, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(compactor::compactFile, Compactor.FILE_COMPACT_INTERVAL_MILLIS,
                Compactor.FILE_COMPACT_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the log, applying to the maps every logged change above {@code recovered} (what the
     * MVStore file came back with). The log must continue the file without a gap.
     */
    private WriteAheadLog openLog(Path directory, long recovered) throws IOException {
        long[] next = {recovered + 1};
        String[] gap = {null};
        long compactedInFile = meta.getOrDefault(META_COMPACTED, 0L);
        LoggedKeys inFile = new LoggedKeys(log);
        WriteAheadLog opened = WriteAheadLog.open(directory, e -> {
            if (gap[0] != null) {
                return;
            }
            if (e.revision() <= recovered) {
                // the file has this change already: it must be the same one
                String had = e.revision() > compactedInFile ? inFile.at(e.revision()) : null;
                if (had != null && !had.equals(e.key())) {
                    gap[0] = "the store file and its write-ahead log disagree at revision " + e.revision()
                            + " (" + had + " in the file, " + e.key() + " in the log)";
                }
                return;
            }
            if (e.revision() != next[0]) {
                gap[0] = "the store file ends at revision " + recovered + " and its write-ahead log continues at "
                        + e.revision() + ": revisions " + next[0] + " to " + (e.revision() - 1) + " are missing";
                return;
            }
            versions.put(versionKey(e.key(), e.revision()), encode(e.kind(), e.createRevision(), e.value()));
            log.put(e.revision(), e.key());
            next[0]++;
        });
        if (gap[0] != null) {
            opened.close();
            throw new WriteAheadLog.CorruptLogException(gap[0]);
        }
        return opened;
    }

    /** Opens (creating if needed) the store in {@code directory} with default options. */
    public static EmbeddedStorage open(Path directory) {
        return open(directory, new Options());
    }

    /** Opens (creating if needed) the store in {@code directory}; recovers from a crash by itself. */
    public static EmbeddedStorage open(Path directory, Options options) {
        return new EmbeddedStorage(directory, options);
    }

    public Path directory() {
        return directory;
    }

    /** How many times the store was forced to disk; with group commit this grows slower than writes. */
    public long syncCount() {
        return commit.syncCount();
    }

    /** Watches currently open. */
    public int watchCount() {
        return hub.watcherCount();
    }

    /** Watches that have caught up with history and now take live events (package-private: for tests). */
    int liveWatchCount() {
        return hub.liveCount();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long currentRevision() {
        state.checkOpen();
        return state.durable();
    }

    @Override
    public long compactedRevision() {
        state.checkOpen();
        return state.compacted();
    }

    @Override
    public KeyValue get(String key) {
        return reads.get(key);
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        return reads.list(prefix, revision, startAfter, limit);
    }

    @Override
    public long count(String prefix) {
        return reads.count(prefix);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public KeyValue create(String key, byte[] value) {
        return writes.create(key, value);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return writes.update(key, expectedModRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return writes.delete(key, expectedModRevision);
    }

    /**
     * Reads the newest applied state (durable or not) so that retries do not spin on a value a
     * pending commit is about to replace; whatever it returns is made durable before returning.
     */
    @Override
    public KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        return writes.guaranteedUpdate(key, update);
    }

    // ---------------------------------------------------------------- watch

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        checkPrefix(keyOrPrefix);
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        if (fromRevision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + fromRevision);
        }
        state.checkOpen();
        long from = fromRevision == 0 ? state.durable() : fromRevision;
        long c = state.compacted();
        // A watch from the compacted revision needs only the changes after it, which compaction keeps.
        if (fromRevision != 0 && fromRevision < c) {
            throw StorageException.compacted(c);
        }
        return hub.register(keyOrPrefix, from, listener);
    }

    // ---------------------------------------------------------------- compaction

    @Override
    public void compact(long revision) {
        compactor.compact(revision);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Makes pending writes durable, ends every watch with {@code onClose(null)} and closes the file. */
    @Override
    public void close() {
        if (!state.close()) {
            return;
        }
        long last = commit.closeWrites();
        if (state.failure() == null) {
            try {
                commit.awaitDurable(last);
            } catch (StorageException ignored) {
                // The failure closes the file below.
            }
        }
        // shutdown, not shutdownNow: an interrupt would close the files under a running checkpoint
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hub.close(null, 5000);
        try {
            if (state.failure() == null) {
                try {
                    commit.checkpoint();
                    store.close();
                    return;
                } catch (RuntimeException e) {
                    // fall through: the log keeps whatever the file lacks
                    LOG.log(Level.WARNING, "the last checkpoint at close failed; the write-ahead log keeps what the"
                            + " store file lacks, and the next open applies it", e);
                }
            }
            store.closeImmediately();
        } finally {
            try {
                wal.close();
            } catch (IOException e) {
                // nothing more to write
                LOG.log(Level.WARNING, "closing the write-ahead log failed", e);
            }
        }
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }
}
