package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Storage} on etcd v3, spoken to through etcd's gRPC-JSON gateway ({@code /v3/kv/range},
 * {@code /v3/kv/put}, {@code /v3/kv/txn}, {@code /v3/kv/deleterange}, {@code /v3/kv/compaction},
 * {@code /v3/watch}) with the JDK's HTTP client.
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
 * <p>Each watch holds its own HTTP stream (one connection); fine for the handful of watches a
 * watch cache opens, not meant for thousands of direct watchers.
 */
public final class EtcdStorage implements Storage, AutoCloseable {

    static final String COMPACT_REV_KEY = "compact_rev_key";
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final EtcdConfig config;
    private final Gateway gateway;
    private final byte[] prefix;
    private final String compactKey;
    /** The highest compacted revision seen; only grows. */
    private final AtomicLong compacted = new AtomicLong();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Prepares the client; it does not contact etcd, so it can be created while etcd is down
     * (calls then fail with UNAVAILABLE until it is back).
     */
    public EtcdStorage(EtcdConfig config) {
        this.config = config;
        SSLContext ssl = config.caFile() != null || config.certFile() != null
                ? Tls.context(config.caFile(), config.certFile(), config.keyFile()) : null;
        this.gateway = new Gateway(config.endpoints(), config.requestTimeout(), ssl);
        this.prefix = config.prefix().getBytes(StandardCharsets.UTF_8);
        this.compactKey = b64(concat(prefix, COMPACT_REV_KEY.getBytes(StandardCharsets.UTF_8)));
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
        Map<String, Object> r = call("/v3/kv/range", obj("key", compactKey), true, null);
        return compactRecord(r, headerRevision(r));
    }

    private CompactRecord compactRecord(Map<String, Object> r, long rev) {
        long value = 0;
        long version = 0;
        List<Map<String, Object>> kvs = Json.objects(r, "kvs");
        if (!kvs.isEmpty()) {
            version = Json.lng(kvs.get(0), "version");
            String text = new String(value(kvs.get(0)), StandardCharsets.UTF_8).trim();
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
        Map<String, Object> r = call("/v3/kv/range", obj("key", b64(full(key))), true, key);
        List<Map<String, Object>> kvs = Json.objects(r, "kvs");
        return kvs.isEmpty() ? null : keyValue(kvs.get(0));
    }

    @Override
    public ListResult list(String keyPrefix, long revision, String startAfter, int limit) {
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("revision and limit must not be negative");
        }
        byte[] from = startAfter == null ? full(keyPrefix) : concat(full(startAfter), new byte[] {0});
        Map<String, Object> req = obj(
                "key", b64(from),
                "range_end", b64(rangeEnd(full(keyPrefix))));
        if (revision > 0) {
            req.put("revision", revision);
        }
        if (limit > 0) {
            req.put("limit", (long) limit);
        }
        Map<String, Object> r;
        if (revision == 0) {
            r = call("/v3/kv/range", req, true, keyPrefix);
        } else {
            // A page at a given revision must also be checked against the compaction record (etcd
            // still serves the compacted revision itself): one read-only transaction does both.
            Map<String, Object> txn = call("/v3/kv/txn", obj("success", List.of(
                    obj("request_range", obj("key", compactKey)),
                    obj("request_range", req))), true, keyPrefix);
            List<Map<String, Object>> responses = Json.objects(txn, "responses");
            long c = compactRecord(Json.obj(responses.get(0), "response_range"), 0).compacted;
            if (revision <= c) {
                throw StorageException.compacted(c);
            }
            r = Json.obj(responses.get(1), "response_range");
        }
        List<KeyValue> items = new ArrayList<>();
        for (Map<String, Object> kv : Json.objects(r, "kvs")) {
            items.add(keyValue(kv));
        }
        boolean more = Json.bool(r, "more");
        // etcd's count is every key in [key, range_end) at that revision, regardless of limit.
        long remaining = more ? Math.max(0, Json.lng(r, "count") - items.size()) : 0;
        // etcd's header carries the newest revision; the page was read at the requested one.
        long at = revision > 0 ? revision : headerRevision(r);
        return new ListResult(List.copyOf(items), at, more, remaining);
    }

