package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * apiextensions' {@code objectmeta.CoerceWithOptions} with {@code DropInvalidFields} and
 * {@code ReturnUnknownFieldPaths}, in place: in every embedded resource (and the root when
 * {@code isResourceRoot}) a non-string {@code apiVersion}/{@code kind} is dropped, and
 * {@code metadata} is narrowed to ObjectMeta as a decode into Go's {@code metav1.ObjectMeta} and back
 * leaves it: unknown fields dropped and reported ({@code spec.template.metadata.foo}), a field of the
 * wrong JSON type dropped silently, empty and null fields omitted. Timestamps are kept as written
 * (kube re-renders them at second precision). Stateless.
 */
public final class ObjectMetaCoercion {
    private static final Map<String, String> META = Map.ofEntries(Map.entry("name", "s"), Map.entry("generateName", "s"),
            Map.entry("namespace", "s"), Map.entry("selfLink", "s"), Map.entry("uid", "s"), Map.entry("resourceVersion", "s"),
            Map.entry("generation", "i"), Map.entry("creationTimestamp", "s"), Map.entry("deletionTimestamp", "s"),
            Map.entry("deletionGracePeriodSeconds", "i"), Map.entry("labels", "m"), Map.entry("annotations", "m"),
            Map.entry("ownerReferences", "owner"), Map.entry("finalizers", "ls"), Map.entry("managedFields", "mf"));
    private static final Map<String, String> OWNER = Map.of("apiVersion", "s", "kind", "s", "name", "s", "uid", "s",
            "controller", "b", "blockOwnerDeletion", "b");
    private static final Map<String, String> MANAGED = Map.of("manager", "s", "operation", "s", "apiVersion", "s",
            "time", "s", "fieldsType", "s", "fieldsV1", "o", "subresource", "s");

    private ObjectMetaCoercion() {
    }

    /** Returns the unknown metadata fields dropped, sorted. */
    public static List<String> coerce(JsonNode obj, StructuralSchema s, boolean isResourceRoot) {
        List<String> unknown = new ArrayList<>();
        coerce(obj, s, isResourceRoot, "", unknown);
        Collections.sort(unknown);
        return unknown;
    }

    private static void coerce(JsonNode x, StructuralSchema s, boolean embedded, String path, List<String> unknown) {
        if (x instanceof ObjectNode o) {
            if (embedded || (s != null && s.embeddedResource)) {
                for (String k : List.of("apiVersion", "kind")) {
                    if (o.has(k) && !o.get(k).isTextual()) {
                        o.remove(k);
                    }
                }
                if (o.get("metadata") instanceof ObjectNode meta) {
                    String prefix = path.isEmpty() ? "metadata" : path + ".metadata";
                    narrow(meta, META, prefix, unknown, true);
                }
            }
            if (s == null) {
                return;
            }
            o.fields().forEachRemaining(e -> {
                StructuralSchema fs = s.fieldSchema(e.getKey());
                if (fs != null) {
                    coerce(e.getValue(), fs, false, path.isEmpty() ? e.getKey() : path + "." + e.getKey(), unknown);
                }
            });
        } else if (x instanceof ArrayNode a && s != null) {
            for (int i = 0; i < a.size(); i++) {
                coerce(a.get(i), s.items, false, path + "[" + i + "]", unknown);
            }
        }
    }

    private static void narrow(ObjectNode o, Map<String, String> fields, String prefix, List<String> unknown, boolean top) {
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String kind = fields.get(e.getKey());
            JsonNode v = e.getValue();
            if (kind == null) {
                unknown.add(prefix + "." + e.getKey());
                it.remove();
            } else if (v.isNull() || !wellTyped(kind, v) || (top && empty(v) && !POINTERS.contains(e.getKey()))) {
                it.remove();
            } else if (kind.equals("owner") || kind.equals("mf")) {
                for (int i = 0; i < v.size(); i++) {
                    narrow((ObjectNode) v.get(i), kind.equals("owner") ? OWNER : MANAGED,
                            prefix + "." + e.getKey() + "[" + i + "]", unknown, false);
                }
            }
        }
    }

    /**
     * ObjectMeta's pointer fields: Go's omitempty keeps a pointer to a zero value, so a terminating object's
     * {@code deletionGracePeriodSeconds: 0} stays (dropping it made every later update of the object an
     * attempt to change an immutable field).
     */
    private static final java.util.Set<String> POINTERS = java.util.Set.of("deletionGracePeriodSeconds", "deletionTimestamp");

    private static boolean empty(JsonNode v) {
        return (v.isTextual() && v.asText().isEmpty()) || (v.isContainerNode() && v.isEmpty())
                || (v.isIntegralNumber() && v.asLong() == 0);
    }

    private static boolean wellTyped(String kind, JsonNode v) {
        switch (kind) {
            case "s":
                return v.isTextual();
            case "i":
                return v.isIntegralNumber() && v.canConvertToLong();
            case "b":
                return v.isBoolean();
            case "o":
                return v.isObject();
            case "m": {
                if (!v.isObject()) {
                    return false;
                }
                for (JsonNode e : v) {
                    if (!e.isTextual() && !e.isNull()) {
                        return false;
                    }
                }
                return true;
            }
            case "ls": {
                if (!v.isArray()) {
                    return false;
                }
                for (JsonNode e : v) {
                    if (!e.isTextual() && !e.isNull()) {
                        return false;
                    }
                }
                return true;
            }
            default: {
                if (!v.isArray()) {
                    return false;
                }
                Map<String, String> inner = kind.equals("owner") ? OWNER : MANAGED;
                for (JsonNode e : v) {
                    if (!e.isObject()) {
                        return false;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        String k = inner.get(f.getKey());
                        if (k != null && !f.getValue().isNull() && !wellTyped(k, f.getValue())) {
                            return false;
                        }
                    }
                }
                return true;
            }
        }
    }
}
