package io.kapi.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.SharedEncodings;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.core.json.Json;
import io.kapi.machinery.selection.FieldSelector;
import io.kapi.machinery.selection.LabelSelector;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import io.kapi.protobuf.KubeProtobuf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Every verb of one resource on a {@link Strategy} and a {@link Storage}, as kube's
 * {@code genericregistry.Store}. Objects are stored as JSON without {@code resourceVersion}; it is
 * set from the key's modRevision when read, exactly as kube's etcd3 store does with its versioner.
 * Thread-safe and stateless apart from its immutable configuration.
 */
public class GenericStore implements RestStore, TableConvertor {

    private static final long BOOKMARK_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private final ResourceMeta meta;
    /** Where a LIST or a GET splices the resourceVersion into the stored bytes of an object. */
    private final StoredJson storedJson;
    private final Strategy strategy;
    private final Storage storage;
    private final NamespaceGuard namespaces;
    private final NameValidator nameValidator;
    private final TableConvertor table;
    /** The field-selector fields this resource answers (kube's field label conversion), from the strategy. */
    private final java.util.Set<String> selectableFields;
    private final Options options;
    private final Versions versions;

    /**
     * What a store adds to its strategy.
     *
     * @param versions the resource's storage version and conversion; null: stored as served
     * @param statusSubresource the resource has a status subresource: its own writes do not take status
     *     from clients (a create drops it, an update keeps the stored one), as kube's strategies of such kinds
     * @param statusWrites non-null for the store of the status subresource itself: its updates change the
     *     status only, through these hooks, and never create
     */
    public record Options(Versions versions, boolean statusSubresource, StatusStrategy statusWrites) {
        public static final Options PLAIN = new Options(null, false, null);
    }

    public GenericStore(ResourceMeta meta, Strategy strategy, Storage storage, NamespaceGuard namespaces,
                        NameValidator nameValidator) {
        this(meta, strategy, storage, namespaces, nameValidator, Options.PLAIN);
    }

    public GenericStore(ResourceMeta meta, Strategy strategy, Storage storage, NamespaceGuard namespaces,
                        NameValidator nameValidator, Options options) {
        this.meta = meta;
        this.storedJson = new StoredJson(meta.apiVersion(), meta.kind());
        this.options = options;
        this.versions = options.versions() != null ? options.versions() : Versions.single(meta);
        this.strategy = strategy;
        this.storage = storage;
        this.namespaces = namespaces == null ? NamespaceGuard.NONE : namespaces;
        this.nameValidator = nameValidator;
        TableConvertor t = strategy.table();
        this.table = t != null ? t : Printer.nameAndAge();
        this.selectableFields = java.util.Set.copyOf(fieldsOf(withType(Json.object())).keySet());
    }

