package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * structured-merge-diff's own schema language (its test vectors' {@code types:} documents) read as
 * the OpenAPI v3 that {@link Structure} reads: a named type becomes {@code #/components/schemas/<name>},
 * a {@code map} with fields an object with {@code properties} (its {@code elementType} as
 * {@code additionalProperties}, {@code elementRelationship: atomic} as {@code x-kubernetes-map-type:
 * atomic}), a {@code list} an array with its {@code x-kubernetes-list-type} (associative with keys:
 * {@code map} and {@code x-kubernetes-list-map-keys}; without: {@code set}), a scalar its type. An
 * untyped atom whose map is atomic (SMD's {@code __untyped_atomic_}) is an empty schema, compared
 * whole; one whose map is granular ({@code __untyped_deduced_}) preserves unknown fields. A field's
 * {@code default} is its property's, and a reference's {@code elementRelationship} overrides its type's.
 */
final class SmdSchemas {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Map<String, JsonNode> named = new HashMap<>();

    private SmdSchemas(JsonNode doc) {
        for (JsonNode t : doc.path("types")) {
            named.put("#/components/schemas/" + t.get("name").asText(), atom(t));
        }
    }

    static SmdSchemas parse(String yaml) throws Exception {
        return new SmdSchemas(YAML.readTree(yaml));
    }

    Function<String, JsonNode> refs() {
        return ref -> {
            int at = ref.indexOf('@');
            if (at < 0) {
                return named.get(ref);
            }
            JsonNode base = named.get(ref.substring(0, at));
            return base == null ? null : relate((ObjectNode) base.deepCopy(), ref.substring(at + 1));
        };
    }

    /** A type with the element relationship a reference to it sets: atomic, separable (maps) or associative (lists). */
    private static JsonNode relate(ObjectNode t, String relationship) {
        boolean list = t.path("type").asText("").equals("array");
        switch (relationship) {
            case "atomic" -> t.put(list ? "x-kubernetes-list-type" : "x-kubernetes-map-type", "atomic");
            case "associative" -> t.put("x-kubernetes-list-type", t.has("x-kubernetes-list-map-keys") ? "map" : "set");
            default -> t.remove("x-kubernetes-map-type");
        }
        return t;
    }

    /** The schema of the named type {@code name}, as a reference. */
    JsonNode type(String name) {
        return ref(name);
    }

    private static JsonNode ref(String name) {
        return F.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static JsonNode typeRef(JsonNode ref) {
        String relationship = ref.path("elementRelationship").asText("");
        if (ref.has("namedType")) {
            String name = ref.get("namedType").asText();
            return ref(relationship.isEmpty() ? name : name + "@" + relationship);
        }
        JsonNode t = atom(ref);
        return relationship.isEmpty() ? t : relate((ObjectNode) t, relationship);
    }

    private static JsonNode atom(JsonNode a) {
        ObjectNode out = F.objectNode();
        JsonNode map = a.get("map");
        JsonNode list = a.get("list");
        String scalar = a.path("scalar").asText("");
        boolean untyped = scalar.equals("untyped") || a.has("untyped");
        if (untyped && (map == null || !map.path("elementRelationship").asText("").equals("atomic"))
                && (map != null || a.has("untyped"))) {
            // a deduced type: granular maps of untyped values, atomic lists
            out.put("x-kubernetes-preserve-unknown-fields", true);
            return out;
        }
        if (untyped) {
            return out; // compared whole
        }
        if (map != null) {
            out.put("type", "object");
            if (map.has("fields")) {
                ObjectNode props = out.putObject("properties");
                for (JsonNode f : map.get("fields")) {
                    JsonNode t = typeRef(f.get("type"));
                    if (f.has("default")) {
                        t = ((ObjectNode) t.deepCopy()).set("default", f.get("default"));
                    }
                    props.set(f.get("name").asText(), t);
                }
            }
            if (map.has("elementType")) {
                out.set("additionalProperties", typeRef(map.get("elementType")));
            } else if (!map.has("fields")) {
                out.set("additionalProperties", F.objectNode().put("x-kubernetes-preserve-unknown-fields", true));
            }
            if (map.path("elementRelationship").asText("").equals("atomic")) {
                out.put("x-kubernetes-map-type", "atomic");
            }
            return out;
        }
        if (list != null) {
            out.put("type", "array");
            out.set("items", typeRef(list.get("elementType")));
            boolean associative = list.path("elementRelationship").asText("atomic").equals("associative");
            if (!associative) {
                out.put("x-kubernetes-list-type", "atomic");
            } else if (list.has("keys")) {
                out.put("x-kubernetes-list-type", "map");
                ArrayNode keys = out.putArray("x-kubernetes-list-map-keys");
                list.get("keys").forEach(keys::add);
            } else {
                out.put("x-kubernetes-list-type", "set");
            }
            return out;
        }
        switch (scalar) {
            case "numeric" -> out.put("type", "number");
            case "boolean" -> out.put("type", "boolean");
            default -> out.put("type", "string");
        }
        return out;
    }
}
