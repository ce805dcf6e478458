package io.kapi.core.endpoints;

import io.kapi.api.rest.CollectionDeleter;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.Watcher;
import io.kapi.core.openapi.OpenApi;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.apply.FieldManager;
import io.kapi.machinery.apply.FieldSet;
import io.kapi.machinery.patch.SmpSchema;
import io.kapi.machinery.validation.StrictDecoding;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import io.kapi.core.registry.ScaleRest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One resource as it is served: its identity, definition, REST storage and the watches open on it.
 * Lives as long as the contribution that made it; when it leaves the serving snapshot its watches
 * move to its successor ({@link #releaseWatches()}, {@link HeldWatch#moveTo}) or end cleanly
 * ({@link #closeWatches()}).
 */
public final class ServedResource {
    private final ResourceMeta meta;
    private final ResourceDefinition definition;
    private final Object storage;
    private final List<String> verbs;
    private final StrictDecoding decoding;
    private final ObjectNode schema;
    private final java.util.function.Function<String, com.fasterxml.jackson.databind.JsonNode> refs;
    /** Built on the resource's first PATCH (its handler asks for it): a walk of the whole schema, not needed to serve. */
    private volatile SmpSchema patchSchema;
    private final FieldManager fieldManager;
    private final Set<HeldWatch> watches = ConcurrentHashMap.newKeySet();
    private final Object backend;
    private final String subresource;
    private final Map<String, ServedResource> subresources;
    private final String storageVersion;
    private final OtherVersions otherVersions;
    private volatile boolean closed;

    /** The {@code scale} subresource's kind, as kube's autoscaling/v1 Scale. */
    private static final ObjectNode SCALE_SCHEMA = (ObjectNode) OpenApi.commonSchema("#/components/schemas/io.k8s.api.autoscaling.v1.Scale");

    public ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage) {
        this(meta, definition, storage, null, Map.of(), meta.version());
    }

    /**
     * @param backend the storage backend under {@code storage}, or null: watches move only between
     *     resources on the same backend, whose revisions they resume from
     * @param subresourceStorage the REST storage of each subresource ({@code status}, {@code scale})
     * @param storageVersion the version objects of the resource are stored in
     */
    public ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage, Object backend,
                          Map<String, Object> subresourceStorage, String storageVersion) {
        this(meta, definition, storage, backend, "", definition == null ? null : definition.schema(),
                subresourceStorage, storageVersion, null);
    }

    /**
     * A resource whose field manager reads the managedFields entries of its other served versions
     * through {@code otherVersions} ({@link #readVersions}).
     */
    public ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage, Object backend,
                          Map<String, Object> subresourceStorage, String storageVersion, OtherVersions otherVersions) {
        this(meta, definition, storage, backend, "", definition == null ? null : definition.schema(),
                subresourceStorage, storageVersion, otherVersions);
    }

    /**
     * The field manager of {@code def}'s kind in its served version, reading the entries of the resource's
     * other versions through what it returns with it ({@link #readVersions}).
     */
    public static OtherVersions otherVersions(ResourceMeta meta, ResourceDefinition def) {
        return new OtherVersions(meta.group(), meta.apiVersion(), def.converter(),
                new FieldManager(def.schema(), OpenApi.refs(def), meta.apiVersion()));
    }

    private ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage, Object backend,
                           String subresource, ObjectNode schema, Map<String, Object> subresourceStorage,
                           String storageVersion, OtherVersions otherVersions) {
        this.backend = backend;
        this.storageVersion = storageVersion == null || storageVersion.isEmpty() ? meta.version() : storageVersion;
        this.meta = meta;
        this.definition = definition;
        this.storage = storage;
        this.subresource = subresource;
        this.verbs = verbsOf(storage);
        // the schema is walked as it is, once per request; built here once per resource
        java.util.function.Function<String, com.fasterxml.jackson.databind.JsonNode> refs = OpenApi.refs(definition);
        this.schema = schema;
        this.refs = refs;
        // a built-in kind is decoded into its Go type, a value of the wrong type a 400; a custom resource is not
        this.decoding = definition != null && definition.strategy() instanceof io.kapi.api.rest.Unstructured
                ? new StrictDecoding(schema, refs) : new StrictDecoding(schema, refs).typed(meta.kind());
        this.otherVersions = otherVersions;
        // the resource and its status read other versions' entries; a subresource of another kind does not
        this.fieldManager = otherVersions != null && (subresource.isEmpty() || subresource.equals("status"))
                ? otherVersions.fieldManager(meta.apiVersion()).converting(otherVersions)
                : new FieldManager(schema, refs, meta.apiVersion());
        Map<String, ServedResource> subs = new TreeMap<>();
        subresourceStorage.forEach((name, rest) -> {
            if (name.equals("scale")) {
                ResourceMeta scale = new ResourceMeta("autoscaling", "v1", meta.resource(), ScaleRest.KIND, meta.namespaced());
                subs.put(name, new ServedResource(scale, definition, rest, null, name, SCALE_SCHEMA, Map.of(), "v1", null));
            } else if (custom(definition, name) != null) {
                io.kapi.api.rest.Subresource c = custom(definition, name);
                // a subresource of its own kind (kube's pods/binding takes a Binding, pods/eviction a policy/v1 Eviction)
                ResourceMeta kind = new ResourceMeta(c.group(), c.version(), meta.resource(), c.kind(), meta.namespaced());
                subs.put(name, new ServedResource(kind, definition, rest, null, name, c.schema(), Map.of(), c.version(), null));
            } else {
                subs.put(name, new ServedResource(meta, definition, rest, null, name, schema, Map.of(), storageVersion,
                        otherVersions));
            }
        });
        this.subresources = Collections.unmodifiableMap(subs);
    }

    /** The version objects of the resource are stored in (discovery's {@code storageVersionHash} names it). */
    public String storageVersion() {
        return storageVersion;
    }

    /** "" for a resource, else the name of the subresource this is ({@code status}, {@code scale}). */
    public String subresource() {
        return subresource;
    }

    /** The resource's subresources by name, in name order (kube's discovery order). */
    public Map<String, ServedResource> subresources() {
        return subresources;
    }

    /**
     * Applies the kind's defaults to {@code written}, as decoding does in kube, and records the fields
     * an update (or a patch) sets in its managed fields, after taking
     * out what this endpoint does not let the client change, so that the writer owns only what it set:
     * the status through the resource itself when it has a status subresource, what the status
     * strategy resets through {@code /status}; the status strategy's reset fields ({@link ResetFields})
     * are moreover owned by nobody, as kube's field manager ignores them. The scale subresource records
     * its writes on the object itself ({@link ScaleRest}).
     */
    public void recordUpdate(ObjectNode current, ObjectNode written, String manager, String now) {
        if (!subresource.equals("scale") && definition != null && definition.strategy() != null) {
            // the object as kube's decoder hands it on: with the kind's defaults (and, for a Secret, its
            // stringData folded into data), so that the writer owns the fields defaulting set, as in kube
            definition.strategy().applyDefaults(written);
        }
        switch (subresource) {
            case "" -> {
                if (definition != null && definition.status() != null) {
                    if (current == null) {
                        // the writer does not own a status it creates with; the store decides whether it stays
                        // (kube's strategies clear it but a Node's, which keeps what the kubelet registers)
                        com.fasterxml.jackson.databind.JsonNode status = written.remove("status");
                        fieldManager.update(null, written, manager, now);
                        if (status != null) {
                            written.set("status", status);
                        }
                        return;
                    } else if (current.has("status")) {
                        written.set("status", current.get("status"));
                    } else {
                        written.remove("status");
                    }
                }
                fieldManager.update(current, written, manager, now);
            }
            case "status" -> {
                if (current != null) {
                    definition.status().prepareForUpdate(written, current);
                }
                // the reset fields are nobody's, also those the strategy lets through (kube's CRD metadata, a
                // CSR's conditions other than Approved and Denied)
                FieldManager fields = definition.status() instanceof ResetFields reset
                        ? ignoring(resetFields(reset.resetFields())) : fieldManager;
                fields.update(current, written, manager, now, subresource);
            }
            default -> {
                // the subresource's storage records the write on the object it changes
            }
        }
    }

    /**
     * Server-side apply of {@code config} to {@code current} (null: the object is created), as kube's
     * field manager applies with the endpoint strategy's reset fields ignored: the applier owns only
     * the fields it may set here, and the store's strategy then resets the others on the merged object.
     * <ul>
     *   <li>The resource itself, when it has a status subresource: the whole configuration is merged
     *       with {@code status} ignored (kube's main strategies reset {@code status}); the store then
     *       drops the status on create (a Node keeps it) and keeps the stored one on update.</li>
     *   <li>{@code /status}, when the status strategy states its reset fields ({@link ResetFields}):
     *       the whole configuration is merged with those fields ignored, so that e.g. the labels and
     *       annotations it sets are the applier's (under subresource {@code status}), while a spec it
     *       sets is nobody's and conflicts with nobody; the status store's
     *       {@link io.kapi.api.rest.StatusStrategy#prepareForUpdate} then resets what the endpoint does
     *       not let through. A status strategy without reset fields is applied with only
     *       {@code status} (and the object's name and namespace) taken from the configuration.</li>
     * </ul>
     */
    public ObjectNode recordApply(ObjectNode current, ObjectNode config, String manager, boolean force, String now) {
        switch (subresource) {
            case "" -> {
                FieldManager fields = fieldManager;
                if (definition != null && definition.status() != null) {
                    fields = ignoring(resetFields(List.of(List.of("status"))));
                }
                return fields.apply(current, config, manager, force, now);
            }
            case "status" -> {
                if (definition.status() instanceof ResetFields reset) {
                    return ignoring(resetFields(reset.resetFields()))
                            .apply(current, config, manager, force, now, subresource);
                }
                ObjectNode applied = Json.object();
                applied.set("apiVersion", config.get("apiVersion"));
                applied.set("kind", config.get("kind"));
                ObjectNode m = applied.putObject("metadata");
                for (String field : new String[] {"name", "namespace"}) {
                    if (config.path("metadata").has(field)) {
                        m.set(field, config.get("metadata").get(field));
                    }
                }
                if (config.has("status")) {
                    applied.set("status", config.get("status"));
                }
                return fieldManager.apply(current, applied, manager, force, now, subresource);
            }
            default -> throw StatusException.unsupportedMediaType("the body of the request was in an unknown format - "
                    + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                    + "application/strategic-merge-patch+json");
        }
    }

    /**
     * This endpoint's field manager with {@code fields} ignored, in the served version and in each other
     * version it reads managers of (kube's built-in strategies list the same reset fields for every version).
     */
    private FieldManager ignoring(FieldSet fields) {
        FieldManager f = fieldManager.ignoring(fields);
        return otherVersions == null || !(subresource.isEmpty() || subresource.equals("status")) ? f
                : f.converting(otherVersions.ignoring(fields));
    }

    /** Reset-field paths (field names from the root) as the field set the field manager ignores. */
    static FieldSet resetFields(List<List<String>> paths) {
        FieldSet set = new FieldSet();
        for (List<String> path : paths) {
            List<String> elements = new ArrayList<>(path.size());
            for (String name : path) {
                elements.add(FieldSet.field(name));
            }
            set.insert(elements);
        }
        return set;
    }

    /** managedFields and server-side apply for this resource's kind. */
    public FieldManager fieldManager() {
        return fieldManager;
    }

    /**
     * Tells this resource's field manager the versions of the resource served now ({@code versions}: the
     * resource in each of them, this one too), whose managedFields entries it then reads in their own
     * version. Called with every serving snapshot; does nothing for a resource built without
     * {@link OtherVersions}.
     */
    public void readVersions(java.util.Collection<ServedResource> versions) {
        if (otherVersions == null) {
            return;
        }
        Map<String, FieldManager> byVersion = new java.util.HashMap<>();
        for (ServedResource r : versions) {
            if (r.otherVersions != null) {
                byVersion.put(r.meta.apiVersion(), r.otherVersions.own());
            }
        }
        byVersion.put(meta.apiVersion(), otherVersions.own());
        otherVersions.serve(byVersion);
    }

    /** The strategic merge patch metadata of this resource's kind, from its schema's patch strategies and merge keys. */
    public SmpSchema patchSchema() {
        SmpSchema built = patchSchema;
        if (built == null) {
            // immutable once built: two requests racing here build equal schemas, either may be kept
            built = SmpSchema.fromOpenApi(schema, refs);
            patchSchema = built;
        }
        return built;
    }

    /** How a body is decoded into this resource's kind: unknown fields dropped and reported, duplicates reported. */
    public StrictDecoding decoding() {
        return decoding;
    }

    /** The verbs the storage implements, in kube's discovery order. */
    private static io.kapi.api.rest.Subresource custom(ResourceDefinition definition, String name) {
        if (definition != null) {
            for (io.kapi.api.rest.Subresource s : definition.subresources()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
        }
        return null;
    }

    static List<String> verbsOf(Object storage) {
        List<String> v = new ArrayList<>();
        if (storage instanceof io.kapi.api.rest.Connecter c) {
            // kube lists a connecter's methods as verbs, sorted: POST create, DELETE delete, GET get, PATCH patch,
            // PUT update (pods/exec: create, get; the proxies: create, delete, get, patch, update)
            if (c.connectMethods().contains("POST")) v.add("create");
            if (c.connectMethods().contains("DELETE")) v.add("delete");
            if (c.connectMethods().contains("GET")) v.add("get");
            if (c.connectMethods().contains("PATCH")) v.add("patch");
            if (c.connectMethods().contains("PUT")) v.add("update");
            return List.copyOf(v);
        }
        if (storage instanceof Creater || storage instanceof io.kapi.api.rest.NamedCreater) v.add("create");
        if (storage instanceof GracefulDeleter) v.add("delete");
        if (storage instanceof CollectionDeleter) v.add("deletecollection");
        if (storage instanceof Getter) v.add("get");
        if (storage instanceof Lister) v.add("list");
        if (storage instanceof Patcher) v.add("patch");
        if (storage instanceof Updater) v.add("update");
        if (storage instanceof Watcher) v.add("watch");
        return List.copyOf(v);
    }

    public ResourceMeta meta() {
        return meta;
    }

    public ResourceDefinition definition() {
        return definition;
    }

    public Object storage() {
        return storage;
    }

    public List<String> verbs() {
        return verbs;
    }

    /** Registers an open watch; false (and the watch is not kept) when the resource already left. */
    boolean addWatch(HeldWatch watch) {
        watches.add(watch);
        if (closed) {
            watches.remove(watch);
            return false;
        }
        return true;
    }

    void removeWatch(HeldWatch watch) {
        watches.remove(watch);
    }

    /** The watches open on this resource now. */
    public int watchCount() {
        return watches.size();
    }

    /** The open watches per user who opened them. */
    public java.util.Map<String, Integer> watchesByUser() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (HeldWatch w : watches) {
            out.merge(w.user(), 1, Integer::sum);
        }
        return out;
    }

    /** Whether a watch on this resource can resume on {@code successor}: both read the same storage backend. */
    public boolean sameBackend(ServedResource successor) {
        return backend != null && backend == successor.backend;
    }

    /** Ends every open watch cleanly: the resource left the serving snapshot for good. */
    public void closeWatches() {
        releaseWatches().forEach(HeldWatch::end);
    }

    /**
     * Takes the open watches away from this resource, which accepts none from now on, without ending
     * them: the caller moves them to the resource's successor ({@link HeldWatch#moveTo}) or ends them.
     */
    public List<HeldWatch> releaseWatches() {
        closed = true;
        List<HeldWatch> out = new ArrayList<>(watches);
        watches.removeAll(out);
        return out;
    }
}