    public ResourceMeta meta() {
        return meta;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Versions versions() {
        return versions;
    }

    // ---- keys and decoding

    String key(String namespace, String name) {
        return meta.namespaced() ? meta.keyPrefix() + namespace + "/" + name : meta.keyPrefix() + name;
    }

    private String listPrefix(String namespace) {
        return meta.namespaced() && namespace != null && !namespace.isEmpty()
                ? meta.keyPrefix() + namespace + "/" : meta.keyPrefix();
    }

    /** Stored bytes as the served object: converted from the version they were stored in, resourceVersion set. */
    private ObjectNode decode(byte[] value, long revision) {
        try {
            ObjectNode obj = versions.toServed(Json.parseObject(value));
            // first in the metadata, where a list or a GET in JSON splices it into the stored bytes, so
            // that every form of a read has the same order
            ObjectNode stored = Json.metadata(obj);
            ObjectNode metadata = Json.object().put("resourceVersion", Long.toString(revision));
            stored.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("resourceVersion")) {
                    metadata.set(e.getKey(), e.getValue());
                }
            });
            obj.set("metadata", metadata);
            return obj;
        } catch (IOException e) {
            throw StatusException.internal("stored object of " + meta.resource() + " is corrupt: " + e.getMessage());
        }
    }

    private ObjectNode decode(KeyValue kv) {
        return decode(kv.value(), kv.modRevision());
    }

    private byte[] encodeForStorage(ObjectNode obj) {
        ObjectNode copy = obj.deepCopy();
        Json.metadata(copy).remove("resourceVersion");
        return Json.bytes(StoredJson.inStoredOrder(versions.toStored(copy)));
    }

    /** How long a read waits for the store to reach a resourceVersion from the future (kube's cacher: 3 s). */
    private static final long FUTURE_REVISION_WAIT_MILLIS = 3_000;

    /**
     * Waits until the store has reached {@code rv}, as kube's cacher waits for its cache
     * (waitUntilFreshAndBlock) before a read "not older than" a resourceVersion it has not seen; a
     * client may have it from another server. After 3 s: 504 Too large resource version.
     */
    private void awaitRevision(long rv) {
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
    private static StatusException tooOld(long requested, long oldest) {
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

    /**
     * One key and the revision it was read at, in one storage read, so that a watch started from that
     * revision misses nothing (a get followed by currentRevision() could). A range read on the key
     * may match longer keys on prefix-based backends: those are filtered out.
     */
    private ListResult readOne(String key) {
        ListResult r = storage.list(key, 0, null, 0);
        List<KeyValue> exact = new ArrayList<>(1);
        for (KeyValue kv : r.items()) {
            if (kv.key().equals(key)) {
                exact.add(kv);
            }
        }
        return new ListResult(exact, r.revision(), false, 0);
    }

    /** The key's current value, null when absent; storage failures become Statuses. */
    private KeyValue read(String key, String name) {
        try {
            return storage.get(key);
        } catch (StorageException e) {
            throw toStatus(e, meta, name);
        }
    }

    // ---- get

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        KeyValue kv = read(key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        return withType(decode(kv));
    }

    /**
     * Writes what {@link #get} answers, as compact JSON: the stored bytes with the resourceVersion spliced into
     * their metadata, not decoded and encoded again (kube's watch cache serves a GET from the object it
     * holds, without a decode), unless they are not in the store's own form (see {@link StoredJson}). The
     * bytes go out around the splice, not copied into one array first (for a 1 MiB Secret, a copy as large).
     */
    public void writeJson(RequestContext ctx, String name, OutputStream out) throws IOException {
        KeyValue kv = read(key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        // only the store's own form, which names the kind: other bytes are decoded and typed, as get does
        int at = storedJson.ownFormMetadataBodyStart(kv.value());
        if (at < 0) {
            out.write(Json.bytes(withType(decode(kv))));
            return;
        }
        writeSpliced(kv, at, out);
    }

    /**
     * Stored objects from this size on are encoded in protobuf from their stored bytes; smaller ones through
     * their decoded tree, which costs less CPU (about 11 against 15 µs for a Secret of 1 KB) and little memory.
     */
    static final int PROTOBUF_IN_PLACE_BYTES = 64 * 1024;

    /**
     * Writes what {@link #get} answers in kube's protobuf. A large object is encoded from the stored bytes, whose
     * base64 strings of {@code bytes} fields (a Secret's data) are decoded only as they are written; a small one,
     * or bytes not in the store's own form, is decoded and typed, as get does, and encoded.
     *
     * @throws StatusException 406 before anything is written when the kind has no protobuf message
     */
    public void writeProtobuf(RequestContext ctx, String name, KubeProtobuf codec, OutputStream out) throws IOException {
        KeyValue kv = read(key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        if (kv.value().length < PROTOBUF_IN_PLACE_BYTES || storedJson.ownFormMetadataBodyStart(kv.value()) < 0) {
            codec.encodeTo(withType(decode(kv)), out);
            return;
        }
        String resourceVersion = Long.toString(kv.modRevision());
        codec.encodeTo(kv.value(), object -> Json.metadata(object).put("resourceVersion", resourceVersion), out);
    }

    /** The stored bytes of {@code kv} with the resourceVersion member at {@code at}, written around it, not copied. */
    private static void writeSpliced(KeyValue kv, int at, OutputStream out) throws IOException {
        byte[] value = kv.value();
        out.write(value, 0, at);
        out.write(resourceVersionMember(kv, at));
        out.write(value, at, value.length - at);
    }

    /** What goes at {@code at}, the start of the stored metadata's members: the resourceVersion, and a comma before any other. */
    private static byte[] resourceVersionMember(KeyValue kv, int at) {
        String member = "\"resourceVersion\":\"" + kv.modRevision() + '"';
        return (kv.value()[at] == '}' ? member : member + ',').getBytes(StandardCharsets.US_ASCII);
    }

    private ObjectNode withType(ObjectNode obj) {
        if (!obj.has("apiVersion") || !obj.has("kind")) {
            ObjectNode typed = Json.object();
            typed.put("apiVersion", meta.apiVersion());
            typed.put("kind", meta.kind());
            obj.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                    typed.set(e.getKey(), e.getValue());
                }
            });
            return typed;
        }
        return obj;
    }

    // ---- list

    /** Which objects a list or watch selects. */
    final class Selection {
        final LabelSelector labels;
        final FieldSelector fields;

        Selection(ListOptions options) {
            this.labels = LabelSelector.parse(options.labelSelector() == null ? "" : options.labelSelector());
            this.fields = FieldSelector.parse(options.fieldSelector() == null ? "" : options.fieldSelector());
            for (String field : fields.fields()) {
                if (!selectableFields.contains(field)) {
                    // kube's ConvertFieldLabel refuses a field the kind does not support, before anything is read
                    // kube's field label conversion: core/v1's kinds have their own functions, a kind of another group
                    // that selects more than its metadata has one in kube's style (a Job's), the others kube's default
                    String message = strategy.unsupportedFieldSelector(field);
                    if (message != null) {
                        // the strategy's own (a custom resource's)
                    } else if (meta.group().isEmpty()) {
                        message = "field label not supported: " + field;
                    } else if (selectableFields.size() > 2) {
                        message = "field label " + FieldCause.goQuote(field) + " not supported for " + meta.kind();
                    } else {
                        message = FieldCause.goQuote(field) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
                    }
                    throw StatusException.badRequest(message);
                }
            }
        }

        boolean everything() {
            return labels.isEmpty() && fields.isEmpty();
        }

        boolean matches(ObjectNode obj) {
            if (!labels.isEmpty() && !labels.matches(Json.labels(obj))) {
                return false;
            }
            return fields.isEmpty() || fields.matches(fieldsOf(obj));
        }
    }

    Map<String, String> fieldsOf(ObjectNode obj) {
        Map<String, String> f = new HashMap<>(strategy.selectableFields(obj));
        f.put("metadata.name", Json.name(obj));
        // kube converts metadata.namespace for every kind; a cluster-scoped object has none ("")
        f.put("metadata.namespace", meta.namespaced() ? Json.namespace(obj) : "");
        return f;
    }

    /**
     * One LIST's result before it is encoded: the items as stored, each decoded only when a selector
     * had to look at it.
     */
    public static final class Listing {
        private final List<KeyValue> stored = new ArrayList<>();
        private final List<ObjectNode> decoded = new ArrayList<>(); // parallel to stored; null where not decoded
        private final ObjectNode metadata = Json.object();

        void add(KeyValue kv, ObjectNode obj) {
            stored.add(kv);
            decoded.add(obj);
        }

        public int size() {
            return stored.size();
        }
    }

    /** The list {@link #list} would answer for {@code listing}, but for its items (an empty {@code items} marks their place). */
    public ObjectNode listEnvelope(Listing listing) {
        ObjectNode list = listHeader(listing);
        list.putArray("items");
        return list;
    }

    /** Item {@code i} of {@code listing} as {@link #list} has it, decoded now unless a selector already did. */
    public ObjectNode listItem(Listing listing, int i) {
        ObjectNode obj = listing.decoded.get(i);
        return obj != null ? obj : decode(listing.stored.get(i));
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        Listing listing = listing(ctx, options);
        ArrayNode items = Json.NODES.arrayNode();
        for (int i = 0; i < listing.stored.size(); i++) {
            ObjectNode obj = listing.decoded.get(i);
            items.add(obj != null ? obj : decode(listing.stored.get(i)));
        }
        ObjectNode list = listHeader(listing);
        list.set("items", items);
        return list;
    }

    private ObjectNode listHeader(Listing listing) {
        ObjectNode list = Json.object();
        list.put("kind", meta.listKind());
        list.put("apiVersion", meta.apiVersion());
        list.set("metadata", listing.metadata);
        return list;
    }

    /**
     * Writes {@code listing} as the JSON list {@link #list} returns, without decoding and re-encoding
     * the items: each item is its stored JSON with its resourceVersion added to its metadata (the
     * stored bytes are this store's own encoding, which leaves only the resourceVersion out).
     */
    public void writeJson(Listing listing, OutputStream out) throws IOException {
        ObjectNode header = listHeader(listing);
        byte[] head = Json.bytes(header);
        out.write(head, 0, head.length - 1); // without the closing brace
        out.write(ITEMS_OPEN);
        for (int i = 0; i < listing.stored.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            KeyValue kv = listing.stored.get(i);
            ObjectNode obj = listing.decoded.get(i);
            int at = obj == null ? storedJson.metadataBodyStart(kv.value()) : -1;
            if (at < 0) {
                out.write(Json.bytes(obj != null ? obj : decode(kv)));
                continue;
            }
            writeSpliced(kv, at, out);
        }
        out.write(ITEMS_CLOSE);
    }

    private static final byte[] ITEMS_OPEN = ",\"items\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ITEMS_CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

    /** The items a LIST answers and its list metadata (resourceVersion, continue, remainingItemCount). */
    public Listing listing(RequestContext ctx, ListOptions options) {
        ListOptionsValidation.check(options, false);
        Selection selection = new Selection(options);
        String prefix = listPrefix(ctx.namespace());
        long revision = 0;
        String startAfter = null;
        String rv = options.resourceVersion();
        String match = options.resourceVersionMatch();
        if (options.continueToken() != null && !options.continueToken().isEmpty()) {
            if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
                throw StatusException.badRequest("specifying resource version is not allowed when using continue");
            }
            ContinueToken token = ContinueToken.decode(options.continueToken(), prefix);
            revision = token.revision();
            startAfter = token.startAfter();
        } else if (rv != null && !rv.isEmpty()) {
            long parsed = parseResourceVersion(rv);
            if (ListOptionsValidation.EXACT.equals(match)) {
                revision = parsed; // not 0: ListOptionsValidation refused that
            } else {
                awaitRevision(parsed);
            }
        }
        String single = selection.fields.exactMatch("metadata.name");
        int limit = (int) Math.max(0, Math.min(options.limit(), Integer.MAX_VALUE));
        Listing items = new Listing();
        boolean everything = selection.everything();
        long readRevision;
        boolean more = false;
        long remaining = 0;
        String last = null;
        try {
            if (single != null && revision == 0 && (!meta.namespaced() || !ctx.namespace().isEmpty())) {
                // metadata.name=X pins one key: no range read (kubectl wait / get -w NAME use it)
                ListResult one = readOne(key(ctx.namespace(), single));
                readRevision = one.revision();
                for (KeyValue kv : one.items()) {
                    ObjectNode obj = everything ? null : decode(kv);
                    if (everything || selection.matches(obj)) {
                        items.add(kv, obj);
                    }
                }
            } else {
                // page through storage until the limit is filled, as kube's store does with selectors
                readRevision = revision;
                while (true) {
                    int want = limit == 0 ? 0 : limit - items.size();
                    ListResult page = storage.list(prefix, readRevision, startAfter, want == 0 ? 0 : Math.max(want, selection.everything() ? want : 64));
                    readRevision = page.revision();
                    List<KeyValue> kvs = page.items();
                    int used = 0;
                    for (KeyValue kv : kvs) {
                        used++;
                        ObjectNode obj = everything ? null : decode(kv);
                        last = kv.key();
                        if (everything || selection.matches(obj)) {
                            items.add(kv, obj);
                            if (limit > 0 && items.size() == limit) {
                                break;
                            }
                        }
                    }
                    boolean pageLeftover = used < kvs.size();
                    if (limit > 0 && items.size() == limit) {
                        more = pageLeftover || page.more();
                        if (more && selection.everything()) {
                            remaining = page.remaining() + (kvs.size() - used);
                        }
                        break;
                    }
                    if (!page.more()) {
                        break;
                    }
                    startAfter = kvs.isEmpty() ? startAfter : kvs.get(kvs.size() - 1).key();
                }
            }
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED && options.continueToken() != null
                    && !options.continueToken().isEmpty()) {
                throw StatusException.expired("The provided continue parameter is too old to display a consistent list result. "
                        + "You can start a new list without the continue parameter, or use the continue token in this response to "
                        + "retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - "
                        + "objects that were created, modified, or deleted between the time the first chunk was returned and now may "
                        + "show up in the list.");
            }
            if (e.code() == StorageException.Code.COMPACTED) {
                throw tooOld(revision, storage.compactedRevision());
            }
            if (e.code() == StorageException.Code.FUTURE_REVISION) {
                throw StatusException.tooLargeResourceVersion(revision, storage.currentRevision());
            }
            throw toStatus(e, meta, "");
        }
        ObjectNode lm = items.metadata;
        lm.put("resourceVersion", Long.toString(readRevision));
        if (more) {
            lm.put("continue", ContinueToken.encode(readRevision, last, prefix));
            if (remaining > 0) {
                lm.put("remainingItemCount", remaining);
            }
        }
        return items;
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

    /** The object's namespace is the request's: filled in when absent, refused when different (kube's rest.BeforeCreate/Update). */
    private static void requestNamespace(ObjectNode m, RequestContext ctx) {
        String ns = Json.text(m, "namespace");
        if (ns.isEmpty()) {
            m.put("namespace", ctx.namespace());
        } else if (!ns.equals(ctx.namespace())) {
            throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    // ---- create

    /**
     * kube's {@code RetryGenerateName} (on since 1.31): a create whose name the server generates is
     * tried up to this many times, each with a new name, while the generated name is taken.
     */
    static final int MAX_NAME_GENERATION_CREATE_ATTEMPTS = 8;

    /** The suffixes of generated names: kube's five random characters (tests choose their own). */
    private java.util.function.Supplier<String> nameSuffixes = GenericStore::randomSuffix;

    void nameSuffixes(java.util.function.Supplier<String> suffixes) {
        this.nameSuffixes = suffixes;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode input) {
        JsonNode metadata = input.get("metadata");
        boolean generated = metadata != null && Json.text(metadata, "name").isEmpty()
                && !Json.text(metadata, "generateName").isEmpty();
        for (int attempt = 1; ; attempt++) {
            try {
                return createOnce(ctx, input);
            } catch (StatusException e) {
                if (!generated || attempt >= MAX_NAME_GENERATION_CREATE_ATTEMPTS || !"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }

    private ObjectNode createOnce(RequestContext ctx, ObjectNode input) {
        ObjectNode obj = input.deepCopy();
        obj.put("apiVersion", meta.apiVersion());
        obj.put("kind", meta.kind());
        ObjectNode m = Json.metadata(obj);
        if (meta.namespaced()) {
            requestNamespace(m, ctx);
        } else {
            m.remove("namespace");
        }
        String resourceVersion = Json.text(m, "resourceVersion");
        if (Json.text(m, "name").isEmpty() && !Json.text(m, "generateName").isEmpty()) {
            m.put("name", Json.text(m, "generateName") + nameSuffixes.get());
        }
        m.put("uid", UUID.randomUUID().toString());
        m.put("creationTimestamp", Json.now());
        m.remove("deletionTimestamp");
        m.remove("deletionGracePeriodSeconds");
        // managedFields are the field manager's (the endpoint sets them before the store sees the object)
        if (strategy.tracksGeneration()) {
            m.put("generation", 1);
        } else {
            m.remove("generation");
        }
        if (options.statusSubresource()) {
            obj.remove("status");
        }
        strategy.applyDefaults(obj);
        Json.canonicalNumbers(obj);
        strategy.prepareForCreate(obj);
        Json.canonicalNumbers(obj);
        NameValidator names = (name, prefix) -> {
            List<String> own = strategy.validateName(name, prefix);
            return own != null ? own : nameValidator.validate(name, prefix);
        };
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMeta(m, meta.namespaced(), names));
        causes.addAll(strategy.validate(obj));
        if (!resourceVersion.isEmpty()) {
            // kube's storage refuses it after validation, as a plain error (a 500): here it is the 422 it is
            causes.add(FieldCause.invalid("metadata.resourceVersion", resourceVersion,
                    "resourceVersion should not be set on objects to be created"));
        }
        String name = Json.text(m, "name");
        if (!causes.isEmpty()) {
            throw StatusException.invalid(meta.group(), meta.kind(), name, causes);
        }
        if (meta.namespaced()) {
            namespaces.checkCreate(Json.text(m, "namespace"));
        }
        if (ctx.dryRun()) {
            return obj;
        }
        try {
            // without a resourceVersion (refused above, and never a strategy's to set) obj's bytes are the stored form
            m.remove("resourceVersion");
            ObjectNode stored = versions.toStored(obj);
            KeyValue kv = storage.create(key(Json.text(m, "namespace"), name), Json.bytes(StoredJson.inStoredOrder(stored)));
            if (stored != obj) {
                // in another version than stored: answered as a read of it would be, converted back
                return decode(kv);
            }
            // what decoding the stored bytes would give, without parsing them again
            m.put("resourceVersion", Long.toString(kv.modRevision()));
            return obj;
        } catch (StorageException e) {
            throw toStatus(e, meta, name);
        }
    }

    /** kube's generated-name suffix: five characters of its alphabet, from a plain (not a secure) random source, as kube's. */
    private static String randomSuffix() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(ALPHANUMS.charAt(random.nextInt(ALPHANUMS.length())));
        }
        return sb.toString();
    }

    // ---- update

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        String key = key(ctx.namespace(), name);
        while (true) {
            KeyValue current = read(key, name);
            if (current == null) {
                if (options.statusWrites() != null) {
                    throw StatusException.notFound(meta.group(), meta.resource(), name);
                }
                ObjectNode created = transform.apply(null);
                if (!strategy.allowCreateOnUpdate()) {
                    throw StatusException.notFound(meta.group(), meta.resource(), name);
                }
                Json.metadata(created).remove("resourceVersion");
                try {
                    return new UpdateResult(create(ctx, created), true);
                } catch (StatusException e) {
                    if ("AlreadyExists".equals(e.reason())) {
                        continue;
                    }
                    throw e;
                }
            }
            ObjectNode old = withType(decode(current));
            ObjectNode obj = transform.apply(old.deepCopy());
            if (obj == null) {
                return new UpdateResult(old, false);
            }
            obj.put("apiVersion", meta.apiVersion());
            obj.put("kind", meta.kind());
            ObjectNode m = Json.metadata(obj);
            String newName = Json.text(m, "name");
            if (!newName.isEmpty() && !newName.equals(name)) {
                throw StatusException.badRequest("the name of the object (" + newName
                        + ") does not match the name on the URL (" + name + ")");
            }
            m.put("name", name);
            if (meta.namespaced()) {
                requestNamespace(m, ctx);
            }
            String rv = Json.text(m, "resourceVersion");
            boolean conditional = !rv.isEmpty();
            if (!conditional && !strategy.allowUnconditionalUpdate()) {
                throw StatusException.invalid(meta.group(), meta.kind(), name, List.of(
                        FieldCause.invalid("metadata.resourceVersion", "0x0", "must be specified for an update")));
            }
            if (conditional && !rv.equals(Long.toString(current.modRevision()))) {
                throw StatusException.conflict(meta.group(), meta.resource(), name,
                        "the object has been modified; please apply your changes to the latest version and try again");
            }
            ObjectNode oldMeta = Json.metadata(old);
            // system fields are the server's, whatever the client sent (kube's FillObjectMetaSystemFields on update)
            copyField(oldMeta, m, "uid");
            copyField(oldMeta, m, "creationTimestamp");
            copyField(oldMeta, m, "deletionTimestamp");
            copyField(oldMeta, m, "deletionGracePeriodSeconds");
            if (strategy.tracksGeneration()) {
                copyField(oldMeta, m, "generation");
            } else {
                m.remove("generation");
            }
            strategy.applyDefaults(obj);
            // numbers a strategy put in code compare with the stored ones as parsed (prepareForUpdate compares too)
            Json.canonicalNumbers(obj);
            if (options.statusWrites() != null) {
                options.statusWrites().prepareForUpdate(obj, old);
            } else {
                if (options.statusSubresource()) {
                    copyField(old, obj, "status");
                }
                strategy.prepareForUpdate(obj, old);
            }
            Json.canonicalNumbers(obj);
            // a spec change bumps the generation once, unless the strategy bumped it already (kube's Deployment
            // strategy does for annotation changes too)
            if (strategy.tracksGeneration() && !java.util.Objects.equals(obj.get("spec"), old.get("spec"))
                    && m.path("generation").asLong(0) == oldMeta.path("generation").asLong(0)) {
                m.put("generation", oldMeta.path("generation").asLong(0) + 1);
            }
            List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMetaUpdate(m, oldMeta));
            causes.addAll(options.statusWrites() != null ? options.statusWrites().validateUpdate(obj, old)
                    : strategy.validateUpdate(obj, old));
            if (!causes.isEmpty()) {
                throw StatusException.invalid(meta.group(), meta.kind(), name, causes);
            }
            m.put("resourceVersion", Long.toString(current.modRevision()));
            if (obj.equals(old)) {
                // kube skips the write when nothing changed: same resourceVersion, no watch event
                return new UpdateResult(old, false);
            }
            if (!Json.text(oldMeta, "deletionTimestamp").isEmpty() && m.path("finalizers").size() == 0
                    && !(strategy instanceof GracefulDeletion g && g.keepAfterMark(obj))) {
                // the last finalizer left an object being deleted: now it goes (kube's deleteWithoutFinalizers);
                // one whose strategy keeps it (a namespace, until its controller has emptied it) stays
                if (ctx.dryRun()) {
                    return new UpdateResult(obj, false);
                }
                try {
                    KeyValue deleted = storage.delete(key, current.modRevision());
                    return new UpdateResult(decode(deleted.value(), deleted.modRevision()), false);
                } catch (StorageException e) {
                    if (e.code() == StorageException.Code.CONFLICT) {
                        continue;
                    }
                    throw toStatus(e, meta, name);
                }
            }
            if (ctx.dryRun()) {
                return new UpdateResult(obj, false);
            }
            try {
                KeyValue kv = storage.update(key, current.modRevision(), encodeForStorage(obj));
                return new UpdateResult(decode(kv), false);
            } catch (StorageException e) {
                // a write in between: run the transform again on the fresh object, as kube's GuaranteedUpdate does;
                // a client's stale resourceVersion is caught by the check above on the retry
                if (e.code() == StorageException.Code.CONFLICT) {
                    continue;
                }
                throw toStatus(e, meta, name);
            }
        }
    }

    private static void copyField(ObjectNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null) {
            to.remove(field);
        } else {
            to.set(field, v);
        }
    }

    // ---- delete

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        String key = key(ctx.namespace(), name);
        ObjectNode preconditions = options == null ? null : (ObjectNode) options.get("preconditions");
        while (true) {
            KeyValue current = read(key, name);
            if (current == null) {
                throw StatusException.notFound(meta.group(), meta.resource(), name);
            }
            ObjectNode obj = withType(decode(current));
            ObjectNode m = Json.metadata(obj);
            checkPreconditions(preconditions, m, name);
            boolean hasFinalizers = m.path("finalizers").size() > 0;
            List<String> gcFinalizers = DeletionFinalizers.after(m.get("finalizers"), options, garbageCollectionPolicy());
            boolean beingDeleted = !Json.text(m, "deletionTimestamp").isEmpty();
            GracefulDeletion graceful = strategy instanceof GracefulDeletion g ? g : null;
            if (hasFinalizers || gcFinalizers != null || graceful != null) {
                // graceful: mark for deletion; the finalizers' owners (the garbage collector, a controller) finish it.
                // An object being deleted already changes only in the collector's finalizers the delete asks for.
                if (beingDeleted && gcFinalizers == null) {
                    return new GracefulDeleter.DeleteResult(obj, false);
                }
                ObjectNode marked = obj.deepCopy();
                ObjectNode mm = Json.metadata(marked);
                if (gcFinalizers != null) {
                    if (gcFinalizers.isEmpty()) {
                        mm.remove("finalizers");
                    } else {
                        ArrayNode fs = mm.putArray("finalizers");
                        gcFinalizers.forEach(fs::add);
                    }
                }
                if (!beingDeleted) {
                    mm.put("deletionTimestamp", Json.now());
                    mm.put("deletionGracePeriodSeconds", 0);
                    if (graceful != null) {
                        graceful.prepareForDelete(marked);
                    }
                }
                if (mm.path("finalizers").size() > 0 || (graceful != null && graceful.keepAfterMark(marked))) {
                    if (ctx.dryRun()) {
                        return new GracefulDeleter.DeleteResult(marked, false);
                    }
                    try {
                        KeyValue kv = storage.update(key, current.modRevision(), encodeForStorage(marked));
                        return new GracefulDeleter.DeleteResult(decode(kv), false);
                    } catch (StorageException e) {
                        if (e.code() == StorageException.Code.CONFLICT) {
                            continue;
                        }
                        throw toStatus(e, meta, name);
                    }
                }
            }
            if (ctx.dryRun()) {
                return new GracefulDeleter.DeleteResult(obj, true);
            }
            try {
                KeyValue deleted = storage.delete(key, current.modRevision());
                return new GracefulDeleter.DeleteResult(withType(decode(deleted.value(), deleted.modRevision())), true);
            } catch (StorageException e) {
                if (e.code() == StorageException.Code.CONFLICT) {
                    continue;
                }
                if (e.code() == StorageException.Code.NOT_FOUND) {
                    throw StatusException.notFound(meta.group(), meta.resource(), name);
                }
                throw toStatus(e, meta, name);
            }
        }
    }

    /** The resource's own default for a delete that names no propagation (kube's is background). */
    private GarbageCollectionPolicy.Policy garbageCollectionPolicy() {
        return strategy instanceof GarbageCollectionPolicy p ? p.defaultGarbageCollectionPolicy(meta.version())
                : GarbageCollectionPolicy.Policy.DELETE_DEPENDENTS;
    }

    private void checkPreconditions(ObjectNode pre, ObjectNode m, String name) {
        if (pre == null) {
            return;
        }
        String uid = Json.text(pre, "uid");
        if (!uid.isEmpty() && !uid.equals(Json.text(m, "uid"))) {
            throw StatusException.conflict(meta.group(), meta.resource(), name, "Precondition failed: UID in precondition: "
                    + uid + ", UID in object meta: " + Json.text(m, "uid"));
        }
        String rv = Json.text(pre, "resourceVersion");
        if (!rv.isEmpty() && !rv.equals(Json.text(m, "resourceVersion"))) {
            throw StatusException.conflict(meta.group(), meta.resource(), name,
                    "Precondition failed: ResourceVersion in precondition: " + rv + ", ResourceVersion in object meta: "
                            + Json.text(m, "resourceVersion"));
        }
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        ObjectNode list = list(ctx, new ListOptions(listOptions.labelSelector(), listOptions.fieldSelector(), 0, null,
                null, null, false, 0, null));
        ArrayNode deleted = Json.NODES.arrayNode();
        for (JsonNode item : list.get("items")) {
            ObjectNode obj = (ObjectNode) item;
            RequestContext itemCtx = new RequestContext(Json.namespace(obj), ctx.user(), ctx.dryRun(), ctx.fieldManager());
            try {
                deleted.add(delete(itemCtx, Json.name(obj), deleteOptions).object());
            } catch (StatusException e) {
                if (!"NotFound".equals(e.reason())) {
                    throw e;
                }
            }
        }
        list.set("items", deleted);
        return list;
    }

    // ---- watch

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        ListOptionsValidation.check(options, true);
        Selection selection = new Selection(options);
        String single = selection.fields.exactMatch("metadata.name");
        String watchKey = single != null && (!meta.namespaced() || !ctx.namespace().isEmpty())
                ? key(ctx.namespace(), single) : listPrefix(ctx.namespace());
        String rv = options.resourceVersion();
        boolean fromNowOrAny = rv == null || rv.isEmpty() || rv.equals("0");
        // kube's SetListOptionsDefaults with WatchList on (kube 1.32's default): such a watch naming neither
        // sendInitialEvents nor resourceVersionMatch is a watch-list (sendInitialEvents=true, NotOlderThan)
        boolean watchList = Boolean.TRUE.equals(options.sendInitialEvents())
                || fromNowOrAny && options.sendInitialEvents() == null
                && (options.resourceVersionMatch() == null || options.resourceVersionMatch().isEmpty());
        long from;
        boolean initial;
        if (fromNowOrAny) {
            initial = options.sendInitialEvents() == null || options.sendInitialEvents();
            from = 0;
        } else {
            from = parseResourceVersion(rv);
            initial = Boolean.TRUE.equals(options.sendInitialEvents());
        }
        // "resourceVersion X" is "changes after X": from the compacted revision C only revisions > C are
        // needed, and they remain, so only X < C is too old. As kube's watch cache
        // (getAllEventsSinceLocked: "resourceVersion < oldest-1" fails with "too old resource version:
        // %d (%d)", resourceVersion, oldest-1), the number in parentheses is the oldest one a watch can
        // start from. The endpoint sends this 410 as the stream's only (ERROR) event.
        // With sendInitialEvents the state sent is the newest, which is "not older than" any resourceVersion
        // asked for (kube's only match for it), so only a watch without initial events can be too old.
        long compacted = storage.compactedRevision();
        if (!initial && from > 0 && from < compacted) {
            throw tooOld(from, compacted);
        }
        if (initial && from > 0) {
            // the state sent must be not older than the resourceVersion asked for
            awaitRevision(from);
        }
        // A watch from a resourceVersion the store has not reached yet is accepted, as by kube's watch
        // cache: it delivers the changes after that resourceVersion once they happen.
        if (initial) {
            // synthetic ADDEDs of the newest state, then the changes after its revision (kube's "Get State and
            // Start"; with a resourceVersion, sendInitialEvents means NotOlderThan it)
            ListResult state;
            try {
                state = watchKey.endsWith("/") ? storage.list(watchKey, 0, null, 0) : readOne(watchKey);
            } catch (StorageException e) {
                throw toStatus(e, meta, "");
            }
            for (KeyValue kv : state.items()) {
                ObjectNode obj = withType(decode(kv));
                if (selection.matches(obj)) {
                    sink.event("ADDED", obj);
                }
            }
            if (watchList && options.allowWatchBookmarks()) {
                ObjectNode bookmark = bookmark(state.revision());
                Json.metadata(bookmark).putObject("annotations").put("k8s.io/initial-events-end", "true");
                sink.event("BOOKMARK", bookmark);
            }
            from = state.revision();
        }
        boolean bookmarks = options.allowWatchBookmarks();
        // where the change feed starts: a watch resumed from here misses nothing (a watch from "now" starts
        // at or after the current revision, so resuming from it may only repeat changes the client never saw)
        sink.progress(from > 0 ? from : storage.currentRevision());
        try {
            return storage.watch(watchKey, from, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    // Decoded once per change and shared by every watcher of this store (kube's cachingObject);
                    // the previous object is decoded only when it is sent or a selector must judge it.
                    boolean filtered = !selection.everything();
                    ObjectNode before = event.prevValue() == null || (!filtered && event.type() == WatchEvent.Type.PUT)
                            ? null : before(event);
                    boolean beforeMatched = event.prevValue() != null && (!filtered || selection.matches(before));
                    if (event.type() == WatchEvent.Type.DELETE) {
                        if (beforeMatched) {
                            sink.event("DELETED", before, encodings(event, memoDeleted));
                        }
                        return;
                    }
                    ObjectNode now = now(event);
                    boolean nowMatches = !filtered || selection.matches(now);
                    if (nowMatches && !beforeMatched) {
                        sink.event("ADDED", now, encodings(event, memoAdded));
                    } else if (nowMatches) {
                        sink.event("MODIFIED", now, encodings(event, memoModified));
                    } else if (beforeMatched) {
                        // an object leaving the selection is a deletion for this watcher: kube's cacher sends the
                        // previous object, stamped with the event's resourceVersion
                        sink.event("DELETED", before, encodings(event, memoDeleted));
                    }
                }

                private long lastBookmark = System.nanoTime();

                @Override
                public void onProgress(long revision) {
                    sink.progress(revision);
                    // kube's cacher sends a watcher a bookmark about once a minute, not on every progress notification
                    long now = System.nanoTime();
                    if (bookmarks && now - lastBookmark >= BOOKMARK_INTERVAL_NANOS) {
                        lastBookmark = now;
                        sink.event("BOOKMARK", bookmark(revision));
                    }
                }

                @Override
                public void onClose(StorageException error) {
                    sink.closed(error == null ? null : toStatus(error, meta, ""));
                }
            });
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED) {
                // compacted meanwhile, or older than the watch cache's window (whose start is in e.revision())
                long oldest = Math.max(storage.compactedRevision(), e.revision());
                throw tooOld(from, oldest);
            }
            throw toStatus(e, meta, "");
        }
    }

    // One change, as every watcher of this store sees it: memoized on the (shared) WatchEvent under
    // keys private to this store, since another store (another version of the resource) decodes differently.
    private final Object memoNow = new Object();
    private final Object memoBefore = new Object();
    private final Object memoAdded = new Object();
    private final Object memoModified = new Object();
    private final Object memoDeleted = new Object();
    /** Watch events decoded by this store (objects and previous objects): a test hook. */
    final java.util.concurrent.atomic.AtomicLong watchDecodes = new java.util.concurrent.atomic.AtomicLong();

    /** The changed object, decoded once per change; shared, so read-only. */
    private ObjectNode now(WatchEvent event) {
        return event.memo(memoNow, e -> {
            watchDecodes.incrementAndGet();
            return withType(decode(e.value(), e.revision()));
        });
    }

    /** The previous object stamped with the event's revision (what DELETED carries), decoded once; read-only. */
    private ObjectNode before(WatchEvent event) {
        return event.memo(memoBefore, e -> {
            watchDecodes.incrementAndGet();
            return withType(decode(e.prevValue(), e.revision()));
        });
    }

    /** The encodings of one (event type, object) of a change, made once for all the watchers that receive it. */
    private static SharedEncodings encodings(WatchEvent event, Object which) {
        return event.memo(which, e -> new Encodings());
    }

    private static final class Encodings implements SharedEncodings {
        private final java.util.concurrent.ConcurrentHashMap<String, byte[]> byId = new java.util.concurrent.ConcurrentHashMap<>(4);

        @Override
        public byte[] encode(String id, java.util.function.Supplier<byte[]> encode) {
            return byId.computeIfAbsent(id, k -> encode.get());
        }
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode b = Json.object();
        b.put("kind", meta.kind());
        b.put("apiVersion", meta.apiVersion());
        b.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return b;
    }

    // ---- table

    @Override
    public List<TableColumn> columns() {
        return table.columns();
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        return table.cells(object);
    }

    /** Continue tokens as kube encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after prefix>"}. */
    record ContinueToken(long revision, String startAfter) {
        static String encode(long revision, String lastKey, String prefix) {
            ObjectNode t = Json.object();
            t.put("v", "meta.k8s.io/v1");
            t.put("rv", revision);
            t.put("start", lastKey.substring(prefix.length()) + "\u0000");
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(t));
        }

        static ContinueToken decode(String token, String prefix) {
            try {
                byte[] raw = Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_').replace("=", ""));
                ObjectNode t = Json.parseObject(raw);
                if (!"meta.k8s.io/v1".equals(Json.text(t, "v"))) {
                    throw new IllegalArgumentException("unsupported version");
                }
                long rv = t.path("rv").asLong(0);
                String start = Json.text(t, "start");
                if (rv <= 0 || start.isEmpty() || start.contains("..") || start.startsWith("/")) {
                    throw new IllegalArgumentException("bad token");
                }
                if (start.endsWith("\u0000")) {
                    start = start.substring(0, start.length() - 1);
                }
                return new ContinueToken(rv, prefix + start);
            } catch (IOException | RuntimeException e) {
                throw StatusException.badRequest("continue key is not valid: " + e.getMessage());
            }
        }
    }
}
