package io.kapi.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.core.json.Json;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import io.kapi.protobuf.KubeProtobuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Every verb of one resource on a {@link Strategy} and a {@link Storage}, as kube's
 * {@code genericregistry.Store}. Objects are stored as JSON without {@code resourceVersion}; it is
 * set from the key's modRevision when read, exactly as kube's etcd3 store does with its versioner
 * ({@link StoreCodec}). Gets, creates and updates are here; a LIST is {@link StoreLister}'s, a WATCH
 * {@link StoreWatch}'s, a DELETE {@link StoreDeleter}'s. Thread-safe and stateless apart from its immutable configuration.
 */
public class GenericStore implements RestStore, TableConvertor {

    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private final ResourceMeta meta;
    private final Strategy strategy;
    private final Storage storage;
    private final NamespaceGuard namespaces;
    private final NameValidator nameValidator;
    private final TableConvertor table;
    private final Options options;
    private final Versions versions;
    private final StoreCodec codec;
    private final StoreReader reader;
    private final StoreLister lister;
    private final StoreWatch watches;
    private final StoreDeleter deleter;

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
        this.options = options;
        this.versions = options.versions() != null ? options.versions() : Versions.single(meta);
        this.strategy = strategy;
        this.storage = storage;
        this.namespaces = namespaces == null ? NamespaceGuard.NONE : namespaces;
        this.nameValidator = nameValidator;
        TableConvertor t = strategy.table();
        this.table = t != null ? t : Printer.nameAndAge();
        this.codec = new StoreCodec(meta, versions);
        this.reader = new StoreReader(meta, storage);
        SelectableFields selectable = new SelectableFields(meta, strategy);
        this.lister = new StoreLister(meta, storage, codec, reader, selectable);
        this.watches = new StoreWatch(meta, storage, codec, reader, selectable);
        this.deleter = new StoreDeleter(meta, strategy, storage, codec, reader);
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

    // ---- get

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        KeyValue kv = reader.read(codec.key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        return codec.withType(codec.decode(kv));
    }

    /**
     * Writes what {@link #get} answers, as compact JSON: the stored bytes with the resourceVersion spliced into
     * their metadata, not decoded and encoded again (kube's watch cache serves a GET from the object it
     * holds, without a decode), unless they are not in the store's own form (see {@link StoredJson}). The
     * bytes go out around the splice, not copied into one array first (for a 1 MiB Secret, a copy as large).
     */
    public void writeJson(RequestContext ctx, String name, OutputStream out) throws IOException {
        KeyValue kv = reader.read(codec.key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        // only the store's own form, which names the kind: other bytes are decoded and typed, as get does
        int at = codec.storedJson.ownFormMetadataBodyStart(kv.value());
        if (at < 0) {
            out.write(Json.bytes(codec.withType(codec.decode(kv))));
            return;
        }
        StoreCodec.writeSpliced(kv, at, out);
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
    public void writeProtobuf(RequestContext ctx, String name, KubeProtobuf protobuf, OutputStream out) throws IOException {
        KeyValue kv = reader.read(codec.key(ctx.namespace(), name), name);
        if (kv == null) {
            throw StatusException.notFound(meta.group(), meta.resource(), name);
        }
        if (kv.value().length < PROTOBUF_IN_PLACE_BYTES || codec.storedJson.ownFormMetadataBodyStart(kv.value()) < 0) {
            protobuf.encodeTo(codec.withType(codec.decode(kv)), out);
            return;
        }
        String resourceVersion = Long.toString(kv.modRevision());
        protobuf.encodeTo(kv.value(), object -> Json.metadata(object).put("resourceVersion", resourceVersion), out);
    }

    // ---- list

    /** The list {@link #list} would answer for {@code listing}, but for its items (an empty {@code items} marks their place). */
    public ObjectNode listEnvelope(Listing listing) {
        return lister.listEnvelope(listing);
    }

    /** Item {@code i} of {@code listing} as {@link #list} has it, decoded now unless a selector already did. */
    public ObjectNode listItem(Listing listing, int i) {
        return lister.listItem(listing, i);
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        return lister.list(ctx, options);
    }

    /**
     * Writes {@code listing} as the JSON list {@link #list} returns, without decoding and re-encoding
     * the items: each item is its stored JSON with its resourceVersion added to its metadata (the
     * stored bytes are this store's own encoding, which leaves only the resourceVersion out).
     */
    public void writeJson(Listing listing, OutputStream out) throws IOException {
        lister.writeJson(listing, out);
    }

    /** The items a LIST answers and its list metadata (resourceVersion, continue, remainingItemCount). */
    public Listing listing(RequestContext ctx, ListOptions options) {
        return lister.listing(ctx, options);
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
        causes.addAll(kubeFinalizerNames(m));
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
            String key = codec.key(Json.text(m, "namespace"), name);
            return codec.write(obj, bytes -> storage.create(key, bytes));
        } catch (StorageException e) {
            throw StoreReader.toStatus(e, meta, name);
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
        String key = codec.key(ctx.namespace(), name);
        while (true) {
            KeyValue current = reader.read(key, name);
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
            ObjectNode old = codec.withType(codec.decode(current));
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
            causes.addAll(kubeFinalizerNames(m));
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
                    return new UpdateResult(codec.decode(deleted.value(), deleted.modRevision()), false);
                } catch (StorageException e) {
                    if (e.code() == StorageException.Code.CONFLICT) {
                        continue;
                    }
                    throw StoreReader.toStatus(e, meta, name);
                }
            }
            if (ctx.dryRun()) {
                return new UpdateResult(obj, false);
            }
            try {
                return new UpdateResult(codec.write(obj, bytes -> storage.update(key, current.modRevision(), bytes)), false);
            } catch (StorageException e) {
                // a write in between: run the transform again on the fresh object, as kube's GuaranteedUpdate does;
                // a client's stale resourceVersion is caught by the check above on the retry
                if (e.code() == StorageException.Code.CONFLICT) {
                    continue;
                }
                throw StoreReader.toStatus(e, meta, name);
            }
        }
    }

    /** kube's core validation of a built-in kind's finalizer names; none for a custom resource (kube only warns). */
    private List<FieldCause> kubeFinalizerNames(ObjectNode m) {
        return strategy instanceof io.kapi.api.rest.Unstructured ? List.of()
                : ObjectMetaValidation.validateKubeFinalizerNames(m.get("finalizers"), "metadata.finalizers");
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
        return deleter.delete(ctx, name, options);
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
        return watches.watch(ctx, options, sink);
    }

    /** Watch events decoded by this store (objects and previous objects): a test hook. */
    long watchDecodes() {
        return watches.watchDecodes.get();
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
}
