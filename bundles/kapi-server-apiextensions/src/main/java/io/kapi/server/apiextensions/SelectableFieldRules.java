package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.additionalSchema;
import static io.kapi.server.apiextensions.SchemaProps.has;
import static io.kapi.server.apiextensions.SchemaProps.map;
import static io.kapi.server.apiextensions.SchemaProps.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
            Found found;
            try {
                found = resolve(jsonPath, schema);
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

    /** The field path kube builds ({@code a.b}, {@code a[key]}), its first element and the schema found there. */
    record Found(String path, String root, JsonNode schema) {
    }

    /** kube's {@code ValidFieldPath(jsonPath, schema, WithFieldPathAllowArrayNotation(false))}. */
    static Found resolve(String jsonPath, JsonNode schema) {
        List<String> tokens = tokens(jsonPath);
        StringBuilder path = new StringBuilder();
        String root = "";
        JsonNode s = schema;
        for (int i = 0; i < tokens.size(); i++) {
            String tok = tokens.get(i);
            if (tok.equals("[")) {
                throw new IllegalArgumentException("array notation is not allowed");
            }
            if (!tok.equals(".")) {
                throw new IllegalArgumentException("expected [ or . but got: " + tok);
            }
            if (++i >= tokens.size()) {
                throw new IllegalArgumentException("unexpected end of JSON path");
            }
            String name = tokens.get(i);
            Map<String, JsonNode> props = s == null ? Map.of() : map(s, "properties");
            if (!props.isEmpty()) {
                path.append(path.length() == 0 ? "" : ".").append(name);
                s = props.get(name);
                if (s == null) {
                    throw new IllegalArgumentException("does not refer to a valid field");
                }
            } else if (s != null && has(s, "additionalProperties")) {
                path.append('[').append(name).append(']');
                s = additionalSchema(s);
            } else {
                throw new IllegalArgumentException("does not refer to a valid field");
            }
            if (root.isEmpty()) {
                root = path.toString();
            }
        }
        return new Found(path.toString(), root, s);
    }

    /** kube's scanner: the delimiters {@code . [ ]} alone, the text between them, single-quoted strings whole. */
    private static List<String> tokens(String p) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\'') {
                int j = i + 1;
                while (j < p.length() && !(p.charAt(j) == '\'' && p.charAt(j - 1) != '\\')) {
                    j++;
                }
                out.add(p.substring(i, Math.min(j + 1, p.length())));
                i = j + 1;
            } else if (c == '.' || c == '[' || c == ']') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < p.length() && ".[]".indexOf(p.charAt(j)) < 0) {
                    j++;
                }
                out.add(p.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
