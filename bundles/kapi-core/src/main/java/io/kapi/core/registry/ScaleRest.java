package io.kapi.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Updater;
import io.kapi.core.json.Json;
import io.kapi.machinery.apply.FieldManager;
import io.kapi.machinery.selection.LabelSelector;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code scale} subresource (kube's {@code ScaleREST}): an {@code autoscaling/v1} {@code Scale}
 * read from and written to the replicas fields of the resource's object. An update sets the desired
 * replicas of the object through the resource's own store (its validation and preconditions apply);
 * a resourceVersion in the Scale is a precondition on the object. The write is recorded in the
 * object's managed fields under the {@code scale} subresource.
 */
public final class ScaleRest implements Patcher {
    public static final String API_VERSION = "autoscaling/v1";
    public static final String KIND = "Scale";

    private final ResourceMeta meta;
    private final Updater store;
    private final io.kapi.api.rest.Getter reader;
    private final ScaleSubresource scale;
    private final FieldManager fields;

    /**
     * @param store the resource's own store (get and update)
     * @param fields the resource's field manager, or null to leave managed fields alone
     */
    public <S extends Updater & io.kapi.api.rest.Getter> ScaleRest(ResourceMeta meta, S store, ScaleSubresource scale,
                                                                 FieldManager fields) {
        this.meta = meta;
        this.store = store;
        this.reader = store;
        this.scale = scale;
        this.fields = fields;
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return toScale(reader.get(ctx, name, resourceVersion));
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        String now = Json.now();
        String manager = ctx.fieldManager() == null ? "" : ctx.fieldManager();
        UpdateResult r = store.update(ctx, name, current -> {
            if (current == null) {
                throw StatusException.notFound(meta.group(), meta.resource(), name);
            }
            ObjectNode wanted = transform.apply(toScale(current));
            long replicas = validate(wanted, name);
            ObjectNode next = current.deepCopy();
            String rv = Json.text(wanted.get("metadata"), "resourceVersion");
            if (!rv.isEmpty()) {
                Json.metadata(next).put("resourceVersion", rv);
            }
            set(next, path(scale.specReplicasPath()), replicas);
            if (fields != null) {
                fields.update(current, next, manager, now, "scale");
            }
            return next;
        });
        return new UpdateResult(toScale(r.object()), false);
    }

    /**
     * Server-side apply of a Scale (kube's scale handler for managed fields): the configuration's
     * {@code spec.replicas} is applied to the object's replicas field under {@code manager} with the
     * {@code scale} subresource, so that it conflicts with, or with {@code force} takes the field from,
     * whoever owns the replicas of the object; a manager that owned them through the scale and no longer
     * applies them lets them go, and the Scale's replicas then read 0, which is what the object gets.
     */
    public ObjectNode apply(RequestContext ctx, String name, ObjectNode config, String manager, boolean force, String now) {
        UpdateResult r = store.update(ctx, name, current -> {
            if (current == null) {
                throw StatusException.notFound(meta.group(), meta.resource(), name);
            }
            long replicas = validate(config, name);
            String[] path = path(scale.specReplicasPath());
            ObjectNode parentConfig = Json.object();
            parentConfig.set("apiVersion", current.get("apiVersion"));
            parentConfig.set("kind", current.get("kind"));
            parentConfig.putObject("metadata").put("name", name);
            JsonNode given = config.path("spec").get("replicas");
            if (given != null && !given.isNull()) {
                set(parentConfig, path, replicas);
            }
            ObjectNode next;
            try {
                next = fields == null ? current.deepCopy() : fields.apply(current, parentConfig, manager, force, now, "scale");
            } catch (StatusException e) {
                throw e.code() == 409 ? asScaleConflict(e, Json.text(current, "apiVersion")) : e;
            }
            if (fields == null && given != null && !given.isNull()) {
                set(next, path, replicas);
            }
            // the object always gets the Scale's replicas, 0 when the applied Scale let them go
            set(next, path, integer(at(next, scale.specReplicasPath())));
            String rv = Json.text(config.get("metadata"), "resourceVersion");
            if (!rv.isEmpty()) {
                Json.metadata(next).put("resourceVersion", rv);
            }
            return next;
        });
        return toScale(r.object());
    }

    /**
     * An apply conflict on the object's replicas told as kube tells it: the conflicting managers seen
     * through the Scale (their updates "using autoscaling/v1"), the field as the Scale's {@code .spec.replicas}.
     */
    private StatusException asScaleConflict(StatusException e, String objectApiVersion) {
        java.util.function.UnaryOperator<String> scaled = text -> text == null ? null
                : text.replace(" using " + objectApiVersion, " using " + API_VERSION)
                        .replace(scale.specReplicasPath(), ".spec.replicas");
        List<FieldCause> causes = e.causes() == null ? null
                : e.causes().stream().map(c -> new FieldCause(c.type(), scaled.apply(c.message()), scaled.apply(c.field()))).toList();
        return new StatusException(e.code(), e.reason(), scaled.apply(e.getMessage()), e.group(), e.kind(), e.name(), causes,
                e.retryAfterSeconds());
    }

    /** kube's scale of an object: identity from its metadata, replicas and selector from the paths. */
    public ObjectNode toScale(ObjectNode object) {
        ObjectNode s = Json.object();
        s.put("kind", KIND);
        s.put("apiVersion", API_VERSION);
        ObjectNode from = Json.metadata(object);
        ObjectNode m = s.putObject("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (from.hasNonNull(field) && !from.get(field).asText().isEmpty()) {
                m.set(field, from.get(field));
            }
        }
        ObjectNode spec = s.putObject("spec");
        long desired = integer(at(object, scale.specReplicasPath()));
        if (desired != 0) {
            spec.put("replicas", desired); // omitempty in autoscaling/v1
        }
        ObjectNode status = s.putObject("status");
        status.put("replicas", integer(at(object, scale.statusReplicasPath())));
        String selector = selector(object);
        if (!selector.isEmpty()) {
            status.put("selector", selector);
        }
        return s;
    }

    private String selector(ObjectNode object) {
        if (scale.labelSelectorPath() == null) {
            return "";
        }
        JsonNode value = at(object, scale.labelSelectorPath());
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isObject() && !value.has("matchLabels") && !value.has("matchExpressions") && value.size() > 0) {
            // a plain label set (a ReplicationController's spec.selector): kube's SelectorFromSet, keys in order
            java.util.TreeMap<String, String> set = new java.util.TreeMap<>();
            value.fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asText()));
            StringBuilder b = new StringBuilder();
            set.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
            return b.toString();
        }
        if (value.isObject()) {
            try {
                return LabelSelector.fromObject(value).toString();
            } catch (IllegalArgumentException e) {
                throw StatusException.internal("the label selector of " + meta.resource() + " \"" + Json.name(object)
                        + "\" is invalid: " + e.getMessage());
            }
        }
        return "";
    }

    /** kube's ValidateScale, after the Scale has been decoded: the desired replicas, never negative. */
    private long validate(ObjectNode wanted, String name) {
        if (wanted == null) {
            throw StatusException.badRequest("no Scale was given");
        }
        String apiVersion = Json.text(wanted, "apiVersion");
        String kind = Json.text(wanted, "kind");
        if (!apiVersion.isEmpty() && !apiVersion.equals(API_VERSION) || !kind.isEmpty() && !kind.equals(KIND)) {
            throw StatusException.badRequest("the body of the scale subresource must be an " + API_VERSION + " " + KIND
                    + ", not " + apiVersion + " " + kind);
        }
        String given = Json.text(wanted.get("metadata"), "name");
        if (!given.isEmpty() && !given.equals(name)) {
            throw StatusException.badRequest("the name of the object (" + given + ") does not match the name on the URL ("
                    + name + ")");
        }
        JsonNode replicas = wanted.path("spec").get("replicas");
        long value = 0;
        if (replicas != null && !replicas.isNull()) {
            if (!replicas.isIntegralNumber() || !replicas.canConvertToInt()) {
                throw StatusException.badRequest("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal "
                        + (replicas.isNumber() ? "number " + replicas.asText() : replicas.getNodeType().name().toLowerCase())
                        + " into Go struct field ScaleSpec.spec.replicas of type int32");
            }
            value = replicas.asLong();
        }
        if (value < 0) {
            throw StatusException.invalid("autoscaling", KIND, name,
                    List.of(FieldCause.invalid("spec.replicas", value, "must be greater than or equal to 0")));
        }
        return value;
    }

    private static String[] path(String jsonPath) {
        return jsonPath.substring(1).split("\\.");
    }

    private static JsonNode at(ObjectNode object, String jsonPath) {
        JsonNode n = object;
        for (String field : path(jsonPath)) {
            n = n == null ? null : n.get(field);
        }
        return n;
    }

    private static long integer(JsonNode n) {
        return n != null && n.isIntegralNumber() ? n.asLong() : 0;
    }

    private static void set(ObjectNode object, String[] path, long value) {
        ObjectNode n = object;
        for (int i = 0; i < path.length - 1; i++) {
            n = n.get(path[i]) instanceof ObjectNode child ? child : n.putObject(path[i]);
        }
        // an int where it fits, as the stored number parses: an unchanged count is then an unchanged object
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            n.put(path[path.length - 1], (int) value);
        } else {
            n.put(path[path.length - 1], value);
        }
    }
}
