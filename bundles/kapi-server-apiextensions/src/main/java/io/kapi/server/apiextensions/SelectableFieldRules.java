package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.server.apiextensions.cel.FieldPaths;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * apiextensions' {@code ValidateCustomResourceSelectableFields} (v0.32.0) for one version: each
 * {@code jsonPath} required, a simple path into the structural schema (kube's {@code cel.ValidFieldPath}
 * without array notation: {@code .a.b}, a key of additionalProperties allowed), not into metadata, to a
 * field of type string, boolean or integer; unique; at most 8. Stateless.
 */
final class SelectableFieldRules {
    static final int MAX_SELECTABLE_FIELDS = 8;

    private SelectableFieldRules() {
    }

    /** {@code fields} the version's {@code selectableFields}, {@code schema} its structural openAPIV3Schema, {@code path} where they are. */
    static List<FieldCause> validate(JsonNode fields, JsonNode schema, String path) {
        List<FieldCause> errs = new ArrayList<>();
        Set<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            String at = path + "[" + i + "].jsonPath";
            String jsonPath = fields.get(i).path("jsonPath").asText("");
            if (jsonPath.isEmpty()) {
                errs.add(FieldCause.required(at, ""));
                continue;
            }
            FieldPaths.Found found;
            try {
                found = FieldPaths.resolve(jsonPath, schema, false);
            } catch (IllegalArgumentException e) {
                errs.add(FieldCause.invalid(at, jsonPath, "is an invalid path: " + e.getMessage()));
                continue;
            }
            if (found.root().equals("metadata")) {
                errs.add(FieldCause.invalid(at, jsonPath, "must not point to fields in metadata"));
            }
            if (found.schema() == null || !List.of("string", "boolean", "integer").contains(type(found.schema()))) {
                errs.add(FieldCause.invalid(at, jsonPath, "must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed."));
            }
            if (!unique.add(found.path())) {
                errs.add(FieldCause.duplicate(at, jsonPath));
            }
        }
        if (unique.size() > MAX_SELECTABLE_FIELDS) {
            errs.add(new FieldCause("FieldValueTooMany", "Too many: " + unique.size() + ": must have at most " + MAX_SELECTABLE_FIELDS + " items", path));
        }
        return errs;
    }
}
