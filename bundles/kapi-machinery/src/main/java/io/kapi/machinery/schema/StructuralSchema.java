package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CRD version's {@code schema.openAPIV3Schema}, as apiextensions reads it: kube's {@code Structural}
 * (type, properties, items, additionalProperties, nullable, default, the {@code x-kubernetes-*}
 * extensions) with the value validations kube-openapi checks ({@code enum}, {@code pattern}, bounds,
 * {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}, ...). A {@code format} kube does not support
 * is dropped, as apiextensions' {@code StripUnsupportedFormatsPostProcess} does. Whether the schema is
 * structural (kube's CRD validation) is not checked here. Immutable once parsed; thread-safe.
 */
public final class StructuralSchema {
    /** apiextensions' {@code supportedFormats}, names normalized without dashes. */
    static final Set<String> SUPPORTED_FORMATS = Set.of("bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6",
            "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn",
            "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime");

    final List<String> types;
    final boolean nullable;
    final String format;
    final JsonNode defaultValue;
    final List<JsonNode> enumValues;
    final String pattern;
    final Long maxLength;
    final Long minLength;
    final Long maxItems;
    final Long minItems;
    final boolean uniqueItems;
    final Long maxProperties;
    final Long minProperties;
    final Double maximum;
    final boolean exclusiveMaximum;
    final Double minimum;
    final boolean exclusiveMinimum;
    final Double multipleOf;
    final List<String> required;
    final Map<String, StructuralSchema> properties;
    final StructuralSchema items;
    /** additionalProperties: null when absent; {@link #additionalSchema} null for the boolean form. */
    final Boolean additionalAllows;
    final StructuralSchema additionalSchema;
    final List<StructuralSchema> allOf;
    final List<StructuralSchema> anyOf;
    final List<StructuralSchema> oneOf;
    final StructuralSchema not;
    final boolean intOrString;
    final boolean preserveUnknownFields;
    final boolean embeddedResource;
    final String listType;
    final List<String> listMapKeys;
    final String mapType;

    private StructuralSchema(JsonNode n) {
        intOrString = n.path("x-kubernetes-int-or-string").asBoolean(false);
        String type = n.path("type").asText("");
        types = intOrString ? List.of("integer", "string") : type.isEmpty() ? List.of() : List.of(type);
        nullable = n.path("nullable").asBoolean(false);
        String f = n.path("format").asText("");
        format = SUPPORTED_FORMATS.contains(f.replace("-", "")) ? f : "";
        defaultValue = n.has("default") ? n.get("default").deepCopy() : null;
        List<JsonNode> en = new ArrayList<>();
        n.path("enum").forEach(e -> en.add(e.deepCopy()));
        enumValues = Collections.unmodifiableList(en);
        pattern = n.path("pattern").asText("");
        maxLength = longOf(n, "maxLength");
        minLength = longOf(n, "minLength");
        maxItems = longOf(n, "maxItems");
        minItems = longOf(n, "minItems");
        uniqueItems = n.path("uniqueItems").asBoolean(false);
        maxProperties = longOf(n, "maxProperties");
        minProperties = longOf(n, "minProperties");
        maximum = n.path("maximum").isNumber() ? n.get("maximum").asDouble() : null;
        minimum = n.path("minimum").isNumber() ? n.get("minimum").asDouble() : null;
        multipleOf = n.path("multipleOf").isNumber() ? n.get("multipleOf").asDouble() : null;
        exclusiveMaximum = n.path("exclusiveMaximum").asBoolean(false);
        exclusiveMinimum = n.path("exclusiveMinimum").asBoolean(false);
        required = strings(n.path("required"));
        Map<String, StructuralSchema> props = new LinkedHashMap<>();
        n.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), new StructuralSchema(e.getValue())));
        properties = Collections.unmodifiableMap(props);
        JsonNode it = n.path("items");
        items = it.isObject() ? new StructuralSchema(it) : null;
        JsonNode ap = n.get("additionalProperties");
        if (ap == null || ap.isNull()) {
            additionalAllows = null;
            additionalSchema = null;
        } else if (ap.isBoolean()) {
            additionalAllows = ap.asBoolean();
            additionalSchema = null;
        } else {
            additionalAllows = true;
            additionalSchema = new StructuralSchema(ap);
        }
        allOf = list(n.path("allOf"));
        anyOf = list(n.path("anyOf"));
        oneOf = list(n.path("oneOf"));
        not = n.path("not").isObject() ? new StructuralSchema(n.get("not")) : null;
        preserveUnknownFields = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        embeddedResource = n.path("x-kubernetes-embedded-resource").asBoolean(false);
        listType = n.path("x-kubernetes-list-type").isTextual() ? n.get("x-kubernetes-list-type").asText() : null;
        listMapKeys = strings(n.path("x-kubernetes-list-map-keys"));
        mapType = n.path("x-kubernetes-map-type").isTextual() ? n.get("x-kubernetes-map-type").asText() : null;
    }

    /** Parses {@code openAPIV3Schema}; null or a missing node gives null (no schema). */
    public static StructuralSchema parse(JsonNode openAPIV3Schema) {
        return openAPIV3Schema == null || !openAPIV3Schema.isObject() ? null : new StructuralSchema(openAPIV3Schema);
    }

    private static Long longOf(JsonNode n, String name) {
        return n.path(name).isNumber() ? n.get(name).asLong() : null;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.asText()));
        return Collections.unmodifiableList(out);
    }

    private static List<StructuralSchema> list(JsonNode a) {
        List<StructuralSchema> out = new ArrayList<>();
        a.forEach(e -> out.add(new StructuralSchema(e)));
        return Collections.unmodifiableList(out);
    }

    /** The schema's {@code type} ({@code integer,string} for int-or-string), empty when it has none. */
    public List<String> types() {
        return types;
    }

    public boolean nullable() {
        return nullable;
    }

    /** The {@code default}, a copy; null when there is none. */
    public JsonNode defaultValue() {
        return defaultValue == null ? null : defaultValue.deepCopy();
    }

    public Map<String, StructuralSchema> properties() {
        return properties;
    }

    /** The schema of an array's items, or null. */
    public StructuralSchema items() {
        return items;
    }

    /** The schema of additionalProperties, or null (absent or boolean). */
    public StructuralSchema additionalProperties() {
        return additionalSchema;
    }

    /** Whether {@code additionalProperties} is set at all (schema or boolean), as kube's pruning asks. */
    public boolean hasAdditionalProperties() {
        return additionalAllows != null;
    }

    public boolean preserveUnknownFields() {
        return preserveUnknownFields;
    }

    public boolean embeddedResource() {
        return embeddedResource;
    }

    public boolean intOrString() {
        return intOrString;
    }

    /** {@code x-kubernetes-list-type}, or null. */
    public String listType() {
        return listType;
    }

    public List<String> listMapKeys() {
        return listMapKeys;
    }

    /** {@code x-kubernetes-map-type}, or null. */
    public String mapType() {
        return mapType;
    }

    /** The format kept after apiextensions' stripping of unsupported ones; empty if none. */
    public String format() {
        return format;
    }

    /** The schema a map entry {@code key} falls under (a property, else additionalProperties), or null. */
    StructuralSchema fieldSchema(String key) {
        StructuralSchema p = properties.get(key);
        return p != null ? p : additionalSchema;
    }
}