    @Override
    public long count(String keyPrefix) {
        byte[] p = full(keyPrefix);
        Map<String, Object> r = call("/v3/kv/range",
                obj("key", b64(p), "range_end", b64(rangeEnd(p)), "count_only", true), true, keyPrefix);
        return Json.lng(r, "count");
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
        String k = b64(full(key));
        Map<String, Object> r = call("/v3/kv/txn", obj(
                "compare", List.of(compare("CREATE", k, "EQUAL", "create_revision", 0)),
                "success", List.of(obj("request_put", obj("key", k, "value", b64(value))))), false, key);
        if (!Json.bool(r, "succeeded")) {
            throw StorageException.exists(key);
        }
        long rev = headerRevision(r);
        return new KeyValue(key, value.clone(), rev, rev);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        checkSize(key, value);
        String k = b64(full(key));
        Map<String, Object> r = call("/v3/kv/txn", obj(
                "compare", List.of(
                        compare("MOD", k, "EQUAL", "mod_revision", expectedModRevision),
                        // an absent key has mod_revision 0: without this an update "expecting 0" would create it
                        compare("CREATE", k, "GREATER", "create_revision", 0)),
                "success", List.of(obj("request_put", obj("key", k, "value", b64(value), "prev_kv", true))),
                "failure", List.of(obj("request_range", obj("key", k)))), false, key);
        Map<String, Object> response = firstResponse(r);
        if (!Json.bool(r, "succeeded")) {
            throw notFoundOrConflict(key, Json.obj(response, "response_range"));
        }
        long rev = headerRevision(r);
        Map<String, Object> prev = Json.obj(Json.obj(response, "response_put"), "prev_kv");
        return new KeyValue(key, value.clone(), Json.lng(prev, "create_revision"), rev);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        String k = b64(full(key));
        Map<String, Object> deleted;
        long rev;
        if (expectedModRevision == 0) {
            Map<String, Object> r = call("/v3/kv/deleterange", obj("key", k, "prev_kv", true), false, key);
            deleted = r;
            rev = headerRevision(r);
        } else {
            Map<String, Object> r = call("/v3/kv/txn", obj(
                    "compare", List.of(
                            compare("MOD", k, "EQUAL", "mod_revision", expectedModRevision),
                            compare("CREATE", k, "GREATER", "create_revision", 0)),
                    "success", List.of(obj("request_delete_range", obj("key", k, "prev_kv", true))),
                    "failure", List.of(obj("request_range", obj("key", k)))), false, key);
            Map<String, Object> response = firstResponse(r);
            if (!Json.bool(r, "succeeded")) {
                throw notFoundOrConflict(key, Json.obj(response, "response_range"));
            }
            deleted = Json.obj(response, "response_delete_range");
            rev = headerRevision(r);
        }
        List<Map<String, Object>> prev = Json.objects(deleted, "prev_kvs");
        if (Json.lng(deleted, "deleted") == 0 || prev.isEmpty()) {
            throw StorageException.notFound(key);
        }
        Map<String, Object> p = prev.get(0);
        return new KeyValue(key, value(p), Json.lng(p, "create_revision"), rev);
    }

