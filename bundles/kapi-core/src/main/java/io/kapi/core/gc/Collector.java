package io.kapi.core.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.json.Json;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The collector's decisions, as kube's {@code attemptToDeleteItem} and {@code orphanDependents}. Owners
 * are read from storage; dependents are deleted and changed through their resource's REST storage, as
 * kube's collector does through the API (so their own finalizers and graceful deletion hold), with
 * the object's uid as precondition.
 */
final class Collector {
    private static final Logger LOG = Logger.getLogger(Collector.class.getName());
    static final UserInfo USER = new UserInfo("system:serviceaccount:kube-system:generic-garbage-collector", "",
            List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"));

    /** An item that cannot be decided now (an owner's kind not served, a write that failed): tried again later. */
    static final class Retry extends Exception {
        Retry(String why) {
            super(why, null, false, false);
        }
    }

    private final Storage storage;
    private final Supplier<ServedKinds> kinds;
    private final OwnerIndex index;

    Collector(Storage storage, Supplier<ServedKinds> kinds, OwnerIndex index) {
        this.storage = storage;
        this.kinds = kinds;
        this.index = index;
    }

    /** The key of the owner {@code owner} names for the dependent at {@code dependentKey}, or null when not served. */
    String ownerKey(String dependentKey, OwnerRef owner) {
        ServedKinds k = kinds.get();
        ServedResource dependent = k.byKey(dependentKey);
        ServedResource resource = k.byKind(owner.group(), owner.kind());
        if (dependent == null || resource == null) {
            return null;
        }
        return ServedKinds.key(resource, ServedKinds.namespace(dependent, dependentKey), owner.name());
    }

    /**
     * kube's {@code attemptToDeleteItem}: an object being deleted in the foreground loses its
     * {@code foregroundDeletion} finalizer once no dependent blocks it; an object whose owners are all
     * gone is deleted; one with owners still there loses its references to the gone ones.
     */
    void attemptToDelete(String key) throws Retry {
        ObjectNode obj = read(key);
        if (obj == null) {
            return;
        }
        JsonNode m = obj.path("metadata");
        if (!m.path("deletionTimestamp").asText("").isEmpty()) {
            if (GraphBuilder.finalizers(m).contains(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                deletingDependents(key, m);
            }
            return;
        }
        List<OwnerRef> owners = OwnerRef.of(m);
        if (owners.isEmpty()) {
            return;
        }
        ServedKinds k = kinds.get();
        ServedResource self = k.byKey(key);
        if (self == null) {
            return;
        }
        String namespace = ServedKinds.namespace(self, key);
        List<OwnerRef> solid = new ArrayList<>();
        List<OwnerRef> dangling = new ArrayList<>();
        List<OwnerRef> waiting = new ArrayList<>();
        for (OwnerRef o : owners) {
            ServedResource resource = k.byKind(o.group(), o.kind());
            if (resource == null) {
                throw new Retry("owner kind " + o.apiVersion() + " " + o.kind() + " of " + key + " is not served");
            }
            if (resource.meta().namespaced() && !self.meta().namespaced()) {
                // a cluster-scoped dependent cannot have a namespaced owner: kube leaves such a reference unresolved
                solid.add(o);
                continue;
            }
            ObjectNode owner = read(ServedKinds.key(resource, namespace, o.name()));
            JsonNode om = owner == null ? null : owner.path("metadata");
            if (om == null || !o.uid().equals(om.path("uid").asText(""))) {
                dangling.add(o);
            } else if (!om.path("deletionTimestamp").asText("").isEmpty()
                    && GraphBuilder.finalizers(om).contains(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                waiting.add(o);
            } else {
                solid.add(o);
            }
        }
        String uid = m.path("uid").asText("");
        if (!solid.isEmpty()) {
            if (dangling.isEmpty() && waiting.isEmpty()) {
                return;
            }
            // kube: owners that are gone, or waiting for their dependents to go, are no longer this object's owners
            Set<String> drop = uids(dangling, waiting);
            update(self, key, uid, o -> withoutOwners(o, drop));
            return;
        }
        if (!waiting.isEmpty() && !index.dependentsOf(uid).isEmpty()) {
            // it has dependents of its own: deleted in the foreground too. A dependent of it already waiting
            // for its own dependents could close a cycle: the references to the waiting owners stop blocking first
            for (OwnerIndex.Dependent d : index.dependentsOf(uid)) {
                ObjectNode dep = read(d.key());
                if (dep != null && !dep.path("metadata").path("deletionTimestamp").asText("").isEmpty()
                        && GraphBuilder.finalizers(dep.path("metadata")).contains(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                    Set<String> unblock = uids(waiting, List.of());
                    update(self, key, uid, o -> unblocked(o, unblock));
                    break;
                }
            }
            delete(self, key, uid, "Foreground");
            return;
        }
        // no owner left: collected, as its own finalizers ask (background when it has none)
        List<String> finalizers = GraphBuilder.finalizers(m);
        String policy = finalizers.contains(ObjectMetaValidation.FINALIZER_ORPHAN) ? "Orphan"
                : finalizers.contains(ObjectMetaValidation.FINALIZER_FOREGROUND) ? "Foreground" : "Background";
        delete(self, key, uid, policy);
    }

    /**
     * kube's {@code processDeletingDependentsItem}: the owner goes (its finalizer removed) once no
     * dependent with {@code blockOwnerDeletion} is left; until then those dependents are checked.
     */
    private void deletingDependents(String key, JsonNode m) throws Retry {
        String uid = m.path("uid").asText("");
        List<OwnerIndex.Dependent> blocking = new ArrayList<>();
        for (OwnerIndex.Dependent d : index.dependentsOf(uid)) {
            OwnerRef ref = d.refTo(uid);
            if (ref != null && ref.blockOwnerDeletion()) {
                blocking.add(d);
            }
        }
        if (blocking.isEmpty()) {
            ServedResource self = kinds.get().byKey(key);
            if (self != null) {
                update(self, key, uid, o -> withoutFinalizer(o, ObjectMetaValidation.FINALIZER_FOREGROUND));
            }
            return;
        }
        for (OwnerIndex.Dependent d : blocking) {
            ObjectNode dep = read(d.key());
            if (dep != null && dep.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
                attemptToDelete(d.key());
            }
        }
    }

    /** kube's {@code orphanDependents}: the dependents lose their reference to the owner, then the owner its finalizer. */
    void orphanDependents(String key) throws Retry {
        ObjectNode obj = read(key);
        if (obj == null) {
            return;
        }
        JsonNode m = obj.path("metadata");
        if (m.path("deletionTimestamp").asText("").isEmpty()
                || !GraphBuilder.finalizers(m).contains(ObjectMetaValidation.FINALIZER_ORPHAN)) {
            return;
        }
        String uid = m.path("uid").asText("");
        ServedKinds k = kinds.get();
        for (OwnerIndex.Dependent d : index.dependentsOf(uid)) {
            ServedResource resource = k.byKey(d.key());
            if (resource == null) {
                throw new Retry("dependent " + d.key() + " of " + key + " is not served");
            }
            update(resource, d.key(), d.uid(), o -> withoutOwners(o, Set.of(uid)));
        }
        ServedResource self = k.byKey(key);
        if (self != null) {
            update(self, key, uid, o -> withoutFinalizer(o, ObjectMetaValidation.FINALIZER_ORPHAN));
        }
    }

    // ---- reads and writes

    private ObjectNode read(String key) {
        KeyValue kv = storage.get(key);
        if (kv == null) {
            return null;
        }
        try {
            return Json.parseObject(kv.value());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "garbage collector: the object at " + key + " is not JSON; passed over", e);
            return null;
        }
    }

    /** Changes the object (of that uid) through its REST storage; gone meanwhile is fine. */
    private void update(ServedResource resource, String key, String uid, UnaryOperator<ObjectNode> change) throws Retry {
        if (!(resource.storage() instanceof Updater updater)) {
            return;
        }
        RequestContext ctx = new RequestContext(ServedKinds.namespace(resource, key), USER, false, "");
        String name = ServedKinds.name(resource, key);
        try {
            updater.update(ctx, name, current -> {
                if (current == null || !uid.equals(Json.text(current.get("metadata"), "uid"))) {
                    throw StatusException.notFound(resource.meta().group(), resource.meta().resource(), name);
                }
                return change.apply(current.deepCopy());
            });
        } catch (StatusException e) {
            if (!"NotFound".equals(e.reason())) {
                throw new Retry("updating " + key + ": " + e.getMessage());
            }
        }
    }

    private void delete(ServedResource resource, String key, String uid, String policy) throws Retry {
        if (!(resource.storage() instanceof GracefulDeleter deleter)) {
            return;
        }
        ObjectNode options = Json.object();
        options.put("propagationPolicy", policy);
        options.putObject("preconditions").put("uid", uid);
        RequestContext ctx = new RequestContext(ServedKinds.namespace(resource, key), USER, false, "");
        try {
            deleter.delete(ctx, ServedKinds.name(resource, key), options);
            LOG.fine(() -> "garbage collector deleted " + key + " (" + policy + ")");
        } catch (StatusException e) {
            // gone, or another object of that name by now (the uid precondition): nothing to collect
            if (!"NotFound".equals(e.reason()) && !"Conflict".equals(e.reason())) {
                throw new Retry("deleting " + key + ": " + e.getMessage());
            }
        }
    }

    private static Set<String> uids(List<OwnerRef> a, List<OwnerRef> b) {
        Set<String> out = new java.util.HashSet<>();
        a.forEach(o -> out.add(o.uid()));
        b.forEach(o -> out.add(o.uid()));
        return out;
    }

    static ObjectNode withoutOwners(ObjectNode obj, Set<String> uids) {
        ObjectNode m = Json.metadata(obj);
        JsonNode refs = m.get("ownerReferences");
        if (refs instanceof ArrayNode a) {
            ArrayNode kept = Json.NODES.arrayNode();
            a.forEach(r -> {
                if (!uids.contains(r.path("uid").asText(""))) {
                    kept.add(r);
                }
            });
            if (kept.isEmpty()) {
                m.remove("ownerReferences");
            } else {
                m.set("ownerReferences", kept);
            }
        }
        return obj;
    }

    static ObjectNode unblocked(ObjectNode obj, Set<String> uids) {
        JsonNode refs = Json.metadata(obj).get("ownerReferences");
        if (refs != null) {
            refs.forEach(r -> {
                if (uids.contains(r.path("uid").asText("")) && r instanceof ObjectNode o) {
                    o.put("blockOwnerDeletion", false);
                }
            });
        }
        return obj;
    }

    static ObjectNode withoutFinalizer(ObjectNode obj, String finalizer) {
        ObjectNode m = Json.metadata(obj);
        JsonNode fs = m.get("finalizers");
        if (fs instanceof ArrayNode a) {
            ArrayNode kept = Json.NODES.arrayNode();
            a.forEach(f -> {
                if (!finalizer.equals(f.asText())) {
                    kept.add(f);
                }
            });
            if (kept.isEmpty()) {
                m.remove("finalizers");
            } else {
                m.set("finalizers", kept);
            }
        }
        return obj;
    }
}
