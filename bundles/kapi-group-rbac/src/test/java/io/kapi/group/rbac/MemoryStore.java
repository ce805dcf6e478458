package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.WatchSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * One resource in memory, with the generic store's order (defaults, validation, write), optimistic
 * concurrency on resourceVersion, no-op updates not written, and watches fed synchronously. Thread-safe
 * by one lock; watch events are sent outside it.
 */
class MemoryStore implements RestStore {
    final Map<String, ObjectNode> objects = new TreeMap<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    final List<WatchSink> watchers = new CopyOnWriteArrayList<>();
    private final String resource;
    private final Strategy strategy;
    /** Namespaces that exist, for namespaced resources; null for cluster-scoped ones. */
    private final Set<String> namespaces;
    private long revision;

    MemoryStore(String resource, Strategy strategy, Set<String> namespaces) {
        this.resource = resource;
        this.strategy = strategy;
        this.namespaces = namespaces;
    }

    private static String key(String namespace, String name) {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private void emit(String type, ObjectNode o) {
        watchers.forEach(w -> w.event(type, o.deepCopy()));
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode input) {
        ObjectNode obj = input.deepCopy();
        ObjectNode out;
        synchronized (this) {
            String name = Json.name(obj);
            if (namespaces != null) {
                Json.metadata(obj).put("namespace", ctx.namespace());
                if (!namespaces.contains(ctx.namespace())) {
                    throw StatusException.notFound("", "namespaces", ctx.namespace());
                }
            }
            strategy.applyDefaults(obj);
            List<FieldCause> causes = strategy.validate(obj);
            if (!causes.isEmpty()) {
                throw StatusException.invalid(Rbac.GROUP, obj.path("kind").asText(), name, causes);
            }
            if (objects.containsKey(key(ctx.namespace(), name))) {
                throw StatusException.alreadyExists(Rbac.GROUP, resource, name);
            }
            Json.metadata(obj).put("resourceVersion", Long.toString(++revision));
            objects.put(key(ctx.namespace(), name), obj);
            writes.add("create " + key(ctx.namespace(), name));
            out = obj.deepCopy();
        }
        emit("ADDED", out);
        return out;
    }

    @Override
    public synchronized ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        ObjectNode o = objects.get(key(ctx.namespace(), name));
        if (o == null) {
            throw StatusException.notFound(Rbac.GROUP, resource, name);
        }
        return o.deepCopy();
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        ObjectNode out;
        synchronized (this) {
            ObjectNode old = objects.get(key(ctx.namespace(), name));
            if (old == null) {
                throw StatusException.notFound(Rbac.GROUP, resource, name);
            }
            ObjectNode obj = transform.apply(old.deepCopy());
            strategy.applyDefaults(obj);
            if (obj.equals(old)) {
                return new UpdateResult(old.deepCopy(), false);
            }
            if (!Json.text(obj.get("metadata"), "resourceVersion").equals(Json.text(old.get("metadata"), "resourceVersion"))) {
                throw StatusException.conflict(Rbac.GROUP, resource, name, "the object has been modified");
            }
            List<FieldCause> causes = strategy.validateUpdate(obj, old);
            if (!causes.isEmpty()) {
                throw StatusException.invalid(Rbac.GROUP, obj.path("kind").asText(), name, causes);
            }
            Json.metadata(obj).put("resourceVersion", Long.toString(++revision));
            objects.put(key(ctx.namespace(), name), obj);
            writes.add("update " + key(ctx.namespace(), name));
            out = obj.deepCopy();
        }
        emit("MODIFIED", out);
        return new UpdateResult(out, false);
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        ObjectNode o;
        synchronized (this) {
            o = objects.remove(key(ctx.namespace(), name));
            if (o == null) {
                throw StatusException.notFound(Rbac.GROUP, resource, name);
            }
            Json.metadata(o).put("resourceVersion", Long.toString(++revision));
            writes.add("delete " + key(ctx.namespace(), name));
        }
        emit("DELETED", o);
        return new DeleteResult(o, true);
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized ObjectNode list(RequestContext ctx, ListOptions options) {
        ObjectNode list = Json.object();
        Json.metadata(list).put("resourceVersion", Long.toString(revision));
        ArrayNode items = list.putArray("items");
        new ArrayList<>(objects.values()).forEach(o -> items.add(o.deepCopy()));
        return list;
    }

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        watchers.add(sink);
        return () -> watchers.remove(sink);
    }

    /** Ends every open watch cleanly, as a store does when its group leaves. */
    void endWatches() {
        List<WatchSink> open = new ArrayList<>(watchers);
        watchers.clear();
        open.forEach(w -> w.closed(null));
    }
}
