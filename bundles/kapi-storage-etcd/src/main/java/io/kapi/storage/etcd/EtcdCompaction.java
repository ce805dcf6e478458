package io.kapi.storage.etcd;

import io.kapi.api.storage.StorageException;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compaction as kube-apiserver does it ({@code k8s.io/apiserver/pkg/storage/etcd3/compact.go}):
 * reads the compaction record {@code <prefix>compact_rev_key}, checks revisions against it, and
 * compacts etcd behind a compare-and-swap on it.
 */
final class EtcdCompaction {

    private static final Logger LOG = Logger.getLogger(EtcdCompaction.class.getName());

    static final String COMPACT_REV_KEY = "compact_rev_key";

    private final EtcdCalls calls;
    private final ByteString compactKey;
    /** The highest compacted revision seen; only grows. */
    private final AtomicLong compacted = new AtomicLong();

    EtcdCompaction(EtcdCalls calls, EtcdKeys keys) {
        this.calls = calls;
        this.compactKey = ByteString.copyFrom(keys.fullBytes(COMPACT_REV_KEY));
    }

    /** The etcd key of the compaction record. */
    ByteString compactKey() {
        return compactKey;
    }

    /** The compacted revision last seen, without asking etcd. */
    long compactedRevisionCached() {
        return compacted.get();
    }

    record CompactRecord(long headerRevision, long compacted, long version) {
    }

    CompactRecord readCompactRecord() {
        RangeResponse r = calls.call("Range", true, null, kv -> kv.range(RangeRequest.newBuilder().setKey(compactKey).build()));
        return compactRecord(r, r.getHeader().getRevision());
    }

    CompactRecord compactRecord(RangeResponse r, long rev) {
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

    void checkNotCompacted(long revision) {
        long c = compacted.get();
        if (revision > c) {
            // The cached value may be stale when another instance compacted; read the record.
            c = readCompactRecord().compacted;
        }
        if (revision <= c) {
            throw StorageException.compacted(c);
        }
    }

    void compact(long revision) {
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
            TxnResponse r = calls.call("Txn", false, null, kv -> kv.txn(recordCas(record.version, revision).build()));
            if (r.getSucceeded()) {
                break;
            }
        }
        compacted.accumulateAndGet(revision, Math::max);
        try {
            // physical: answer only once etcd has really dropped the history, so callers can rely on it
            calls.call("Compact", false, null, kv -> kv.compact(
                    CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build()));
        } catch (StorageException e) {
            // Someone (another instance, etcd's auto-compaction) already compacted further: fine.
            if (e.code() != StorageException.Code.COMPACTED) {
                throw e;
            }
            LOG.log(Level.FINE, () -> "etcd already compacted beyond revision " + revision + ": " + e.getMessage());
        }
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
     * after a won CAS is returned in {@link EtcdStorage.CompactorRound#compactionError()}: the record
     * (and so {@link EtcdStorage#compactedRevision()}) already says {@code lastRevision} and the round
     * counts, as with kube; the next winner's compaction covers that revision.
     */
    EtcdStorage.CompactorRound compactorRound(long knownVersion, long lastRevision) {
        TxnResponse r = calls.call("Txn", false, null, kv -> kv.txn(recordCas(knownVersion, lastRevision)
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(compactKey)))
                .build()));
        long revision = r.getHeader().getRevision();
        if (!r.getSucceeded()) {
            // kube reads Kvs[0].Version; a deleted record (version 0) is simply recreated next round
            CompactRecord record = compactRecord(EtcdWrites.firstResponse(r).getResponseRange(), revision);
            return new EtcdStorage.CompactorRound(record.version, revision, false, 0, null);
        }
        compacted.accumulateAndGet(lastRevision, Math::max);
        if (lastRevision == 0) {
            return new EtcdStorage.CompactorRound(knownVersion + 1, revision, true, 0, null);
        }
        try {
            // not physical, as kube's compactor: etcd answers once the compaction is applied
            calls.call("Compact", false, null, kv -> kv.compact(CompactionRequest.newBuilder().setRevision(lastRevision).build()));
        } catch (StorageException e) {
            // etcd already compacted further (its own auto-compaction, a manual compaction): fine.
            if (e.code() != StorageException.Code.COMPACTED) {
                return new EtcdStorage.CompactorRound(knownVersion + 1, revision, true, 0, e);
            }
            LOG.log(Level.FINE, () -> "etcd already compacted beyond revision " + lastRevision + ": " + e.getMessage());
        }
        return new EtcdStorage.CompactorRound(knownVersion + 1, revision, true, lastRevision, null);
    }

    /** {@code if Version(compact_rev_key) == version then Put(compact_rev_key, revision)}. */
    private TxnRequest.Builder recordCas(long version, long revision) {
        return TxnRequest.newBuilder()
                .addCompare(EtcdWrites.compare(compactKey, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL)
                        .setVersion(version))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(compactKey).setValue(ByteString.copyFromUtf8(Long.toString(revision)))));
    }

    /** The version of {@code <prefix>compact_rev_key}, 0 when absent: one per won compaction round. */
    long compactRecordVersion() {
        return readCompactRecord().version;
    }
}
