package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.machinery.validation.OpenApiRefs;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The patch metadata a strategic merge patch needs: which fields carry kube's
 * {@code patchStrategy}/{@code patchMergeKey} struct tags. Immutable and thread-safe.
 *
 * <p>Path syntax: the JSON field names from the object's root, joined by dots; a list's items add
 * no segment. So the ports of a Deployment's containers are
 * {@code spec.template.spec.containers.ports}, and an object's owner references are
 * {@code metadata.ownerReferences}. Fields named with a dot cannot be addressed (kube's schemas
 * have none where a strategy applies).
 *
 * <p>A map's values (a schema's {@code additionalProperties}) add the segment {@code *} whatever
 * their key: the ports of the containers of a map of pod specs are {@code specs.*.containers.ports}.
 *
 * <p>Fields not named here behave as kube's untagged fields: maps merge recursively, lists are
 * replaced whole.
 */
public final class SmpSchema {
    /** A field's strategy. */
    public enum Strategy {
        /** {@code patchStrategy:"merge"}: lists of maps merge by key, lists of primitives are unioned. */
        MERGE,
        /** {@code patchStrategy:"replace"}: the patch's value replaces the field, maps included. */
        REPLACE
    }

    /** One field's patch metadata; {@code mergeKey} is empty for lists of primitives and maps. */
    public record FieldMeta(Strategy strategy, String mergeKey) {
        public FieldMeta {
            Objects.requireNonNull(strategy, "strategy");
            mergeKey = mergeKey == null ? "" : mergeKey;
        }
    }

    private static final SmpSchema EMPTY = new SmpSchema(Map.of(), Set.of());
    private static final SmpSchema OBJECT_META = builder()
            .mergeList("metadata.ownerReferences", "uid")
            .primitiveMergeList("metadata.finalizers")
            .build();

    private final Map<String, FieldMeta> fields;
    private final Set<String> maps;

    private SmpSchema(Map<String, FieldMeta> fields, Set<String> maps) {
        this.fields = Map.copyOf(fields);
        this.maps = Set.copyOf(maps);
    }

    /** No tagged fields: every list is replaced. */
    public static SmpSchema empty() {
        return EMPTY;
    }

    /**
     * ObjectMeta's tags, as every built-in kind has them: ownerReferences merge by uid, finalizers
     * merge as a set of strings. Extend it with {@link #toBuilder()}.
     */
    public static SmpSchema objectMeta() {
        return OBJECT_META;
    }

    public static Builder builder() {
        return new Builder(Map.of(), Set.of());
    }

    /**
     * The patch metadata a kind's OpenAPI schema carries, added to ObjectMeta's: every property with
     * {@code x-kubernetes-patch-strategy} ({@code merge}, {@code replace}; {@code merge,retainKeys} merges,
     * retainKeys itself is not applied) and {@code x-kubernetes-patch-merge-key}, found through
     * {@code properties} and list {@code items} (which add no path segment), with {@code $ref}s (also in
     * kube's {@code allOf: [{$ref}]} form) resolved by {@code refs}, and into map values
     * ({@code additionalProperties}); recursive types deeper than 32 levels are not followed.
     */
    public static SmpSchema fromOpenApi(JsonNode schema,
                                        Function<String, JsonNode> refs) {
        Builder b = OBJECT_META.toBuilder();
        if (schema != null) {
            collect(b, schema, "", refs, 0, new java.util.HashSet<>());
        }
        return b.build();
    }

    /** The named schema {@code schema} refers to ({@code $ref}, or kube's {@code allOf} of one), or null. */
    private static String refOf(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        JsonNode allOf = schema.get("allOf");
        if (ref == null && allOf != null && allOf.size() == 1) {
            ref = allOf.get(0).get("$ref");
        }
        return ref == null ? null : ref.asText();
    }