    private static StorageException notFoundOrConflict(String key, Map<String, Object> range) {
        List<Map<String, Object>> kvs = Json.objects(range, "kvs");
        if (kvs.isEmpty()) {
            return StorageException.notFound(key);
        }
        return StorageException.conflict(key, Json.lng(kvs.get(0), "mod_revision"));
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
            Map<String, Object> r = call("/v3/kv/txn", obj(
                    "compare", List.of(compare("VERSION", compactKey, "EQUAL", "version", record.version)),
                    "success", List.of(obj("request_put", obj("key", compactKey,
                            "value", b64(Long.toString(revision).getBytes(StandardCharsets.UTF_8)))))),
                    false, null);
            if (Json.bool(r, "succeeded")) {
                break;
            }
        }
        compacted.accumulateAndGet(revision, Math::max);
        try {
            // physical: answer only once etcd has really dropped the history, so callers can rely on it
            call("/v3/kv/compaction", obj("revision", revision, "physical", true), false, null);
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
        Map<String, Object> r = call("/v3/kv/txn", obj(
                "compare", List.of(compare("VERSION", compactKey, "EQUAL", "version", knownVersion)),
                "success", List.of(obj("request_put", obj("key", compactKey,
                        "value", b64(Long.toString(lastRevision).getBytes(StandardCharsets.UTF_8))))),
                "failure", List.of(obj("request_range", obj("key", compactKey)))), false, null);
        long revision = headerRevision(r);
        if (!Json.bool(r, "succeeded")) {
            // kube reads Kvs[0].Version; a deleted record (version 0) is simply recreated next round
            CompactRecord record = compactRecord(Json.obj(firstResponse(r), "response_range"), revision);
            return new CompactorRound(record.version, revision, false, 0, null);
        }
        compacted.accumulateAndGet(lastRevision, Math::max);
        if (lastRevision == 0) {
            return new CompactorRound(knownVersion + 1, revision, true, 0, null);
        }
        try {
            // not physical, as kube's compactor: etcd answers once the compaction is applied
            call("/v3/kv/compaction", obj("revision", lastRevision), false, null);
        } catch (StorageException e) {
            // etcd already compacted further (its own auto-compaction, a manual compaction): fine.
            if (e.code() != StorageException.Code.COMPACTED) {
                return new CompactorRound(knownVersion + 1, revision, true, 0, e);
            }
        }
        return new CompactorRound(knownVersion + 1, revision, true, lastRevision, null);
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
        byte[] k = full(keyOrPrefix);
        Map<String, Object> create = obj("key", b64(k), "prev_kv", true, "progress_notify", true);
        if (keyOrPrefix.endsWith("/")) {
            create.put("range_end", b64(rangeEnd(k)));
        }
        if (fromRevision > 0) {
            create.put("start_revision", fromRevision + 1);
        }
        EtcdWatch w = new EtcdWatch(this, obj("create_request", create), listener);
        watches.add(w);
        try {
            w.start(config.requestTimeout());
        } catch (RuntimeException e) {
            watches.remove(w);
            throw e;
        }
        return w;
    }

    Gateway gateway() {
        return gateway;
    }

    void forget(EtcdWatch w) {
        watches.remove(w);
    }

    /** The key as the contract knows it: etcd's key without the configured prefix. */
    String strip(byte[] etcdKey) {
        int from = etcdKey.length >= prefix.length
                && Arrays.equals(etcdKey, 0, prefix.length, prefix, 0, prefix.length) ? prefix.length : 0;
        return new String(etcdKey, from, etcdKey.length - from, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------ lifecycle

    /** Ends every watch (their listeners get {@code onClose(null)}) and releases the HTTP client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EtcdWatch w : new ArrayList<>(watches)) {
            w.close();
        }
        gateway.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd storage is closed");
        }
    }

    // ------------------------------------------------------------ etcd plumbing

    /** One gateway call, with etcd's refusals turned into the contract's codes. */
    private Map<String, Object> call(String path, Map<String, Object> body, boolean idempotent, String key) {
        ensureOpen();
        try {
            return gateway.call(path, body, idempotent);
        } catch (Gateway.EtcdError e) {
            throw translate(e, key);
        }
    }

    StorageException translate(Gateway.EtcdError e, String key) {
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
        return new StorageException(StorageException.Code.INTERNAL, key, "etcd refused the request (gRPC code "
                + e.grpcCode + ", HTTP " + e.httpStatus + "): " + e.getMessage(), e);
    }

    KeyValue keyValue(Map<String, Object> kv) {
        return new KeyValue(strip(B64D.decode(Json.str(kv, "key"))), value(kv),
                Json.lng(kv, "create_revision"), Json.lng(kv, "mod_revision"));
    }

    /** A stored value; proto3 JSON leaves out empty ones. */
    static byte[] value(Map<String, Object> kv) {
        String v = Json.str(kv, "value");
        return v == null ? new byte[0] : B64D.decode(v);
    }

    static long headerRevision(Map<String, Object> response) {
        return Json.lng(Json.obj(response, "header"), "revision");
    }

    private static Map<String, Object> firstResponse(Map<String, Object> txn) {
        List<Map<String, Object>> responses = Json.objects(txn, "responses");
        return responses.isEmpty() ? Map.of() : responses.get(0);
    }

    private static Map<String, Object> compare(String target, String key, String result, String field, long v) {
        return obj("target", target, "key", key, "result", result, field, v);
    }

    private byte[] full(String key) {
        return concat(prefix, key.getBytes(StandardCharsets.UTF_8));
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

    static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    static byte[] b64d(String s) {
        return s == null ? new byte[0] : B64D.decode(s);
    }

    /** A JSON object from alternating names and values, in order. */
    static Map<String, Object> obj(Object... nameValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put((String) nameValues[i], nameValues[i + 1]);
        }
        return m;
    }
}
