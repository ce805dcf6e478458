package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code JSONSchemaProps} of a v1 CustomResourceDefinition read from its JSON as kube decodes it: the
 * fields kube knows (others are dropped by its decoder), each with Go's zero value when absent or null.
 * Shared by the schema checks of a definition. Stateless.
 */
final class SchemaProps {
    /** JSONSchemaProps' JSON names, in the Go struct's field order (the order kube's reflection walks). */
    static final List<String> FIELDS = List.of("id", "$schema", "$ref", "description", "type", "format", "title", "default",
            "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
            "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required", "items", "allOf",
            "oneOf", "anyOf", "not", "properties", "additionalProperties", "patternProperties", "dependencies",
            "additionalItems", "definitions", "externalDocs", "example", "nullable", "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys",
            "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations");
    /** The names the internal struct calls those fields (kube's messages list them so). */
    static final List<String> GO_NAMES = List.of("ID", "Schema", "Ref", "Description", "Type", "Format", "Title", "Default",
            "Maximum", "ExclusiveMaximum", "Minimum", "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems",
            "MinItems", "UniqueItems", "MultipleOf", "Enum", "MaxProperties", "MinProperties", "Required", "Items", "AllOf",
            "OneOf", "AnyOf", "Not", "Properties", "AdditionalProperties", "PatternProperties", "Dependencies",
            "AdditionalItems", "Definitions", "ExternalDocs", "Example", "Nullable", "XPreserveUnknownFields",
            "XEmbeddedResource", "XIntOrString", "XListMapKeys", "XListType", "XMapType", "XValidations");
    /** Fields whose Go type is a pointer, so any JSON value but null sets them. */
    private static final Set<String> POINTERS = Set.of("$ref", "default", "maximum", "minimum", "maxLength", "minLength",
            "maxItems", "minItems", "multipleOf", "maxProperties", "minProperties", "items", "not", "additionalProperties",
            "additionalItems", "externalDocs", "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type",
            "x-kubernetes-map-type");
    /** Slices kube copies as they are (an empty JSON array is a non-nil slice). */
    private static final Set<String> PLAIN_SLICES = Set.of("required", "x-kubernetes-list-map-keys", "x-kubernetes-validations");

    private SchemaProps() {
    }

    static String str(JsonNode s, String name) {
        JsonNode v = s.get(name);
        return v != null && v.isTextual() ? v.asText() : "";
    }

    static String type(JsonNode s) {
        return str(s, "type");
    }

    static boolean flag(JsonNode s, String name) {
        return s.path(name).asBoolean(false);
    }

    /** Whether a pointer-typed field (or a map or slice) is set: present and not null. */
    static boolean has(JsonNode s, String name) {
        JsonNode v = s.get(name);
        return v != null && !v.isNull();
    }

    /** A string pointer such as {@code x-kubernetes-list-type}: null when unset. */
    static String optional(JsonNode s, String name) {
        return has(s, name) ? s.get(name).asText() : null;
    }

    /** {@code items} when it is one schema, else null. */
    static JsonNode items(JsonNode s) {
        JsonNode it = s.get("items");
        return it != null && it.isObject() ? it : null;
    }

    /** {@code items} when it is an array of schemas (kube's {@code JSONSchemas}), else an empty list. */
    static List<JsonNode> itemsArray(JsonNode s) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode it = s.get("items");
        if (it != null && it.isArray()) {
            it.forEach(out::add);
        }
        return out;
    }

    /** A map of schemas ({@code properties}, {@code definitions}, ...) in document order. */
    static Map<String, JsonNode> map(JsonNode s, String name) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode m = s.get(name);
        if (m != null && m.isObject()) {
            m.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    static List<JsonNode> list(JsonNode s, String name) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode m = s.get(name);
        if (m != null && m.isArray()) {
            m.forEach(out::add);
        }
        return out;
    }

    static List<String> strings(JsonNode s, String name) {
        List<String> out = new ArrayList<>();
        list(s, name).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** {@code additionalProperties} as a schema, or null (absent, or the boolean form). */
    static JsonNode additionalSchema(JsonNode s) {
        JsonNode ap = s.get("additionalProperties");
        return ap != null && ap.isObject() ? ap : null;
    }

    /** Whether the field holds Go's zero value after kube's decoding and conversion. */
    static boolean isZero(JsonNode s, String name) {
        JsonNode v = s.get(name);
        if (v == null || v.isNull()) {
            return true;
        }
        if (POINTERS.contains(name)) {
            return false;
        }
        if (PLAIN_SLICES.contains(name)) {
            return !v.isArray();
        }
        if (v.isBoolean()) {
            return !v.asBoolean();
        }
        if (v.isTextual()) {
            return v.asText().isEmpty();
        }
        return v.isContainerNode() && v.isEmpty();
    }

    /** Go's {@code %#v} of a {@code []string}: {@code []string{"a", "b"}}. */
    static String goStrings(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(io.kapi.api.rest.FieldCause.goQuote(v)));
        return "[]string{" + String.join(", ", quoted) + "}";
    }
}
