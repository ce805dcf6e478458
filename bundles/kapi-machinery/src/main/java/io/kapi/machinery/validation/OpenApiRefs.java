package io.kapi.machinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/** References in kube's OpenAPI schemas: {@code $ref}, and the {@code allOf: [{$ref}]} form that carries a description. */
public final class OpenApiRefs {
    private OpenApiRefs() {
    }

    /**
     * The schema {@code schema} stands for: itself, or what its reference names through {@code refs}
     * (followed up to 16 hops); null when a reference is unknown.
     */
    public static JsonNode resolve(JsonNode schema, Function<String, JsonNode> refs) {
        JsonNode current = schema;
        for (int hops = 0; current != null && hops < 16; hops++) {
            JsonNode ref = current.get("$ref");
            JsonNode allOf = current.get("allOf");
            if (ref == null && allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
                ref = allOf.get(0).get("$ref");
            }
            if (ref == null) {
                return current;
            }
            current = refs == null ? null : refs.apply(ref.asText());
        }
        return current;
    }
}
