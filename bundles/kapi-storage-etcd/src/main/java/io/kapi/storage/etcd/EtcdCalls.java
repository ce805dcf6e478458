package io.kapi.storage.etcd;

import io.kapi.api.storage.StorageException;

import io.etcd.jetcd.api.KVGrpc;

import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes one KV call of an {@link EtcdStorage} and translates etcd's gRPC refusals into the
 * contract's {@link StorageException}s.
 */
final class EtcdCalls {

    private static final Logger LOG = Logger.getLogger(EtcdCalls.class.getName());

    private final EtcdStorage storage;

    /** Calls through {@code storage}'s client, while it is open; not contacted here. */
    EtcdCalls(EtcdStorage storage) {
        this.storage = storage;
    }

    /** One KV call, with etcd's refusals turned into the contract's codes. */
    <R> R call(String what, boolean idempotent, String key, Function<KVGrpc.KVBlockingStub, R> call) {
        storage.ensureOpen();
        try {
            return storage.rpc().call(what, idempotent, call);
        } catch (EtcdRpc.EtcdError e) {
            throw translate(e, key);
        }
    }

    StorageException translate(EtcdRpc.EtcdError e, String key) {
        if (e.mentions("required revision has been compacted")) {
            EtcdCompaction compaction = storage.compaction();
            long cached = compaction.compactedRevisionCached();
            long c = cached;
            try {
                c = compaction.readCompactRecord().compacted();
            } catch (StorageException unreadable) {
                // keep the cached value; the error itself is what matters
                LOG.log(Level.FINE, () -> "etcd compaction record unreadable, reporting the cached compacted revision "
                        + cached + ": " + unreadable.getMessage());
            }
            return new StorageException(StorageException.Code.COMPACTED, key, c, e.getMessage());
        }
        if (e.mentions("required revision is a future revision")) {
            long current = 0;
            try {
                current = storage.currentRevision();
            } catch (StorageException unreadable) {
                // the revision is informative only
                LOG.log(Level.FINE, () -> "etcd current revision unreadable, reporting 0: " + unreadable.getMessage());
            }
            return new StorageException(StorageException.Code.FUTURE_REVISION, key, current, e.getMessage());
        }
        if (e.mentions("request is too large")) {
            return new StorageException(StorageException.Code.TOO_LARGE, key, 0, e.getMessage());
        }
        return new StorageException(StorageException.Code.INTERNAL, key, "etcd refused the request (gRPC "
                + e.code + "): " + e.getMessage(), e);
    }
}
