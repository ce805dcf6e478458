package io.kapi.core.endpoints;

import io.kapi.api.rest.CollectionDeleter;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.Watcher;
import io.kapi.core.openapi.OpenApi;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.apply.FieldManager;
import io.kapi.machinery.patch.SmpSchema;
import io.kapi.machinery.validation.StrictDecoding;
import java.util.ArrayList;
import java.util.List;
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
    private final SmpSchema patchSchema;
    private final FieldManager fieldManager;
    private final Set<HeldWatch> watches = ConcurrentHashMap.newKeySet();
    private final Object backend;
    private volatile boolean closed;

    public ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage) {
        this(meta, definition, storage, null);
    }

    /**
     * @param backend the storage backend under {@code storage}, or null: watches move only between
     *     resources on the same backend, whose revisions they resume from
     */
    public ServedResource(ResourceMeta meta, ResourceDefinition definition, Object storage, Object backend) {
        this.backend = backend;
        this.meta = meta;
        this.definition = definition;
        this.storage = storage;
        this.verbs = verbsOf(storage);
        // the schema is walked as it is, once per request; built here once per resource
        this.decoding = new StrictDecoding(definition == null ? null : definition.schema(), OpenApi::commonSchema);
        this.patchSchema = SmpSchema.fromOpenApi(definition == null ? null : definition.schema(), OpenApi::commonSchema);
        this.fieldManager = new FieldManager(definition == null ? null : definition.schema(), OpenApi::commonSchema, meta.apiVersion());
    }

    /** managedFields and server-side apply for this resource's kind. */
    public FieldManager fieldManager() {
        return fieldManager;
    }

    /** The strategic merge patch metadata of this resource's kind, from its schema's patch strategies and merge keys. */
    public SmpSchema patchSchema() {
        return patchSchema;
    }

    /** How a body is decoded into this resource's kind: unknown fields dropped and reported, duplicates reported. */
    public StrictDecoding decoding() {
        return decoding;
    }

    /** The verbs the storage implements, in kube's discovery order. */
    static List<String> verbsOf(Object storage) {
        List<String> v = new ArrayList<>();
        if (storage instanceof Creater) v.add("create");
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
