package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;

import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * The reads of an {@link EtcdStorage}: single keys, counts, and paged lists, a page at a given
 * revision checked against the compaction record in the same read.
 */
final class EtcdReads {

    private final EtcdCalls calls;
    private final EtcdKeys keys;
    private final EtcdCompaction compaction;

    EtcdReads(EtcdCalls calls, EtcdKeys keys, EtcdCompaction compaction) {
        this.calls = calls;
        this.keys = keys;
        this.compaction = compaction;
    }

    KeyValue get(String key) {
        RangeResponse r = calls.call("Range", true, key, kv -> kv.range(RangeRequest.newBuilder().setKey(keys.full(key)).build()));
        return r.getKvsCount() == 0 ? null : keys.keyValue(r.getKvs(0));
    }

    ListResult list(String keyPrefix, long revision, String startAfter, int limit) {
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("revision and limit must not be negative");
        }
        byte[] p = keys.fullBytes(keyPrefix);
        byte[] from = startAfter == null ? p : EtcdKeys.concat(keys.fullBytes(startAfter), new byte[] {0});
        RangeRequest.Builder req = RangeRequest.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(from))
                .setRangeEnd(UnsafeByteOperations.unsafeWrap(EtcdKeys.rangeEnd(p)))
                .setRevision(revision)
                .setLimit(limit);
        RangeResponse r;
        if (revision == 0) {
            r = calls.call("Range", true, keyPrefix, kv -> kv.range(req.build()));
        } else {
            // A page at a given revision must also be checked against the compaction record (etcd
            // still serves the compacted revision itself): one read-only transaction does both.
            TxnResponse txn = calls.call("Txn", true, keyPrefix, kv -> kv.txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(compaction.compactKey())))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(req))
                    .build()));
            long c = compaction.compactRecord(txn.getResponses(0).getResponseRange(), 0).compacted();
            if (revision <= c) {
                throw StorageException.compacted(c);
            }
            r = txn.getResponses(1).getResponseRange();
        }
        List<KeyValue> items = new ArrayList<>(r.getKvsCount());
        for (io.etcd.jetcd.api.KeyValue kv : r.getKvsList()) {
            items.add(keys.keyValue(kv));
        }
        boolean more = r.getMore();
        // etcd's count is every key in [key, range_end) at that revision, regardless of limit.
        long remaining = more ? Math.max(0, r.getCount() - items.size()) : 0;
        // etcd's header carries the newest revision; the page was read at the requested one.
        long at = revision > 0 ? revision : r.getHeader().getRevision();
        return new ListResult(List.copyOf(items), at, more, remaining);
    }

    long count(String keyPrefix) {
        byte[] p = keys.fullBytes(keyPrefix);
        RangeResponse r = calls.call("Range", true, keyPrefix, kv -> kv.range(RangeRequest.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(p))
                .setRangeEnd(UnsafeByteOperations.unsafeWrap(EtcdKeys.rangeEnd(p)))
                .setCountOnly(true).build()));
        return r.getCount();
    }
}
