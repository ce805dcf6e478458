package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

/**
 * The writes of an {@link EtcdStorage}, each one etcd transaction: create, update and
 * (conditional) delete, a failed one read back to tell NOT_FOUND from CONFLICT.
 */
final class EtcdWrites {

    private final EtcdCalls calls;
    private final EtcdKeys keys;
    /** {@link EtcdConfig#maxValueBytes()}: larger values are refused before etcd sees them. */
    private final int maxValueBytes;

    EtcdWrites(EtcdCalls calls, EtcdKeys keys, int maxValueBytes) {
        this.calls = calls;
        this.keys = keys;
        this.maxValueBytes = maxValueBytes;
    }

    KeyValue create(String key, byte[] value) {
        checkSize(key, value);
        ByteString k = keys.full(key);
        byte[] stored = value.clone();
        TxnResponse r = calls.call("Txn", false, key, kv -> kv.txn(TxnRequest.newBuilder()
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

    KeyValue update(String key, long expectedModRevision, byte[] value) {
        checkSize(key, value);
        ByteString k = keys.full(key);
        byte[] stored = value.clone();
        TxnResponse r = calls.call("Txn", false, key, kv -> kv.txn(guarded(k, expectedModRevision)
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

    KeyValue delete(String key, long expectedModRevision) {
        ByteString k = keys.full(key);
        DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(k).setPrevKv(true).build();
        DeleteRangeResponse deleted;
        long rev;
        if (expectedModRevision == 0) {
            deleted = calls.call("DeleteRange", false, key, kv -> kv.deleteRange(request));
            rev = deleted.getHeader().getRevision();
        } else {
            TxnResponse r = calls.call("Txn", false, key, kv -> kv.txn(guarded(k, expectedModRevision)
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
        if (value.length > maxValueBytes) {
            throw new StorageException(StorageException.Code.TOO_LARGE, key, 0, "value of " + value.length
                    + " bytes exceeds the limit of " + maxValueBytes + " bytes");
        }
    }

    static ResponseOp firstResponse(TxnResponse txn) {
        return txn.getResponsesCount() == 0 ? ResponseOp.getDefaultInstance() : txn.getResponses(0);
    }

    static Compare.Builder compare(ByteString key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(key).setTarget(target).setResult(result);
    }
}
