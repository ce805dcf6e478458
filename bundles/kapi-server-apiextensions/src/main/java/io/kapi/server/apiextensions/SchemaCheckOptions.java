package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * The part of apiextensions' {@code validationOptions} the schema checks read. A v1 create sets them all
 * ({@link #CREATE}); an update drops a rule the stored definition already breaks ({@link #forUpdate}), so that
 * what kube once accepted stays accepted. The structural requirement always holds for v1 (its
 * preserveUnknownFields is false).
 */
record SchemaCheckOptions(boolean allowDefaults, boolean requireStructuralSchema, boolean requirePrunedDefaults,
                          boolean requireValidPropertyType, boolean requireAtomicSetType,
                          boolean requireMapListKeysMapSetValidation) {
    static final SchemaCheckOptions CREATE = new SchemaCheckOptions(true, true, true, true, true, true);

    /**
     * kube's {@code ValidateCustomResourceDefinitionUpdate} options from the stored spec: {@code requirePrunedDefaults},
     * {@code requireValidPropertyType}, {@code requireAtomicSetType}, {@code requireMapListKeysMapSetValidation}.
     */
    static SchemaCheckOptions forUpdate(JsonNode oldSpec) {
        return new SchemaCheckOptions(true, true,
                !anySchema(oldSpec, s -> !StructuralRules.isNonStructural(s) && DefaultRules.hasUnprunedDefaults(s)),
                !anySchema(oldSpec, s -> SchemaWalk.any(s, n -> !SchemaProps.type(n).isEmpty()
                        && !OpenApiSchemaRules.OPENAPI_V3_TYPES.contains(SchemaProps.type(n)))),
                !anySchema(oldSpec, s -> SchemaWalk.any(s, SchemaCheckOptions::nonAtomicSetType)),
                !anySchema(oldSpec, s -> SchemaWalk.any(s, n -> !OpenApiSchemaRules.mapListKeysMapSet(n, "").isEmpty())));
    }

    private static boolean anySchema(JsonNode spec, Predicate<JsonNode> pred) {
        for (JsonNode v : spec.path("versions")) {
            JsonNode s = v.path("schema").get("openAPIV3Schema");
            if (s != null && s.isObject() && pred.test(s)) {
                return true;
            }
        }
        return false;
    }

    /** kube's {@code hasNonAtomicSetType} predicate on one schema node. */
    private static boolean nonAtomicSetType(JsonNode s) {
        JsonNode items = SchemaProps.items(s);
        if (!"set".equals(SchemaProps.optional(s, "x-kubernetes-list-type")) || items == null) {
            return false;
        }
        return switch (SchemaProps.type(items)) {
            case "array" -> SchemaProps.has(items, "x-kubernetes-list-type") && !"atomic".equals(SchemaProps.optional(items, "x-kubernetes-list-type"));
            case "object" -> !"atomic".equals(SchemaProps.optional(items, "x-kubernetes-map-type"));
            default -> false;
        };
    }
}
