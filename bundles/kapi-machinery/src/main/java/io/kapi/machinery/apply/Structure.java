package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.machinery.validation.OpenApiRefs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What structured-merge-diff needs of a schema node: whether an object is a struct (named fields) or
 * a map, whether a list is atomic, a set or a map keyed by some fields, whether a node is atomic. Read
 * from OpenAPI v3 ({@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys},
 * {@code x-kubernetes-map-type}); a list without a list type whose patch strategy is {@code merge}
 * (kube's older tags) is a map by its merge key, or a set without one; any other list is atomic, as in
 * SMD. A node without a schema is a granular map of untyped values, its lists atomic. Immutable.
 */
final class Structure {
    enum Kind { STRUCT, MAP, LIST_ATOMIC, LIST_SET, LIST_MAP, SCALAR, ATOMIC_MAP, UNTYPED }

    private static final Structure UNTYPED = new Structure(null, null);

    private final JsonNode schema;
    private final Function<String, JsonNode> refs;

    private Structure(JsonNode schema, Function<String, JsonNode> refs) {
        this.schema = schema;
        this.refs = refs;
    }

    static Structure of(JsonNode schema, Function<String, JsonNode> refs) {
        JsonNode s = schema == null ? null : OpenApiRefs.resolve(schema, refs);
        return s == null ? UNTYPED : new Structure(s, refs);
    }

    Kind kind() {
        if (schema == null) {
            return Kind.UNTYPED;
        }
        String type = schema.path("type").asText("");
        if (type.equals("array") || schema.has("items")) {
            String listType = schema.path("x-kubernetes-list-type").asText("");
            if (listType.isEmpty()) {
                if (java.util.List.of(schema.path("x-kubernetes-patch-strategy").asText("").split(",")).contains("merge")) {
                    return schema.has("x-kubernetes-patch-merge-key") ? Kind.LIST_MAP : Kind.LIST_SET;
                }
                return Kind.LIST_ATOMIC;
            }
            return switch (listType) {
                case "set" -> Kind.LIST_SET;
                case "map" -> Kind.LIST_MAP;
                default -> Kind.LIST_ATOMIC;
            };
        }
        if (type.equals("object") || schema.has("properties") || schema.has("additionalProperties")) {
            if (schema.path("x-kubernetes-map-type").asText("").equals("atomic")) {
                return Kind.ATOMIC_MAP;
            }
            return schema.has("properties") ? Kind.STRUCT : Kind.MAP;
        }
        if (schema.has("x-kubernetes-preserve-unknown-fields")) {
            return Kind.UNTYPED;
        }
        return Kind.SCALAR;
    }

    /** The key fields of a map list. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        JsonNode k = schema.get("x-kubernetes-list-map-keys");
        if (k != null) {
            k.forEach(n -> keys.add(n.asText()));
        } else if (schema.has("x-kubernetes-patch-merge-key")) {
            keys.add(schema.get("x-kubernetes-patch-merge-key").asText());
        }
        return keys;
    }

    /** Whether {@code name} is a declared field of this struct (map entries are not). */
    boolean declares(String name) {
        return schema != null && schema.path("properties").has(name);
    }

    /** The schema of a field or map entry. */
    Structure child(String name) {
        if (schema == null) {
            return UNTYPED;
        }
        JsonNode p = schema.path("properties").get(name);
        if (p != null) {
            return of(p, refs);
        }
        JsonNode a = schema.get("additionalProperties");
        return a != null && a.isObject() ? of(a, refs) : UNTYPED;
    }

    /** The {@code default} the schema gives field {@code name} of this struct, or null. */
    JsonNode defaultOf(String name) {
        if (schema == null) {
            return null;
        }
        JsonNode p = schema.path("properties").get(name);
        JsonNode resolved = p == null ? null : OpenApiRefs.resolve(p, refs);
        JsonNode d = p == null ? null : p.get("default");
        return d != null ? d : resolved == null ? null : resolved.get("default");
    }

    /**
     * Whether field {@code name} of this struct is a struct that is no pointer in kube's Go types: kube's
     * published OpenAPI gives such a field {@code "default": {}}.
     */
    boolean isValueStruct(String name) {
        JsonNode d = defaultOf(name);
        return d != null && d.isObject() && d.isEmpty() && child(name).kind() == Kind.STRUCT;
    }

    /** Whether this struct's schema lists field {@code name} as required (a Go field without omitempty). */
    boolean requires(String name) {
        if (schema == null) {
            return false;
        }
        for (JsonNode r : schema.path("required")) {
            if (r.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The schema of a list's items. */
    Structure items() {
        return schema == null || !schema.has("items") ? UNTYPED : of(schema.get("items"), refs);
    }

    /** Whether a value of this node is compared and owned whole. */
    boolean atomic() {
        Kind k = kind();
        return k == Kind.SCALAR || k == Kind.LIST_ATOMIC || k == Kind.ATOMIC_MAP;
    }

    /** Whether {@code value} is the container this node descends into (an object for structs and maps, an array for lists). */
    boolean descendsInto(JsonNode value) {
        if (value == null || atomic()) {
            return false;
        }
        return switch (kind()) {
            case STRUCT, MAP -> value.isObject();
            case LIST_SET, LIST_MAP -> value.isArray();
            case UNTYPED -> value.isObject();
            default -> false;
        };
    }
}
