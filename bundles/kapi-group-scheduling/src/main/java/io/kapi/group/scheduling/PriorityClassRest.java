package io.kapi.group.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ForwardingRestStore;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * PriorityClasses as kube serves them: the generic store, plus what needs more than the object.
 *
 * <ul>
 *   <li>kube's REST {@code Delete} ({@code pkg/registry/scheduling/priorityclass/storage}): a system
 *   class is never deleted, 403 {@code this is a system priority class and cannot be deleted}, whether
 *   or not it exists. As in kube, a deletecollection goes through the store's own delete and so does
 *   not spare them.</li>
 *   <li>kube's {@code Priority} admission plugin ({@code validatePriorityClass}): a class marked
 *   {@code globalDefault} is refused, 403 {@code PriorityClass <d> is already marked as default. Only one
 *   default can exist}, on create when a default exists, on update when the default (the one of lowest
 *   value, as kube picks it) is another class. Admission runs after validation in kube, so the check
 *   is made only for a write the strategy would accept (an invalid one gets its 422 from the store),
 *   and not for an update whose resourceVersion is stale (the store's 409 comes first, as kube's).</li>
 * </ul>
 *
 * As kube's, whose plugin reads an informer's cache, the check is not atomic with the write: two
 * concurrent writes can both make a default.
 */
final class PriorityClassRest extends ForwardingRestStore {
    private final PriorityClassStrategy strategy;

    PriorityClassRest(RestStore store, PriorityClassStrategy strategy) {
        super(store);
        this.strategy = strategy;
    }

    static StatusException forbidden(String name, String why) {
        String resource = "priorityclasses." + SchedulingGroupProvider.GROUP;
        String message = name.isEmpty() ? resource + " is forbidden: " + why
                : resource + " \"" + name + "\" is forbidden: " + why;
        return new StatusException(403, "Forbidden", message, SchedulingGroupProvider.GROUP, "priorityclasses", name, null, 0);
    }

    // ---- the Priority admission plugin's check of a new default

    /** kube's {@code getDefaultPriorityClass}: the global default of lowest value, or null. */
    private ObjectNode defaultClass(RequestContext ctx) {
        ObjectNode list = delegate().list(new RequestContext("", ctx.user(), false, null), ListOptions.NONE);
        ObjectNode found = null;
        for (JsonNode item : list.path("items")) {
            if (item.path("globalDefault").asBoolean(false)
                    && (found == null || found.path("value").asLong(0) > item.path("value").asLong(0))) {
                found = (ObjectNode) item;
            }
        }
        return found;
    }

    private void admitCreate(RequestContext ctx, ObjectNode input) {
        if (!input.path("globalDefault").asBoolean(false)) {
            return;
        }
        ObjectNode obj = input.deepCopy();
        ObjectNode meta = Json.metadata(obj);
        if (Json.text(meta, "name").isEmpty() && !Json.text(meta, "generateName").isEmpty()) {
            // stands for the name the store will generate, for the validation below
            meta.put("name", Json.text(meta, "generateName") + "xxxxx");
        }
        strategy.applyDefaults(obj);
        strategy.prepareForCreate(obj);
        if (!ObjectMetaValidation.validateObjectMeta(meta, false, NameValidator.DNS1123_SUBDOMAIN).isEmpty()
                || !strategy.validate(obj).isEmpty()) {
            return;
        }
        ObjectNode dpc = defaultClass(ctx);
        if (dpc != null) {
            throw forbidden(Json.name(input), "PriorityClass " + Json.name(dpc) + " is already marked as default. Only one default can exist");
        }
    }

    private void admitUpdate(RequestContext ctx, String name, ObjectNode updated, ObjectNode current) {
        if (updated == null || current == null || !updated.path("globalDefault").asBoolean(false)) {
            return;
        }
        ObjectNode obj = updated.deepCopy();
        ObjectNode meta = Json.metadata(obj);
        String rv = Json.text(meta, "resourceVersion");
        if (!rv.isEmpty() && !rv.equals(Json.text(current.get("metadata"), "resourceVersion"))) {
            return;
        }
        meta.put("name", name);
        // the system fields are the stored ones, whatever the client sent (as the store sets them before validating)
        JsonNode currentMeta = current.path("metadata");
        for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
            if (currentMeta.has(f)) {
                meta.set(f, currentMeta.get(f));
            } else {
                meta.remove(f);
            }
        }
        strategy.applyDefaults(obj);
        strategy.prepareForUpdate(obj, current);
        if (!ObjectMetaValidation.validateObjectMetaUpdate(meta, Json.metadata(current.deepCopy())).isEmpty()
                || !strategy.validateUpdate(obj, current).isEmpty()) {
            return;
        }
        ObjectNode dpc = defaultClass(ctx);
        if (dpc != null && !Json.name(dpc).equals(name)) {
            throw forbidden(name, "PriorityClass " + Json.name(dpc) + " is already marked as default. Only one default can exist");
        }
    }

    // ---- verbs

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        admitCreate(ctx, object);
        return delegate().create(ctx, object);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return delegate().update(ctx, name, current -> {
            ObjectNode before = current == null ? null : current.deepCopy();
            ObjectNode updated = transform.apply(current);
            admitUpdate(ctx, name, updated, before);
            return updated;
        });
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        if (SystemPriorityClasses.isSystemClass(name)) {
            throw forbidden(name, "this is a system priority class and cannot be deleted");
        }
        return delegate().delete(ctx, name, options);
    }






}
