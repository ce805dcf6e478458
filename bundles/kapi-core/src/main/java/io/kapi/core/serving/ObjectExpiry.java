package io.kapi.core.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.core.endpoints.ServedResource;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes the objects of kinds with a time to live ({@code Strategy.timeToLiveSeconds}, kube's {@code TTLFunc}) once
 * their last write is that old, as etcd ends the lease kube-apiserver attaches to each write of such an object:
 * core/v1 events an hour after they were last written (kube-apiserver's {@code --event-ttl}). The delete goes
 * straight to storage, conditional on the revision the sweep saw (a write meanwhile keeps the object, as its new
 * lease would in kube), and watchers see it {@code DELETED}.
 *
 * <p>When an object was last written: for a write this server saw happen (a revision that is new since the sweep
 * before), the sweep that saw it, so an object lives at most one sweep interval longer than its time to live; for an
 * object already there when the server started, or when its kind began to expire, what the object records: the
 * newest {@code time} of its managed fields (kube's time of a manager's last change) or else its creation time, to
 * the end of that second. A client that cleared the managed fields of an event it updated since its creation loses
 * it that much earlier after a restart. Every sweep reads the kind's keys from the watch cache and parses only
 * objects at a revision it has not seen; it keeps a key, a revision and a time per expiring object.
 */
final class ObjectExpiry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ObjectExpiry.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    /** Sweeps at a tenth of the shortest time to live, within these bounds. */
    static final long MIN_INTERVAL_MILLIS = 1_000;
    static final long MAX_INTERVAL_MILLIS = 10_000;

    private final Storage storage;
    private final Supplier<List<ServedResource>> served;
    /** The time in ms since the epoch, as the wall clock read at the start and advanced by the monotonic one. */
    private final LongSupplier now;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-object-expiry");
        t.setDaemon(true);
        return t;
    });
    /** Per expiring key: the revision last seen and when it was written (ms). Touched by the sweeping thread only. */
    private final Map<String, Written> written = new HashMap<>();
    /** Key prefixes swept before: a revision new to a sweep there was written since the sweep before. */
    private final Set<String> sweptPrefixes = new HashSet<>();
    /** Whether the last sweep failed: a failure is logged as a warning once, until a sweep succeeds again. */
    private boolean failing;
    private volatile boolean closed;

    private record Written(long modRevision, long millis) {
    }

    /**
     * {@code now}: ms since the epoch; {@link #monotonicWallClock()} in production, so that a step of the system
     * clock does not end every lifetime at once (etcd's leases run on a monotonic clock too).
     */
    ObjectExpiry(Storage storage, Supplier<List<ServedResource>> served, LongSupplier now) {
        this.storage = storage;
        this.served = served;
        this.now = now;
    }

    /** The wall clock as read now, advanced from then on by {@link System#nanoTime()}. */
    static LongSupplier monotonicWallClock() {
        long wall = System.currentTimeMillis();
        long base = System.nanoTime();
        return () -> wall + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - base);
    }

    void start() {
        schedule(interval(timesToLive(served.get())));
    }

    private void schedule(long delayMillis) {
        try {
            worker.schedule(this::sweepAndReschedule, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    private void sweepAndReschedule() {
        long next = MAX_INTERVAL_MILLIS;
        try {
            Map<String, Long> ttls = timesToLive(served.get());
            next = interval(ttls);
            sweep(ttls);
            failing = false;
        } catch (RuntimeException e) {
            if (!closed) {
                // a backend that is down fails every sweep: said once, until one succeeds again
                LOG.log(failing ? Level.FINE : Level.WARNING, "expiring objects failed; trying again every " + next + " ms", e);
                failing = true;
            }
        } finally {
            if (!closed) {
                schedule(next);
            }
        }
    }

    /** The key prefixes of the served kinds that expire, with their time to live in seconds (the longest, if two declare one). */
    static Map<String, Long> timesToLive(List<ServedResource> served) {
        Map<String, Long> ttls = new TreeMap<>();
        for (ServedResource r : served) {
            long ttl = r.subresource().isEmpty() && r.definition().strategy() != null ? r.definition().strategy().timeToLiveSeconds() : 0;
            if (ttl > 0) {
                ttls.merge(r.meta().keyPrefix(), ttl, Math::max);
            }
        }
        return ttls;
    }

    /** A tenth of the shortest time to live, within 1 and 10 s. */
    static long interval(Map<String, Long> ttls) {
        long shortest = ttls.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE / 1000);
        return Math.max(MIN_INTERVAL_MILLIS, Math.min(MAX_INTERVAL_MILLIS, shortest * 100));
    }

    /** One pass over every expiring kind: deletes what outlived its time to live; returns how many it deleted. */
    int sweep(Map<String, Long> ttls) {
        Set<String> present = new HashSet<>();
        int deleted = 0;
        for (Map.Entry<String, Long> e : ttls.entrySet()) {
            if (closed) {
                break;
            }
            String prefix = e.getKey();
            long ttlMillis = TimeUnit.SECONDS.toMillis(e.getValue());
            boolean sweptBefore = sweptPrefixes.contains(prefix);
            // all at once from the watch cache (a page would keep a snapshot of the list for its next one, taking the
            // place of a client's); the time read after it, so that no write it holds is stamped before it happened
            List<KeyValue> items = storage.list(prefix, 0, null, 0).items();
            long at = now.getAsLong();
            for (KeyValue kv : items) {
                Written w = written.get(kv.key());
                if (w == null || w.modRevision() != kv.modRevision()) {
                    w = new Written(kv.modRevision(), sweptBefore ? at : recordedWrite(kv, at));
                    written.put(kv.key(), w);
                }
                if (at - w.millis() >= ttlMillis && !closed && delete(kv)) {
                    deleted++;
                } else {
                    present.add(kv.key());
                }
            }
            sweptPrefixes.add(prefix);
        }
        written.keySet().retainAll(present);
        sweptPrefixes.retainAll(ttls.keySet());
        int n = deleted;
        if (n > 0) {
            LOG.fine(() -> "expired objects deleted: " + n);
        }
        return n;
    }

    /** Deletes {@code kv} if it is still at the revision seen; false when it changed or went meanwhile. */
    private boolean delete(KeyValue kv) {
        try {
            storage.delete(kv.key(), kv.modRevision());
            return true;
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.CONFLICT || e.code() == StorageException.Code.NOT_FOUND) {
                return false; // written again (a new lifetime) or deleted meanwhile: the next sweep sees which
            }
            throw e;
        }
    }

    /**
     * When the stored object says it was last written (ms): the newest {@code time} of its managed fields, else its
     * creation time, each to the end of its second (kube records whole seconds, and nothing may go before its time);
     * {@code fallback} if it records neither or cannot be read.
     */
    static long recordedWrite(KeyValue kv, long fallback) {
        long newest = Long.MIN_VALUE;
        try (JsonParser p = JSON.createParser(kv.value())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fallback;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() != JsonToken.START_OBJECT || !field.equals("metadata")) {
                    p.skipChildren();
                    continue;
                }
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String m = p.currentName();
                    t = p.nextToken();
                    if (m.equals("creationTimestamp") && t == JsonToken.VALUE_STRING) {
                        newest = Math.max(newest, millis(p.getText()));
                    } else if (m.equals("managedFields") && t == JsonToken.START_ARRAY) {
                        newest = Math.max(newest, newestManagedTime(p));
                    } else {
                        p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT) {
                    return fallback; // cut short
                }
                break; // the metadata is all that is read
            }
        } catch (IOException | RuntimeException unreadable) {
            LOG.log(Level.FINE, "no recorded write time in " + kv.key() + "; counting from now", unreadable);
            return fallback;
        }
        return newest == Long.MIN_VALUE ? fallback : newest;
    }

    /** The newest {@code time} of the managed fields entries, the parser at the array's start; ends after the array. */
    private static long newestManagedTime(JsonParser p) throws IOException {
        long newest = Long.MIN_VALUE;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("the managed fields end before their array does");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren(); // not an entry kube would have written
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING && f.equals("time")) {
                    newest = Math.max(newest, millis(p.getText()));
                } else {
                    p.skipChildren();
                }
            }
        }
        return newest;
    }

    /** An RFC 3339 time as ms since the epoch, the end of its second when it has no fraction; MIN_VALUE if unreadable. */
    private static long millis(String rfc3339) {
        try {
            java.time.Instant t = OffsetDateTime.parse(rfc3339).toInstant();
            return t.toEpochMilli() + (t.getNano() == 0 ? 999 : 0);
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
    }
}
