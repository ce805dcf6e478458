package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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

    static final String COMPACT_REV_KEY = "compact_rev_key";

    private final EtcdConfig config;
    private final EtcdRpc rpc;
    private final byte[] prefix;
    private final ByteString compactKey;
    /** The highest compacted revision seen; only grows. */
    private final AtomicLong compacted = new AtomicLong();
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
        this.prefix = config.prefix().getBytes(StandardCharsets.UTF_8);
        this.compactKey = ByteString.copyFrom(concat(prefix, COMPACT_REV_KEY.getBytes(StandardCharsets.UTF_8)));
    }

    public EtcdConfig config() {
        return config;
    }

    // ------------------------------------------------------------ revisions

    @Override
    public long currentRevision() {
        return readCompactRecord().headerRevision;
    }

    @Override
    public long compactedRevision() {
        return readCompactRecord().compacted;
    }

    /** The compacted revision last seen, without asking etcd. */
    long compactedRevisionCached() {
        return compacted.get();
    }

    private record CompactRecord(long headerRevision, long compacted, long version) {
    }

    private CompactRecord readCompactRecord() {
        RangeResponse r = call("Range", true, null, kv -> kv.range(RangeRequest.newBuilder().setKey(compactKey).build()));
        return compactRecord(r, r.getHeader().getRevision());
    }

    private CompactRecord compactRecord(RangeResponse r, long rev) {
        long value = 0;
        long version = 0;
        if (r.getKvsCount() > 0) {
            version = r.getKvs(0).getVersion();
            String text = r.getKvs(0).getValue().toStringUtf8().trim();
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new StorageException(StorageException.Code.INTERNAL, COMPACT_REV_KEY, 0,
                        "unreadable compaction record '" + text + "'");
            }
        }
        long known = compacted.accumulateAndGet(value, Math::max);
        return new CompactRecord(rev, known, version);
    }

    // ------------------------------------------------------------ reads

    @Override
    public KeyValue get(String key) {
        RangeResponse r = call("Range", true, key, kv -> kv.range(RangeRequest.newBuilder().setKey(full(key)).build()));
        return r.getKvsCount() == 0 ? null : keyValue(r.getKvs(0));
    }

    @Override
    public ListResult list(String keyPrefix, long revision, String startAfter, int limit) {
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("revision and limit must not be negative");
        }
        byte[] p = fullBytes(keyPrefix);
        byte[] from = startAfter == null ? p : concat(fullBytes(startAfter), new byte[] {0});
        RangeRequest.Builder req = RangeRequest.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(from))
                .setRangeEnd(UnsafeByteOperations.unsafeWrap(rangeEnd(p)))
                .setRevision(revision)
                .setLimit(limit);
        RangeResponse r;
        if (revision == 0) {
            r = call("Range", true, keyPrefix, kv -> kv.range(req.build()));
        } else {
            // A page at a given revision must also be checked against the compaction record (etcd
            // still serves the compacted revision itself): one read-only transaction does both.
            TxnResponse txn = call("Txn", true, keyPrefix, kv -> kv.txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(compactKey)))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(req))
                    .build()));
            long c = compactRecord(txn.getResponses(0).getResponseRange(), 0).compacted;
            if (revision <= c) {
                throw StorageException.compacted(c);
            }
            r = txn.getResponses(1).getResponseRange();
        }
        List<KeyValue> items = new ArrayList<>(r.getKvsCount());
        for (io.etcd.jetcd.api.KeyValue kv : r.getKvsList()) {
            items.add(keyValue(kv));
        }
        boolean more = r.getMore();
        // etcd's count is every key in [key, range_end) at that revision, regardless of limit.
        long remaining = more ? Math.max(0, r.getCount() - items.size()) : 0;
        // etcd's header carries the newest revision; the page was read at the requested one.
        long at = revision > 0 ? revision : r.getHeader().getRevision();
        return new ListResult(List.copyOf(items), at, more, remaining);
    }

    @Override
    public long count(String keyPrefix) {
        byte[] p = fullBytes(keyPrefix);
        RangeResponse r = call("Range", true, keyPrefix, kv -> kv.range(RangeRequest.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(p))
                .setRangeEnd(UnsafeByteOperations.unsafeWrap(rangeEnd(p)))
                .setCountOnly(true).build()));
        return r.getCount();
    }

    private void checkNotCompacted(long revision) {
        long c = compacted.get();
        if (revision > c) {
            // The cached value may be stale when another instance compacted; read the record.
            c = readCompactRecord().compacted;
        }
        if (revision <= c) {
            throw StorageException.compacted(c);
        }
    }

    // ------------------------------------------------------------ writes

    @Override
    public KeyValue create(String key, byte[] value) {
        checkSize(key, value);
        ByteString k = full(key);
        byte[] stored = value.clone();
        TxnResponse r = call("Txn", false, key, kv -> kv.txn(TxnRequest.newBuilder()
                .addCompare(compare(k, Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(k).setValue(UnsafeByteOperations.unsafeWrap(stored))))
                .build()));
        if (!r.getSucceeded()) {
            throw StorageException.exists(key);
        }
        long rev = r.getHeader().getRevision();
        return new KeyValue(key, stored, rev, rev);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        checkSize(key, value);
        ByteString k = full(key);
        byte[] stored = value.clone();
        TxnResponse r = call("Txn", false, key, kv -> kv.txn(guarded(k, expectedModRevision)
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(k).setValue(UnsafeByteOperations.unsafeWrap(stored)).setPrevKv(true)))
                .build()));
        ResponseOp response = firstResponse(r);
        if (!r.getSucceeded()) {
            throw notFoundOrConflict(key, response.getResponseRange());
        }
        long rev = r.getHeader().getRevision();
        return new KeyValue(key, stored, response.getResponsePut().getPrevKv().getCreateRevision(), rev);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        ByteString k = full(key);
        DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(k).setPrevKv(true).build();
        DeleteRangeResponse deleted;
        long rev;
        if (expectedModRevision == 0) {
            deleted = call("DeleteRange", false, key, kv -> kv.deleteRange(request));
            rev = deleted.getHeader().getRevision();
        } else {
            TxnResponse r = call("Txn", false, key, kv -> kv.txn(guarded(k, expectedModRevision)
                    .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(request))
                    .build()));
            ResponseOp response = firstResponse(r);
            if (!r.getSucceeded()) {
                throw notFoundOrConflict(key, response.getResponseRange());
            }
            deleted = response.getResponseDeleteRange();
            rev = r.getHeader().getRevision();
        }
        if (deleted.getDeleted() == 0 || deleted.getPrevKvsCount() == 0) {
            throw StorageException.notFound(key);
        }
        io.etcd.jetcd.api.KeyValue p = deleted.getPrevKvs(0);
        return new KeyValue(key, p.getValue().toByteArray(), p.getCreateRevision(), rev);
    }

    /**
     * A transaction on {@code k} that succeeds only while its mod_revision is {@code expected}, and
     * otherwise reads the key back, to tell NOT_FOUND from CONFLICT.
     */
    private static TxnRequest.Builder guarded(ByteString k, long expected) {
        return TxnRequest.newBuilder()
                .addCompare(compare(k, Compare.CompareTarget.MOD, Compare.CompareResult.EQUAL).setModRevision(expected))
                // an absent key has mod_revision 0: without this an update "expecting 0" would create it
                .addCompare(compare(k, Compare.CompareTarget.CREATE, Compare.CompareResult.GREATER).setCreateRevision(0))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)));
    }

    private static StorageException notFoundOrConflict(String key, RangeResponse range) {
        if (range.getKvsCount() == 0) {
            return StorageException.notFound(key);
        }
        return StorageException.conflict(key, range.getKvs(0).getModRevision());
    }

    private void checkSize(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (value.length > config.maxValueBytes()) {
            throw new StorageException(StorageException.Code.TOO_LARGE, key, 0, "value of " + value.length
                    + " bytes exceeds the limit of " + config.maxValueBytes() + " bytes");
        }
    }

    // ------------------------------------------------------------ compaction

    @Override
    public void compact(long revision) {
        while (true) {
            CompactRecord record = readCompactRecord();
            if (revision > record.headerRevision) {
                throw new StorageException(StorageException.Code.FUTURE_REVISION, null, record.headerRevision,
                        "cannot compact at " + revision + ", the newest revision is " + record.headerRevision);
            }
            if (revision <= record.compacted) {
                return;
            }
            // kube's compactor: a CAS on the record's version, so concurrent compactors (other Kapi
            // instances) serialize and the record never goes backwards.
            TxnResponse r = call("Txn", false, null, kv -> kv.txn(recordCas(record.version, revision).build()));
            if (r.getSucceeded()) {
                break;
            }
        }
        compacted.accumulateAndGet(revision, Math::max);
        try {
            // physical: answer only once etcd has really dropped the history, so callers can rely on it
            call("Compact", false, null, kv -> kv.compact(
                    CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build()));
        } catch (StorageException e) {
            // Someone (another instance, etcd's auto-compaction) already compacted further: fine.
            if (e.code() != StorageException.Code.COMPACTED) {
                throw e;
            }
        }
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

    /**
     * One round of kube-apiserver's compactor ({@code k8s.io/apiserver/pkg/storage/etcd3/compact.go}),
     * in one transaction: {@code if Version(compact_rev_key) == knownVersion then
     * Put(compact_rev_key, lastRevision) else Get(compact_rev_key)}. Only the winner of that CAS
     * compacts etcd, to {@code lastRevision} (the revision it saw one round earlier, so at least
     * one interval of history stays), and not at all when that is 0 (the first round). Losers
     * learn the current version from the answer and may win the next round.
     *
     * <p>A failure of the transaction throws, with nothing changed. A failure of the compaction
     * after a won CAS is returned in {@link CompactorRound#compactionError()}: the record (and so
     * {@link #compactedRevision()}) already says {@code lastRevision} and the round counts, as with
     * kube; the next winner's compaction covers that revision.
     */
    CompactorRound compactorRound(long knownVersion, long lastRevision) {
        TxnResponse r = call("Txn", false, null, kv -> kv.txn(recordCas(knownVersion, lastRevision)
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(compactKey)))
                .build()));
        long revision = r.getHeader().getRevision();
        if (!r.getSucceeded()) {
            // kube reads Kvs[0].Version; a deleted record (version 0) is simply recreated next round
            CompactRecord record = compactRecord(firstResponse(r).getResponseRange(), revision);
            return new CompactorRound(record.version, revision, false, 0, null);
        }
        compacted.accumulateAndGet(lastRevision, Math::max);
        if (lastRevision == 0) {
            return new CompactorRound(knownVersion + 1, revision, true, 0, null);
        }
        try {
            // not physical, as kube's compactor: etcd answers once the compaction is applied
            call("Compact", false, null, kv -> kv.compact(CompactionRequest.newBuilder().setRevision(lastRevision).build()));
        } catch (StorageException e) {
            // etcd already compacted further (its own auto-compaction, a manual compaction): fine.
            if (e.code() != StorageException.Code.COMPACTED) {
                return new CompactorRound(knownVersion + 1, revision, true, 0, e);
            }
        }
        return new CompactorRound(knownVersion + 1, revision, true, lastRevision, null);
    }

    /** {@code if Version(compact_rev_key) == version then Put(compact_rev_key, revision)}. */
    private TxnRequest.Builder recordCas(long version, long revision) {
        return TxnRequest.newBuilder()
                .addCompare(compare(compactKey, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL)
                        .setVersion(version))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(compactKey).setValue(ByteString.copyFromUtf8(Long.toString(revision)))));
    }

    /** The version of {@code <prefix>compact_rev_key}, 0 when absent: one per won compaction round. */
    long compactRecordVersion() {
        return readCompactRecord().version;
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
            checkNotCompacted(fromRevision + 1);
        }
        byte[] k = fullBytes(keyOrPrefix);
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                .setKey(ByteString.copyFrom(k)).setPrevKv(true).setProgressNotify(true);
        if (keyOrPrefix.endsWith("/")) {
            create.setRangeEnd(ByteString.copyFrom(rangeEnd(k)));
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
        int from = etcdKey.size() >= prefix.length
                && etcdKey.substring(0, prefix.length).equals(UnsafeByteOperations.unsafeWrap(prefix)) ? prefix.length : 0;
        return etcdKey.substring(from).toStringUtf8();
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

    private void ensureOpen() {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd storage is closed");
        }
    }

    // ------------------------------------------------------------ etcd plumbing

    /** One KV call, with etcd's refusals turned into the contract's codes. */
    private <R> R call(String what, boolean idempotent, String key, Function<KVGrpc.KVBlockingStub, R> call) {
        ensureOpen();
        try {
            return rpc.call(what, idempotent, call);
        } catch (EtcdRpc.EtcdError e) {
            throw translate(e, key);
        }
    }

    StorageException translate(EtcdRpc.EtcdError e, String key) {
        if (e.mentions("required revision has been compacted")) {
            long c = compacted.get();
            try {
                c = readCompactRecord().compacted;
            } catch (StorageException ignored) {
                // keep the cached value; the error itself is what matters
            }
            return new StorageException(StorageException.Code.COMPACTED, key, c, e.getMessage());
        }
        if (e.mentions("required revision is a future revision")) {
            long current = 0;
            try {
                current = currentRevision();
            } catch (StorageException ignored) {
                // the revision is informative only
            }
            return new StorageException(StorageException.Code.FUTURE_REVISION, key, current, e.getMessage());
        }
        if (e.mentions("request is too large")) {
            return new StorageException(StorageException.Code.TOO_LARGE, key, 0, e.getMessage());
        }
        return new StorageException(StorageException.Code.INTERNAL, key, "etcd refused the request (gRPC "
                + e.code + "): " + e.getMessage(), e);
    }

    KeyValue keyValue(io.etcd.jetcd.api.KeyValue kv) {
        return new KeyValue(strip(kv.getKey()), kv.getValue().toByteArray(), kv.getCreateRevision(), kv.getModRevision());
    }

    private static ResponseOp firstResponse(TxnResponse txn) {
        return txn.getResponsesCount() == 0 ? ResponseOp.getDefaultInstance() : txn.getResponses(0);
    }

    private static Compare.Builder compare(ByteString key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(key).setTarget(target).setResult(result);
    }

    private byte[] fullBytes(String key) {
        return concat(prefix, key.getBytes(StandardCharsets.UTF_8));
    }

    private ByteString full(String key) {
        return UnsafeByteOperations.unsafeWrap(fullBytes(key));
    }

    /** etcd's prefix range end: the prefix with its last byte below 0xff incremented. */
    static byte[] rangeEnd(byte[] p) {
        byte[] end = p.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        // all 0xff (or empty): "to the end of the key space" is spelled as a single NUL byte
        return new byte[] {0};
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}
