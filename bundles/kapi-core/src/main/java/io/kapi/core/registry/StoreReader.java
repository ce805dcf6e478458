package io.kapi.core.registry;

import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How one resource's store reads its storage, and kube's answers for what goes wrong: a key's value, one key
 * with the revision it was read at, waiting for a resourceVersion from the future, and storage failures and
 * resourceVersions turned into kube's Statuses.
 */
final class StoreReader {
    /** How long a read waits for the store to reach a resourceVersion from the future (kube's cacher: 3 s). */
    private static final long FUTURE_REVISION_WAIT_MILLIS = 3_000;

    private final ResourceMeta meta;
    private final Storage storage;

    StoreReader(ResourceMeta meta, Storage storage) {
        this.meta = meta;
        this.storage = storage;
    }

    /** The key's current value, null when absent; storage failures become Statuses. */
    KeyValue read(String key, String name) {
        try {
            return storage.get(key);
        } catch (StorageException e) {
            throw toStatus(e, meta, name);
        }
    }

    /**
     * One key and the revision it was read at, in one storage read, so that a watch started from that
     * revision misses nothing (a get followed by currentRevision() could). A range read on the key
     * may match longer keys on prefix-based backends: those are filtered out.
     */
    ListResult readOne(String key) {
        ListResult r = storage.list(key, 0, null, 0);
        List<KeyValue> exact = new ArrayList<>(1);
        for (KeyValue kv : r.items()) {
            if (kv.key().equals(key)) {
                exact.add(kv);
            }
        }
        return new ListResult(exact, r.revision(), false, 0);
    }

    /**
     * Waits until the store has reached {@code rv}, as kube's cacher waits for its cache
     * (waitUntilFreshAndBlock) before a read "not older than" a resourceVersion it has not seen; a
     * client may have it from another server. After 3 s: 504 Too large resource version.
     */
    void awaitRevision(long rv) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FUTURE_REVISION_WAIT_MILLIS);
        long current = storage.currentRevision();
        while (rv > current) {
            if (System.nanoTime() >= deadline) {
                throw StatusException.tooLargeResourceVersion(rv, current);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StatusException.tooLargeResourceVersion(rv, current);
            }
            current = storage.currentRevision();
        }
    }

    /** kube's 410 for a resourceVersion older than the oldest one still answerable. */
    static StatusException tooOld(long requested, long oldest) {
        return StatusException.expired("too old resource version: " + requested + " (" + oldest + ")");
    }

    static StatusException toStatus(StorageException e, ResourceMeta meta, String name) {
        return switch (e.code()) {
            case NOT_FOUND -> StatusException.notFound(meta.group(), meta.resource(), name);
            case EXISTS -> StatusException.alreadyExists(meta.group(), meta.resource(), name);
            case CONFLICT -> StatusException.conflict(meta.group(), meta.resource(), name,
                    "the object has been modified; please apply your changes to the latest version and try again");
            case COMPACTED -> StatusException.expired("too old resource version: " + e.getMessage());
            case FUTURE_REVISION -> StatusException.timeout("Too large resource version: " + e.getMessage(), 1);
            case UNAVAILABLE -> StatusException.serviceUnavailable("storage is unavailable: " + e.getMessage(), 1);
            case TOO_LARGE -> StatusException.tooLarge("Request entity too large: " + e.getMessage());
            default -> StatusException.internal(e.getMessage());
        };
    }

    static long parseResourceVersion(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("invalid resource version: " + rv);
        }
    }
}
