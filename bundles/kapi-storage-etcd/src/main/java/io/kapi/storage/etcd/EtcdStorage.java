package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.WatchCreateRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Storage} on etcd v3, spoken to through etcd's gRPC API (KV Range, Txn, DeleteRange,
 * Compact and Watch), as kube-apiserver does.
 *
 * <p>etcd's revisions are the store's revisions, so resourceVersions are etcd's, exactly as with
 * kube-apiserver, and several instances (or a kube-apiserver) on one etcd agree on them. Writes
 * are single etcd transactions: create is {@code create_revision == 0 → put}, update
 * {@code mod_revision == expected → put}, a conditional delete {@code mod_revision == expected →
 * delete}; a failed transaction reads the key back to tell NOT_FOUND from CONFLICT.
 *
 * <p>Compaction follows kube-apiserver's compactor: the compacted revision is recorded in the key
 * {@code <prefix>compact_rev_key} (kube's own {@code compact_rev_key} with the default empty
 * prefix) by a compare-and-swap on its version, then etcd is compacted. That record is what
 * {@link #compactedRevision()} answers, what a restarted or second instance sees, and what makes
 * reads <em>at</em> the compacted revision fail as the contract requires (etcd itself still serves
 * that one revision). A watch from the compacted revision C starts etcd's watch at C + 1, which etcd
 * still has, so it works; only a watch from below C fails. The record is outside every {@code <prefix>/…} range, so no
 * list or watch sees it; recording costs one revision. Periodic compaction, kube's compactor proper,
 * is {@link EtcdCompactor}.
 *
 * <p>Each watch is a gRPC stream of its own on one endpoint's HTTP/2 connection (watches are spread
 * over the endpoints); fine for the handful of watches a watch cache opens, not meant for thousands
 * of direct watchers. A watch whose stream breaks reopens by itself on another endpoint from the
 * revision after the last one it delivered ({@link EtcdWatch}). With several endpoints, calls go
 * round robin over them and skip a member that stopped answering ({@link EtcdRpc}).
 */
public final class EtcdStorage implements Storage, AutoCloseable {

    private final EtcdConfig config;
    private final EtcdRpc rpc;
    private final EtcdKeys keys;
    private final EtcdCalls calls;
    private final EtcdCompaction compaction;
    private final EtcdReads reads;
    private final EtcdWrites writes;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Whether etcd answers progress requests in order with events; null until asked. */
    private volatile Boolean progressRequests;

    /**
     * Prepares the client; it does not contact etcd, so it can be created while etcd is down
     * (calls then fail with UNAVAILABLE until it is back).
     */
    public EtcdStorage(EtcdConfig config) {
        this.config = config;
        Tls.Material tls = config.caFile() != null || config.certFile() != null
                ? Tls.material(config.caFile(), config.certFile(), config.keyFile()) : null;
        this.rpc = new EtcdRpc(config.endpoints(), config.requestTimeout(), tls);
        this.keys = new EtcdKeys(config.prefix());
        this.calls = new EtcdCalls(this);
        this.compaction = new EtcdCompaction(calls, keys);
        this.reads = new EtcdReads(calls, keys, compaction);
        this.writes = new EtcdWrites(calls, keys, config.maxValueBytes());
    }

    public EtcdConfig config() {
        return config;
    }

    // ------------------------------------------------------------ revisions

    @Override
    public long currentRevision() {
        return compaction.readCompactRecord().headerRevision();
    }

    @Override
    public long compactedRevision() {
        return compaction.readCompactRecord().compacted();
    }

    /** The compacted revision last seen, without asking etcd. */
    long compactedRevisionCached() {
        return compaction.compactedRevisionCached();
    }

    // ------------------------------------------------------------ reads (EtcdReads)

    @Override
    public KeyValue get(String key) {
        return reads.get(key);
    }

    @Override
    public ListResult list(String keyPrefix, long revision, String startAfter, int limit) {
        return reads.list(keyPrefix, revision, startAfter, limit);
    }

    @Override
    public long count(String keyPrefix) {
        return reads.count(keyPrefix);
    }

    // ------------------------------------------------------------ writes (EtcdWrites)

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

    // ------------------------------------------------------------ compaction (EtcdCompaction)

    @Override
    public void compact(long revision) {
        compaction.compact(revision);
    }

    /**
     * What one round of kube-apiserver's compactor saw: the record's version after the round
     * ({@code won}: this caller's CAS bumped it), the header revision of the round, and the
     * revision etcd was compacted to in this round (0 for none); {@code compactionError} when the
     * CAS was won but etcd's compaction call failed.
     */
    record CompactorRound(long version, long revision, boolean won, long compactedTo,
                          StorageException compactionError) {
    }

