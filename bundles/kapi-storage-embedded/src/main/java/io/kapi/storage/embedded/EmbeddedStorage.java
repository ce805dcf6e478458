package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

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
 */
public final class EmbeddedStorage implements Storage, AutoCloseable {

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

    private static final char SEP = '\0';
    private static final byte PUT = 0;
    private static final byte DELETE = 1;
    private static final int HEADER = 9;
    private static final String META_REVISION = "revision";
    private static final String META_COMPACTED = "compacted";
    private static final int COMPACT_BATCH = 512;
    private static final long FILE_COMPACT_INTERVAL_MILLIS = 60_000;
    /** A checkpoint that holds writes back this long (it takes the maps' state under the write lock) is logged. */
    private static final long SLOW_CHECKPOINT_MILLIS = 1000;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EmbeddedStorage.class.getName());
    /** Log bytes after which a checkpoint is taken before its interval is up. */
    private static final long CHECKPOINT_LOG_BYTES = 64L * 1024 * 1024;

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
    private final Options options;
    private final MVStore store;
    private final MVMap<String, byte[]> versions;
    private final MVMap<Long, String> log;
    private final MVMap<String, Long> meta;
    private final WriteAheadLog wal;
    private final Object checkpointLock = new Object();
    private volatile long lastCheckpoint;
    private final java.util.concurrent.atomic.AtomicBoolean checkpointQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final WatchHub hub;
    private final ScheduledExecutorService maintenance;

    private final ReentrantLock writeLock = new ReentrantLock();
    private long lastAssigned; // guarded by writeLock
    private ArrayList<WatchEvent> pending = new ArrayList<>(); // guarded by writeLock
    private boolean writesClosed; // guarded by writeLock

    private final Object commitMonitor = new Object();
    private boolean committing; // guarded by commitMonitor

    private volatile long durable;
    private volatile long compacted;
    private volatile Throwable failure;
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private final LongAdder syncs = new LongAdder();
    /** How many keys followed the pages of lists paged at a fixed revision, for their next pages. */
    private final PagesRemaining pagesRemaining = new PagesRemaining();
    private long lastAutoCompactionMark; // maintenance thread only

    private EmbeddedStorage(Path directory, Options options) {
        this.directory = directory;
        this.options = options;
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
                // compacts the file itself, under its write lock (compactFile)
                .autoCompactFillRate(0)
                .open();
        // A background writer gives MVStore its serialization threads, so that a checkpoint takes the maps'
        // state under the write lock and has it written while writers go on (see commitRound). With this
        // delay it never commits by itself: the checkpoints come every checkpointIntervalMillis.
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
            this.lastCheckpoint = revision;
            this.lastAssigned = revision;
            this.durable = revision;
            this.compacted = meta.getOrDefault(META_COMPACTED, 0L);
            // A crash during compaction leaves log entries at or below the compacted revision.
            purgeCompacted();
            opened.checkpointed(revision);
            this.wal = opened;
        } catch (RuntimeException | IOException e) {
            store.closeImmediately();
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException(StorageException.Code.UNAVAILABLE, null,
                    "cannot recover the store in " + directory + ": " + e.getMessage(), e);
        }
        AtomicInteger watchThreads = new AtomicInteger();
        ThreadPoolExecutor delivery = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon(() -> "kapi-storage-watch-" + watchThreads.incrementAndGet()));
        this.hub = new WatchHub(new History(), delivery, options.watchBufferEvents, durable);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon(() -> "kapi-storage-maintenance"));
        if (options.progressIntervalMillis > 0) {
            maintenance.scheduleWithFixedDelay(hub::progressTick, options.progressIntervalMillis,
                    options.progressIntervalMillis, TimeUnit.MILLISECONDS);
        }
        if (options.autoCompactionIntervalMillis > 0) {
            lastAutoCompactionMark = durable;
            maintenance.scheduleWithFixedDelay(this::autoCompact, options.autoCompactionIntervalMillis,
                    options.autoCompactionIntervalMillis, TimeUnit.MILLISECONDS);
        }
        maintenance.scheduleWithFixedDelay(this::checkpointQuietly, options.checkpointIntervalMillis,
                options.checkpointIntervalMillis, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::compactFile, FILE_COMPACT_INTERVAL_MILLIS,
                FILE_COMPACT_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the log, applying to the maps every logged change above {@code recovered} (what the
     * MVStore file came back with). The log must continue the file without a gap.
     */
    private WriteAheadLog openLog(Path directory, long recovered) throws IOException {
        long[] next = {recovered + 1};
        String[] gap = {null};
        long compactedInFile = meta.getOrDefault(META_COMPACTED, 0L);
        WriteAheadLog opened = WriteAheadLog.open(directory, e -> {
            if (gap[0] != null) {
                return;
            }
            if (e.revision() <= recovered) {
                // the file has this change already: it must be the same one
                String had = e.revision() > compactedInFile ? log.get(e.revision()) : null;
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
        return syncs.sum();
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
        checkOpen();
        return durable;
    }

    @Override
    public long compactedRevision() {
        checkOpen();
        return compacted;
    }

    @Override
    public KeyValue get(String key) {
        checkKey(key);
        checkOpen();
        try {
            return toKeyValue(key, newestAtOrBelow(key, durable));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        checkPrefix(prefix);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        checkOpen();
        long rev = readRevision(revision);
        List<KeyValue> items = new ArrayList<>();
        long[] remaining = new long[1];
        // the next page of a list paged at rev: how many keys follow is known from the page before
        Long known = limit > 0 && startAfter != null ? pagesRemaining.after(prefix, rev, startAfter) : null;
        try {
            scan(prefix, rev, startAfter, (key, modRevision, entry) -> {
                if (limit == 0 || items.size() < limit) {
                    items.add(toKeyValue(key, modRevision, entry));
                    return known == null || items.size() < limit;
                }
                remaining[0]++;
                return true;
            });
        } catch (RuntimeException e) {
            throw translate(e);
        }
        checkNotCompactedAfterRead(revision, rev);
        if (known != null) {
            remaining[0] = known - items.size();
        }
        if (limit > 0 && remaining[0] > 0) {
            pagesRemaining.put(prefix, rev, items.get(items.size() - 1).key(), remaining[0]);
        }
        return new ListResult(List.copyOf(items), rev, remaining[0] > 0, remaining[0]);
    }

    @Override
    public long count(String prefix) {
        checkPrefix(prefix);
        checkOpen();
        long[] n = new long[1];
        try {
            scan(prefix, durable, null, (key, modRevision, entry) -> {
                n[0]++;
                return true;
            });
        } catch (RuntimeException e) {
            throw translate(e);
        }
        return n[0];
    }

    private interface Visitor {
        /** A live key; false ends the scan. */
        boolean live(String key, long modRevision, byte[] entry);
    }

    /** Visits the live keys under {@code prefix} (or the one key) at {@code rev}, in key order. */
    private void scan(String prefix, long rev, String startAfter, Visitor visitor) {
        String range = prefix.endsWith("/") ? prefix : prefix + SEP;
        String from = range;
        if (startAfter != null) {
            // Every versioned key of startAfter sorts below startAfter + '\1'; every later key above.
            String after = startAfter + '\u0001';
            if (after.compareTo(from) > 0) {
                from = after;
            }
        }
        Cursor<String, byte[]> c = versions.cursor(from);
        String current = null;
        long bestRevision = 0;
        byte[] best = null;
        while (c.hasNext()) {
            String vk = c.next();
            if (!vk.startsWith(range)) {
                break;
            }
            int keyLength = vk.length() - 17;
            if (current == null || current.length() != keyLength || !vk.startsWith(current)) {
                if (best != null && best[0] == PUT && !visitor.live(current, bestRevision, best)) {
                    return;
                }
                current = vk.substring(0, keyLength);
                best = null;
            }
            long r = parseRevision(vk);
            if (r <= rev) {
                bestRevision = r;
                best = c.getValue();
            }
        }
        if (best != null && best[0] == PUT) {
            visitor.live(current, bestRevision, best);
        }
    }

    private long readRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + revision);
        }
        long current = durable;
        if (revision == 0) {
            return current;
        }
        if (revision > current) {
            throw new StorageException(StorageException.Code.FUTURE_REVISION, null, current,
                    "Too large resource version: " + revision + ", current: " + current);
        }
        long c = compacted;
        if (revision <= c) {
            throw StorageException.compacted(c);
        }
        return revision;
    }

    /** Compaction may have started while an explicit old revision was being read. */
    private void checkNotCompactedAfterRead(long requested, long rev) {
        long c = compacted;
        if (requested != 0 && rev <= c) {
            throw StorageException.compacted(c);
        }
    }

    /** Newest version of {@code key} at or below {@code rev} (maybe a tombstone), or null. */
    private Version newestAtOrBelow(String key, long rev) {
        Cursor<String, byte[]> c = versions.cursor(versionKey(key, rev), key + SEP, true);
        if (!c.hasNext()) {
            return null;
        }
        String vk = c.next();
        return new Version(parseRevision(vk), c.getValue());
    }

    // ---------------------------------------------------------------- writes

    @Override
    public KeyValue create(String key, byte[] value) {
        checkKey(key);
        checkValue(key, value);
        byte[] copy = value.clone();
        long rev;
        writeLock.lock();
        try {
            checkWritable();
            Version cur = newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur != null && cur.live()) {
                throw StorageException.exists(key);
            }
            rev = apply(key, PUT, copy, 0, null);
        } finally {
            writeLock.unlock();
        }
        awaitDurable(rev);
        return new KeyValue(key, value, rev, rev);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        checkKey(key);
        checkValue(key, value);
        byte[] copy = value.clone();
        long rev;
        long createRevision;
        writeLock.lock();
        try {
            checkWritable();
            Version cur = newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur == null || !cur.live()) {
                throw StorageException.notFound(key);
            }
            if (cur.modRevision != expectedModRevision) {
                throw StorageException.conflict(key, cur.modRevision);
            }
            createRevision = cur.createRevision();
            rev = apply(key, PUT, copy, createRevision, cur.value());
        } finally {
            writeLock.unlock();
        }
        awaitDurable(rev);
        return new KeyValue(key, value, createRevision, rev);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        checkKey(key);
        long rev;
        Version cur;
        writeLock.lock();
        try {
            checkWritable();
            cur = newestAtOrBelow(key, Long.MAX_VALUE);
            if (cur == null || !cur.live()) {
                throw StorageException.notFound(key);
            }
            if (expectedModRevision != 0 && cur.modRevision != expectedModRevision) {
                throw StorageException.conflict(key, cur.modRevision);
            }
            rev = apply(key, DELETE, null, cur.createRevision(), cur.value());
        } finally {
            writeLock.unlock();
        }
        awaitDurable(rev);
        return new KeyValue(key, cur.value(), cur.createRevision(), rev);
    }

    /**
     * Reads the newest applied state (durable or not) so that retries do not spin on a value a
     * pending commit is about to replace; whatever it returns is made durable before returning.
     */
    @Override
    public KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        checkKey(key);
        while (true) {
            checkOpen();
            Version v;
            try {
                v = newestAtOrBelow(key, Long.MAX_VALUE);
            } catch (RuntimeException e) {
                throw translate(e);
            }
            if (v == null || !v.live()) {
                if (v != null) {
                    awaitDurable(v.modRevision);
                }
                throw StorageException.notFound(key);
            }
            awaitDurable(v.modRevision);
            KeyValue current = toKeyValue(key, v);
            KeyValue next = update.apply(current);
            if (next == null || next == current || next.value() == current.value()) {
                return current;
            }
            try {
                return update(key, current.modRevision(), next.value());
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw e;
                }
            }
        }
    }

    /** Writes one change; caller holds writeLock. Any failure here leaves the store unusable. */
    private long apply(String key, byte kind, byte[] value, long createRevision, byte[] prevValue) {
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

    // ---------------------------------------------------------------- group commit

    /** Returns once {@code rev} is on disk; leads a commit when nobody else is. */
    private void awaitDurable(long rev) {
        while (true) {
            synchronized (commitMonitor) {
                awaitLeaderLocked(() -> durable < rev);
                if (durable >= rev) {
                    return;
                }
                if (failure != null) {
                    throw unavailable("storage failed, write outcome unknown", failure);
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
    private void awaitLeaderLocked(java.util.function.BooleanSupplier needed) {
        boolean interrupted = false;
        while (committing && failure == null && needed.getAsBoolean()) {
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
        durable = target;
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
        if (options.syncWrites) {
            wal.sync();
        }
        syncs.increment();
    }

    /**
     * Logs what is applied and commits the maps to the MVStore file, then lets the log drop what the
     * checkpoint before this one covered. Takes the commit leader's role, so no batch is between being
     * taken and being logged while the file is committed.
     */
    private void checkpoint() {
        synchronized (checkpointLock) {
            synchronized (commitMonitor) {
                awaitLeaderLocked(() -> true);
                if (failure != null) {
                    return;
                }
                committing = true;
            }
            commitRound(true);
        }
    }

    private void checkpointQuietly() {
        checkpointQueued.set(false);
        try {
            checkpoint();
        } catch (StorageException e) {
            // the store has failed (commitRound said why); the log still holds every acknowledged write
        }
    }

    /** Makes everything applied so far durable, including compaction's bookkeeping. */
    private void flush() {
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
        if (failure == null) {
            failure = t;
            Thread closer = new Thread(() -> hub.close(unavailable("storage failed", t), 2000),
                    "kapi-storage-fail");
            closer.setDaemon(true);
            closer.start();
        }
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
        checkOpen();
        long from = fromRevision == 0 ? durable : fromRevision;
        long c = compacted;
        // A watch from the compacted revision needs only the changes after it, which compaction keeps.
        if (fromRevision != 0 && fromRevision < c) {
            throw StorageException.compacted(c);
        }
        return hub.register(keyOrPrefix, from, listener);
    }

    private final class History implements WatchHub.History {
        @Override
        public long visibleRevision() {
            return durable;
        }

        @Override
        public long compactedRevision() {
            return compacted;
        }

        @Override
        public void replay(String keyOrPrefix, long after, long upTo, Consumer<WatchEvent> sink) {
            boolean prefix = keyOrPrefix.endsWith("/");
            Cursor<Long, String> c = log.cursor(after + 1, upTo, false);
            while (c.hasNext()) {
                long rev = c.next();
                String key = c.getValue();
                if (prefix ? key.startsWith(keyOrPrefix) : key.equals(keyOrPrefix)) {
                    WatchEvent e = eventAt(key, rev);
                    if (e != null) {
                        sink.accept(e);
                    }
                }
            }
        }
    }

    /** Rebuilds the change at {@code rev} from the versions; null when compaction removed it. */
    private WatchEvent eventAt(String key, long rev) {
        byte[] entry = versions.get(versionKey(key, rev));
        if (entry == null) {
            return null;
        }
        Version prev = newestAtOrBelow(key, rev - 1);
        byte[] prevValue = prev != null && prev.live() ? prev.value() : null;
        if (entry[0] == PUT) {
            return new WatchEvent(WatchEvent.Type.PUT, key, valueOf(entry), prevValue, rev, readLong(entry, 1));
        }
        return new WatchEvent(WatchEvent.Type.DELETE, key, null, prevValue, rev, readLong(entry, 1));
    }

    // ---------------------------------------------------------------- compaction

    @Override
    public void compact(long revision) {
        checkOpen();
        if (revision <= compacted) {
            return;
        }
        writeLock.lock();
        try {
            checkWritable();
            long current = durable;
            if (revision > current) {
                throw new StorageException(StorageException.Code.FUTURE_REVISION, null, current,
                        "cannot compact at " + revision + ", current revision is " + current);
            }
            if (revision <= compacted) {
                return;
            }
            // Published before anything is removed: readers check it after reading.
            meta.put(META_COMPACTED, revision);
            compacted = revision;
        } finally {
            writeLock.unlock();
        }
        try {
            purgeCompacted();
        } catch (RuntimeException e) {
            throw translate(e);
        }
        flush();
    }

    /** Removes what compaction made unreachable, in batches so writers are held up only briefly. */
    private void purgeCompacted() {
        while (true) {
            writeLock.lock();
            try {
                if (closed && writesClosed) {
                    return;
                }
                long upTo = compacted;
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

    private void autoCompact() {
        try {
            long current = durable;
            long mark = lastAutoCompactionMark;
            lastAutoCompactionMark = current;
            // Never up to the current revision itself: reads at the compacted revision fail, and a
            // list paged at the current revision (the watch cache's and the controllers' initial
            // lists) would then fail on its second page after an idle period, at every restart.
            // Kube's compactor never gets there either: recording its compaction costs a revision.
            long target = Math.min(mark, current - 1);
            if (target > compacted) {
                compact(target);
            }
        } catch (RuntimeException e) {
            // Retried next period; a closed or failed store stops the scheduler anyway.
        }
    }

    /**
     * Rewrites sparse chunks so the file does not keep growing; never runs amid a half-applied write, nor while a
     * checkpoint's pages are being written (it would wait for them under the write lock).
     */
    private void compactFile() {
        synchronized (checkpointLock) {
            writeLock.lock();
            try {
                if (!writesClosed && failure == null) {
                    store.compact(50, 4 * 1024 * 1024);
                }
            } catch (RuntimeException e) {
                // Space reclamation only; the data is untouched.
            } finally {
                writeLock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Makes pending writes durable, ends every watch with {@code onClose(null)} and closes the file. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long last;
        writeLock.lock();
        try {
            writesClosed = true;
            last = lastAssigned;
        } finally {
            writeLock.unlock();
        }
        if (failure == null) {
            try {
                awaitDurable(last);
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
            if (failure == null) {
                try {
                    checkpoint();
                    store.close();
                    return;
                } catch (RuntimeException e) {
                    // fall through: the log keeps whatever the file lacks
                }
            }
            store.closeImmediately();
        } finally {
            try {
                wal.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void checkOpen() {
        if (closed) {
            throw unavailable("storage is closed", null);
        }
        if (failure != null) {
            throw unavailable("storage failed", failure);
        }
    }

    private void checkWritable() {
        if (writesClosed || closed) {
            throw unavailable("storage is closed", null);
        }
        if (failure != null) {
            throw unavailable("storage failed", failure);
        }
    }

    private StorageException translate(RuntimeException e) {
        if (e instanceof StorageException) {
            return (StorageException) e;
        }
        if (closed || failure != null) {
            return unavailable("storage is closed", e);
        }
        return new StorageException(StorageException.Code.INTERNAL, null, "storage error: " + e, e);
    }

    private static StorageException unavailable(String message, Throwable cause) {
        return new StorageException(StorageException.Code.UNAVAILABLE, null, message, cause);
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.endsWith("/") || key.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("invalid key: " + key);
        }
    }

    private static void checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("invalid key or prefix: " + prefix);
        }
    }

    private void checkValue(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value is null");
        }
        if (value.length > options.maxValueBytes) {
            throw new StorageException(StorageException.Code.TOO_LARGE, key, 0,
                    "value of " + value.length + " bytes exceeds the limit of " + options.maxValueBytes + " bytes");
        }
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String versionKey(String key, long revision) {
        char[] out = new char[key.length() + 17];
        key.getChars(0, key.length(), out, 0);
        int p = key.length();
        out[p++] = SEP;
        for (int shift = 60; shift >= 0; shift -= 4) {
            out[p++] = HEX[(int) (revision >>> shift) & 0xf];
        }
        return new String(out);
    }

    static long parseRevision(String versionKey) {
        long r = 0;
        for (int i = versionKey.length() - 16; i < versionKey.length(); i++) {
            char ch = versionKey.charAt(i);
            r = (r << 4) | (ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
        return r;
    }

    private static byte[] encode(byte kind, long createRevision, byte[] value) {
        int n = value == null ? 0 : value.length;
        byte[] out = new byte[HEADER + n];
        out[0] = kind;
        for (int i = 0; i < 8; i++) {
            out[1 + i] = (byte) (createRevision >>> (56 - 8 * i));
        }
        if (n > 0) {
            System.arraycopy(value, 0, out, HEADER, n);
        }
        return out;
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static byte[] valueOf(byte[] entry) {
        return Arrays.copyOfRange(entry, HEADER, entry.length);
    }

    private static KeyValue toKeyValue(String key, long modRevision, byte[] entry) {
        return new KeyValue(key, valueOf(entry), readLong(entry, 1), modRevision);
    }

    private static KeyValue toKeyValue(String key, Version v) {
        return v == null || !v.live() ? null : toKeyValue(key, v.modRevision, v.entry);
    }

    private static final class Version {
        final long modRevision;
        final byte[] entry;

        Version(long modRevision, byte[] entry) {
            this.modRevision = modRevision;
            this.entry = entry;
        }

        boolean live() {
            return entry[0] == PUT;
        }

        long createRevision() {
            return readLong(entry, 1);
        }

        byte[] value() {
            return valueOf(entry);
        }
    }
}
