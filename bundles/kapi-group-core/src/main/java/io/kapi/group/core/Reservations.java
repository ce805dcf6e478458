package io.kapi.group.core;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Unique values handed out to objects (a Service's cluster IP, its node ports), each held as one key
 * in storage whose value names its owner and when it was reserved: a reservation is a
 * create-if-absent, so two creates can never get the same value. A reservation whose owner does not
 * hold the value, and that is older than {@link #GRACE_MILLIS} (a create that failed after reserving,
 * a crash in between, a Service removed by its last finalizer), is taken over when the value is asked
 * for again: that is the repair kube's allocators run as controllers. The grace keeps a value whose
 * owner is still being written from being taken.
 */
final class Reservations {
    private static final Logger LOG = Logger.getLogger(Reservations.class.getName());

    /** How long a reservation belongs to its owner even though the owner does not show it yet. */
    static final long GRACE_MILLIS = 60_000;

    private final Storage storage;
    private final String prefix;

    /** @param prefix the key prefix of this kind of value, ending in '/' */
    Reservations(Storage storage, String prefix) {
        this.storage = storage;
        this.prefix = prefix;
    }

    private String key(String value) {
        return prefix + value;
    }

    /** What {@link #reserve} did. */
    enum Outcome {
        /** Another owner, which still holds the value, has it. */
        TAKEN,
        /** Reserved now (created, or taken over from a stale owner): a failed write gives it back. */
        RESERVED,
        /** The owner had it already: nothing to give back on failure. */
        HELD
    }

    /**
     * Reserves {@code value} for {@code owner} ({@code namespace/name}). {@code holds} says whether an
     * owner still holds the value.
     */
    Outcome reserve(String value, String owner, Predicate<String> holds) {
        byte[] mine = (owner + "\n" + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8);
        while (true) {
            try {
                storage.create(key(value), mine);
                return Outcome.RESERVED;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.EXISTS) {
                    throw e;
                }
            }
            KeyValue existing = storage.get(key(value));
            if (existing == null) {
                continue; // released meanwhile
            }
            String holder = holder(existing);
            if (holder.equals(owner)) {
                return Outcome.HELD;
            }
            if (!stale(existing, holds)) {
                return Outcome.TAKEN;
            }
            // the holder does not have it (its create failed, or it was deleted without a release): repaired here
            LOG.info("reservation " + key(value) + " of " + holder + " is stale: taken over by " + owner);
            try {
                storage.update(key(value), existing.modRevision(), mine);
                return Outcome.RESERVED;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT && e.code() != StorageException.Code.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    /** Whether {@code value} could be reserved now (no reservation, or a stale one). */
    boolean isFree(String value, String owner, Predicate<String> holds) {
        KeyValue existing = storage.get(key(value));
        return existing == null || holder(existing).equals(owner) || stale(existing, holds);
    }

    private static String holder(KeyValue kv) {
        String text = new String(kv.value(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** Its owner does not hold the value, and it was reserved before the grace. */
    private static boolean stale(KeyValue kv, Predicate<String> holds) {
        String text = new String(kv.value(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        long at = 0;
        try {
            at = nl < 0 ? 0 : Long.parseLong(text.substring(nl + 1).trim());
        } catch (NumberFormatException e) {
            LOG.warning("reservation of " + kv.key() + " has no readable time: counted as old");
        }
        return System.currentTimeMillis() - at > GRACE_MILLIS && !holds.test(holder(kv));
    }

    /** Releases {@code value} if {@code owner} holds its reservation. */
    void release(String value, String owner) {
        KeyValue existing = storage.get(key(value));
        if (existing == null || !holder(existing).equals(owner)) {
            return;
        }
        try {
            storage.delete(key(value), existing.modRevision());
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.CONFLICT && e.code() != StorageException.Code.NOT_FOUND) {
                throw e;
            }
            LOG.fine("reservation " + key(value) + " changed while " + owner + " released it: left as it is");
        }
    }
}
