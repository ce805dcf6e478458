package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.core.json.Json;
import java.util.List;

/**
 * The DELETE of one resource (kube's {@code Store.Delete} with {@code rest.BeforeDelete}): the preconditions, then
 * either the object's removal or, while finalizers (its own, or the garbage collector's that the delete's
 * propagation policy asks for) or the resource's graceful deletion hold it, its marking for deletion. A dry run
 * answers what would happen and writes nothing. A write that meets a newer version of the object starts over.
 */
final class StoreDeleter {

    private final ResourceMeta meta;
    private final Strategy strategy;
    private final Storage storage;
    private final StoreCodec codec;
    private final StoreReader reader;

    StoreDeleter(ResourceMeta meta, Strategy strategy, Storage storage, StoreCodec codec, StoreReader reader) {
        this.meta = meta;
        this.strategy = strategy;
        this.storage = storage;
        this.codec = codec;
        this.reader = reader;
    }

    /** Deletes {@code name}, or marks it for deletion while finalizers or a graceful deletion hold it. */
    GracefulDeleter.DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        String key = codec.key(ctx.namespace(), name);
        ObjectNode preconditions = options == null ? null : (ObjectNode) options.get("preconditions");
        while (true) {
            KeyValue current = reader.read(key, name);
            if (current == null) {
                throw StatusException.notFound(meta.group(), meta.resource(), name);
            }
            ObjectNode obj = codec.withType(codec.decode(current));
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
                        Json.canonicalNumbers(marked);
                        return new GracefulDeleter.DeleteResult(
                                codec.write(marked, bytes -> storage.update(key, current.modRevision(), bytes)), false);
                    } catch (StorageException e) {
                        if (e.code() == StorageException.Code.CONFLICT) {
                            continue;
                        }
                        throw StoreReader.toStatus(e, meta, name);
                    }
                }
            }
            if (ctx.dryRun()) {
                return new GracefulDeleter.DeleteResult(obj, true);
            }
            try {
                KeyValue deleted = storage.delete(key, current.modRevision());
                return new GracefulDeleter.DeleteResult(codec.withType(codec.decode(deleted.value(), deleted.modRevision())), true);
            } catch (StorageException e) {
                if (e.code() == StorageException.Code.CONFLICT) {
                    continue;
                }
                if (e.code() == StorageException.Code.NOT_FOUND) {
                    throw StatusException.notFound(meta.group(), meta.resource(), name);
                }
                throw StoreReader.toStatus(e, meta, name);
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
}