    /** One round of kube-apiserver's compactor: {@link EtcdCompaction#compactorRound}. */
    CompactorRound compactorRound(long knownVersion, long lastRevision) {
        return compaction.compactorRound(knownVersion, lastRevision);
    }

    /** The version of {@code <prefix>compact_rev_key}, 0 when absent: one per won compaction round. */
    long compactRecordVersion() {
        return compaction.compactRecordVersion();
    }

    // ------------------------------------------------------------ watch

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        ensureOpen();
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must not be negative");
        }
        if (fromRevision > 0) {
            // from C needs revisions > C only: etcd's watch starts at C + 1, which compaction to C keeps
            compaction.checkNotCompacted(fromRevision + 1);
        }
        byte[] k = keys.fullBytes(keyOrPrefix);
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                .setKey(ByteString.copyFrom(k)).setPrevKv(true).setProgressNotify(true);
        if (keyOrPrefix.endsWith("/")) {
            create.setRangeEnd(ByteString.copyFrom(EtcdKeys.rangeEnd(k)));
        }
        if (fromRevision > 0) {
            create.setStartRevision(fromRevision + 1);
        }
        EtcdWatch w = new EtcdWatch(this, create.build(), fromRevision, listener);
        watches.add(w);
        try {
            w.start(config.requestTimeout());
        } catch (RuntimeException e) {
            watches.remove(w);
            throw e;
        }
        checkProgressRequests();
        return w;
    }

    EtcdRpc rpc() {
        return rpc;
    }

    /**
     * Whether every endpoint answers progress requests only once its watches have sent every event
     * up to the revision it reports. Older etcd answers at once with its newest revision, ahead of
     * events still on their way (etcd-io/etcd#15220), which would make a cache believe it is
     * current when it is not; kube-apiserver requests progress only from etcd 3.4.31+ within 3.4
     * and 3.5.13+ (k8s.io/apiserver's feature support checker), and so does this. Never blocks:
     * false until a watch has been opened and the versions could be read then.
     */
    boolean progressRequestsSupported() {
        return Boolean.TRUE.equals(progressRequests);
    }

    /**
     * Reads the endpoints' versions (after a watch was opened, so etcd is there): no as soon as one
     * member lacks the fix, yes once every member has answered with it; asked again with the next
     * watch while a member could not be asked (a dead member does not block anything meanwhile).
     */
    private void checkProgressRequests() {
        if (progressRequests == null) {
            try {
                progressRequests = progressRequestsDecision(rpc.versions());
            } catch (StorageException unreachable) {
                // asked again with the next watch
            }
        }
    }

    /** False when one version lacks the fix, true when every one (none null) has it, else null: ask again. */
    static Boolean progressRequestsDecision(List<String> versions) {
        if (versions.stream().anyMatch(v -> v != null && !answersProgressInOrder(v))) {
            return false;
        }
        return versions.stream().allMatch(v -> v != null) ? Boolean.TRUE : null;
    }

    /** For tests on an etcd without the fix: sends progress requests anyway. */
    void forceProgressRequests() {
        progressRequests = true;
    }

    /** etcd releases with the fix of etcd-io/etcd#15220: 3.4.31+ within 3.4, 3.5.13+, and later minors. */
    static boolean answersProgressInOrder(String version) {
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            int patch = Integer.parseInt(parts[2]);
            if (major != 3) {
                return major > 3;
            }
            return minor == 4 ? patch >= 31 : minor == 5 ? patch >= 13 : minor > 5;
        } catch (RuntimeException unparsable) {
            return false;
        }
    }

    void forget(EtcdWatch w) {
        watches.remove(w);
    }

    /** The key as the contract knows it: etcd's key without the configured prefix. */
    String strip(ByteString etcdKey) {
        return keys.strip(etcdKey);
    }

    // ------------------------------------------------------------ lifecycle

    /** Ends every watch (their listeners get {@code onClose(null)}) and closes the gRPC channels. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EtcdWatch w : new ArrayList<>(watches)) {
            w.close();
        }
        rpc.close();
    }

    void ensureOpen() {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd storage is closed");
        }
    }

    // ------------------------------------------------------------ etcd plumbing

    EtcdCompaction compaction() {
        return compaction;
    }

    /** One KV call's refusal as the contract's exception: {@link EtcdCalls#translate}. */
    StorageException translate(EtcdRpc.EtcdError e, String key) {
        return calls.translate(e, key);
    }

}