    /**
     * Collects the patch strategies under {@code path}. A named schema already being expanded on the way
     * here is not expanded again: a recursive type (a CustomResourceDefinition's JSONSchemaProps) would
     * otherwise be walked without end; it declares no strategies of its own below its first level.
     */
    private static void collect(Builder b, JsonNode schema, String path,
                                Function<String, JsonNode> refs, int depth, java.util.Set<String> expanding) {
        String ref = refOf(schema);
        if (ref != null && !expanding.add(ref)) {
            return;
        }
        try {
            collectResolved(b, schema, path, refs, depth, expanding);
        } finally {
            if (ref != null) {
                expanding.remove(ref);
            }
        }
    }

    private static void collectResolved(Builder b, JsonNode schema, String path,
                                        Function<String, JsonNode> refs, int depth, java.util.Set<String> expanding) {
        JsonNode s = OpenApiRefs.resolve(schema, refs);
        if (s == null || depth > 32) {
            return;
        }
        if (s.has("items")) {
            collect(b, s.get("items"), path, refs, depth + 1, expanding);
        }
        JsonNode values = s.get("additionalProperties");
        if (values != null && values.isObject() && !path.isEmpty()) {
            int before = b.fields.size();
            collect(b, values, path + ".*", refs, depth + 1, expanding);
            if (b.fields.size() > before) {
                b.map(path); // only maps whose values carry a strategy are recorded
            }
        }
        JsonNode props = s.get("properties");
        if (props == null) {
            return;
        }
        props.fields().forEachRemaining(e -> {
            String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode p = e.getValue();
            String strategy = p.path("x-kubernetes-patch-strategy").asText("");
            String key = p.path("x-kubernetes-patch-merge-key").asText("");
            if (List.of(strategy.split(",")).contains("merge")) {
                if (key.isEmpty()) {
                    b.primitiveMergeList(field);
                } else {
                    b.mergeList(field, key);
                }
            } else if (strategy.equals("replace")) {
                b.replace(field);
            }
            collect(b, p, field, refs, depth + 1, expanding);
        });
    }

    /** A builder holding this schema's fields, to add a kind's own. */
    public Builder toBuilder() {
        return new Builder(fields, maps);
    }

    /** The path of {@code key} under {@code path}: {@code *} for the values of a recorded map. */
    public String childPath(String path, String key) {
        if (path.isEmpty()) {
            return key;
        }
        return path + "." + (maps.contains(path) ? "*" : key);
    }

    /** The metadata of the field at {@code path}, or null when untagged. */
    public FieldMeta field(String path) {
        return fields.get(path);
    }

    public Map<String, FieldMeta> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmpSchema s && s.fields.equals(fields) && s.maps.equals(maps);
    }

    @Override
    public int hashCode() {
        return fields.hashCode() * 31 + maps.hashCode();
    }

    @Override
    public String toString() {
        return "SmpSchema" + fields + (maps.isEmpty() ? "" : " maps " + maps);
    }

    public static final class Builder {
        private final Map<String, FieldMeta> fields;
        private final Set<String> maps;

        private Builder(Map<String, FieldMeta> initial, Set<String> initialMaps) {
            this.fields = new HashMap<>(initial);
            this.maps = new HashSet<>(initialMaps);
        }

        /** A map whose values' fields are addressed under {@code <path>.*}, whatever their key. */
        public Builder map(String path) {
            maps.add(path);
            return this;
        }

        /** A list of maps merged by {@code mergeKey} ({@code patchStrategy:"merge" patchMergeKey:"<key>"}). */
        public Builder mergeList(String path, String mergeKey) {
            if (mergeKey == null || mergeKey.isEmpty()) {
                throw new IllegalArgumentException("a merge list of maps needs a merge key: " + path);
            }
            fields.put(path, new FieldMeta(Strategy.MERGE, mergeKey));
            return this;
        }

        /** A list of primitives merged as a set ({@code patchStrategy:"merge"}, no key). */
        public Builder primitiveMergeList(String path) {
            fields.put(path, new FieldMeta(Strategy.MERGE, ""));
            return this;
        }

        /** A field replaced whole ({@code patchStrategy:"replace"}). */
        public Builder replace(String path) {
            fields.put(path, new FieldMeta(Strategy.REPLACE, ""));
            return this;
        }

        public SmpSchema build() {
            return new SmpSchema(fields, maps);
        }
    }
}
