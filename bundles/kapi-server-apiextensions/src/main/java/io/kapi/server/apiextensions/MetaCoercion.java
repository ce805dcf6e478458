package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.additionalSchema;
import static io.kapi.server.apiextensions.SchemaProps.flag;
import static io.kapi.server.apiextensions.SchemaProps.has;
import static io.kapi.server.apiextensions.SchemaProps.items;
import static io.kapi.server.apiextensions.SchemaProps.map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.GoRendering;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * apiextensions' {@code objectmeta.Coerce} without dropping invalid fields, as CRD validation runs it on
 * default values: the first embedded resource (the root when {@code isResourceRoot}) whose apiVersion or kind
 * is not a string ({@code must be a string}), or whose metadata does not decode into Go's
 * {@code metav1.ObjectMeta}, with Go's {@code encoding/json} error. Walks a schema node as JSON. Stateless.
 */
final class MetaCoercion {
    private static final Set<String> STRINGS = Set.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion");
    private static final Set<String> INTS = Set.of("generation", "deletionGracePeriodSeconds");

    private MetaCoercion() {
    }

    /** The first coercion error of {@code x} under schema {@code s}, at kube's path below {@code path} (null for none), or null. */
    static FieldCause check(String path, JsonNode x, JsonNode s, boolean isResourceRoot) {
        return coerce(path, x, s, isResourceRoot);
    }

    private static String child(String path, String k) {
        return path == null ? k : path + "." + k;
    }

    private static FieldCause coerce(String path, JsonNode x, JsonNode s, boolean embedded) {
        if (s == null || x == null) {
            return null;
        }
        if (x.isObject()) {
            boolean isEmbedded = embedded || flag(s, "x-kubernetes-embedded-resource");
            Map<String, JsonNode> props = map(s, "properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (isEmbedded && (k.equals("apiVersion") || k.equals("kind")) && !v.isTextual()) {
                    return FieldCause.invalidRendered(child(path, k), GoRendering.fieldValue(v), "must be a string");
                }
                if (isEmbedded && k.equals("metadata")) {
                    String err = objectMetaError(v);
                    if (err != null) {
                        return FieldCause.invalidRendered(child(path, k), GoRendering.fieldValue(v), err);
                    }
                }
                FieldCause err = null;
                if (props.containsKey(k)) {
                    err = coerce(child(path, k), v, props.get(k), false);
                } else if (has(s, "additionalProperties")) {
                    err = coerce((path == null ? "" : path) + "[" + k + "]", v, additionalSchema(s), false);
                }
                if (err != null) {
                    return err;
                }
            }
        } else if (x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                FieldCause err = coerce((path == null ? "" : path) + "[" + i + "]", x.get(i), items(s), false);
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    /** Go's JSON kind of a value in its unmarshal errors. */
    private static String goKind(JsonNode v) {
        if (v.isNumber()) {
            return "number";
        }
        return v.isTextual() ? "string" : v.isBoolean() ? "bool" : v.isArray() ? "array" : "object";
    }

    private static String field(JsonNode v, String struct, String field, String type) {
        String value = v.isNumber() && type.startsWith("int") && v.isFloatingPointNumber() ? "number " + v.asText() : goKind(v);
        return "json: cannot unmarshal " + value + " into Go struct field " + struct + "." + field + " of type " + type;
    }

    /** The error of {@code json.Unmarshal(metadata, &metav1.ObjectMeta{})}, or null. */
    static String objectMetaError(JsonNode m) {
        if (m.isNull()) {
            return null;
        }
        if (!m.isObject()) {
            return "json: cannot unmarshal " + goKind(m) + " into Go value of type v1.ObjectMeta";
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            String err = null;
            if (STRINGS.contains(k) && !v.isTextual()) {
                err = field(v, "ObjectMeta", k, k.equals("uid") ? "types.UID" : "string");
            } else if (INTS.contains(k) && !(v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())))) {
                err = field(v, "ObjectMeta", k, "int64");
            } else if ((k.equals("creationTimestamp") || k.equals("deletionTimestamp")) && !v.isTextual()) {
                err = "json: cannot unmarshal " + goKind(v) + " into Go value of type string";
            } else if ((k.equals("creationTimestamp") || k.equals("deletionTimestamp")) && !v.asText().isEmpty()) {
                try {
                    OffsetDateTime.parse(v.asText());
                } catch (DateTimeParseException ex) {
                    err = "parsing time " + FieldCause.goQuote(v.asText()) + " as \"2006-01-02T15:04:05Z07:00\": cannot parse "
                            + FieldCause.goQuote(v.asText()) + " as \"2006\"";
                }
            } else if (k.equals("labels") || k.equals("annotations")) {
                err = stringMap(v, k);
            } else if (k.equals("finalizers")) {
                err = !v.isArray() ? field(v, "ObjectMeta", k, "[]string") : firstNonString(v, k);
            } else if (k.equals("ownerReferences")) {
                err = ownerReferences(v);
            } else if (k.equals("managedFields") && !v.isArray()) {
                err = field(v, "ObjectMeta", k, "[]v1.ManagedFieldsEntry");
            }
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    private static String stringMap(JsonNode v, String k) {
        if (!v.isObject()) {
            return field(v, "ObjectMeta", k, "map[string]string");
        }
        for (JsonNode e : v) {
            if (!e.isNull() && !e.isTextual()) {
                return field(e, "ObjectMeta", k, "string");
            }
        }
        return null;
    }

    private static String firstNonString(JsonNode v, String k) {
        for (JsonNode e : v) {
            if (!e.isNull() && !e.isTextual()) {
                return field(e, "ObjectMeta", k, "string");
            }
        }
        return null;
    }

    private static String ownerReferences(JsonNode v) {
        if (!v.isArray()) {
            return field(v, "ObjectMeta", "ownerReferences", "[]v1.OwnerReference");
        }
        for (JsonNode ref : v) {
            if (ref.isNull()) {
                continue;
            }
            if (!ref.isObject()) {
                return field(ref, "ObjectMeta", "ownerReferences", "v1.OwnerReference");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ref.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode f = e.getValue();
                String k = e.getKey();
                if (f.isNull()) {
                    continue;
                }
                if (Set.of("apiVersion", "kind", "name", "uid").contains(k) && !f.isTextual()) {
                    return field(f, "OwnerReference", "ownerReferences." + k, k.equals("uid") ? "types.UID" : "string");
                }
                if ((k.equals("controller") || k.equals("blockOwnerDeletion")) && !f.isBoolean()) {
                    return field(f, "OwnerReference", "ownerReferences." + k, "bool");
                }
            }
        }
        return null;
    }
}
