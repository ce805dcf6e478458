package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL types of a CRD version's structural schema, as apiserver's {@code SchemaDeclType} derives
 * them: an object with properties is a struct (its fields the escaped property names), one with
 * {@code additionalProperties} a {@code map(string, T)}, an array a {@code list(T)}, int-or-string
 * {@code dyn}, strings with format {@code byte}/{@code duration}/{@code date}/{@code date-time}
 * {@code bytes}/{@code duration}/{@code timestamp}, integer {@code int}, number {@code double}. The
 * resource root and every embedded resource also have {@code apiVersion}, {@code kind} and
 * {@code metadata.name}/{@code metadata.generateName} (kube's {@code WithTypeAndObjectMeta}).
 * Struct types are named after their schema location ({@code Object.spec.items}). Immutable.
 */
final class SchemaTypes implements CelTypeProvider {
    private final Map<String, CelType> structs = new LinkedHashMap<>();
    private final IdentityHashMap<JsonNode, CelType> byNode = new IdentityHashMap<>();

    SchemaTypes(JsonNode root) {
        typeOf(root, "Object", true);
    }

    /** The CEL type of {@code self} at a schema node of this schema; dyn when kube has none. */
    CelType selfType(JsonNode schemaNode) {
        CelType t = byNode.get(schemaNode);
        return t == null ? SimpleType.DYN : t;
    }

    /** kube's {@code WithTypeAndObjectMeta}: the schema with apiVersion, kind and the metadata CEL sees. */
    static JsonNode withTypeAndObjectMeta(JsonNode s) {
        ObjectNode copy = s.isObject() ? ((ObjectNode) s).deepCopy() : JsonNodeFactory.instance.objectNode();
        ObjectNode props = copy.with("properties");
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("type", "object");
        meta.with("properties").putObject("name").put("type", "string");
        meta.with("properties").putObject("generateName").put("type", "string");
        props.set("metadata", meta);
        props.putObject("kind").put("type", "string");
        props.putObject("apiVersion").put("type", "string");
        return copy;
    }

    private CelType typeOf(JsonNode s, String name, boolean resourceRoot) {
        CelType t = compute(resourceRoot ? withTypeAndObjectMeta(s) : s, name, s);
        byNode.put(s, t);
        return t;
    }

    private CelType compute(JsonNode s, String name, JsonNode original) {
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return SimpleType.DYN;
        }
        switch (s.path("type").asText("")) {
            case "array": {
                JsonNode items = s.get("items");
                if (items == null || !items.isObject()) {
                    return null;
                }
                CelType it = typeOf(items, name + ".@idx", embedded(items));
                return it == null ? null : ListType.create(it);
            }
            case "object": {
                JsonNode ap = s.get("additionalProperties");
                if (ap != null && ap.isObject()) {
                    CelType vt = typeOf(ap, name + ".@elem", embedded(ap));
                    return vt == null ? null : MapType.create(SimpleType.STRING, vt);
                }
                Map<String, CelType> fields = new LinkedHashMap<>();
                JsonNode props = s.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    // the original node's property, so that rules there find their type
                    JsonNode p = original.path("properties").get(e.getKey());
                    JsonNode prop = p != null && p.isObject() && !isMetaOverride(s, original, e.getKey()) ? p : e.getValue();
                    CelType ft = typeOf(prop, name + "." + e.getKey(), embedded(prop));
                    String escaped = CelNames.escape(e.getKey());
                    if (ft != null && escaped != null) {
                        fields.put(escaped, ft);
                        if (CelNames.reserved(e.getKey())) {
                            fields.put(e.getKey(), ft); // kube 1.32 (recognizeKeywordAsFieldName) takes it unescaped too
                        }
                    }
                }
                StructType st = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                        f -> Optional.ofNullable(fields.get(f)));
                structs.put(name, st);
                return st;
            }
            case "string":
                switch (s.path("format").asText("")) {
                    case "byte":
                        return SimpleType.BYTES;
                    case "duration":
                        return SimpleType.DURATION;
                    case "date":
                    case "date-time":
                        return SimpleType.TIMESTAMP;
                    default:
                        return SimpleType.STRING;
                }
            case "boolean":
                return SimpleType.BOOL;
            case "number":
                return SimpleType.DOUBLE;
            case "integer":
                return SimpleType.INT;
            default:
                return null;
        }
    }

    /** Whether {@code key} of the augmented schema replaced the original's (metadata, kind, apiVersion). */
    private static boolean isMetaOverride(JsonNode augmented, JsonNode original, String key) {
        return augmented != original && (key.equals("metadata") || key.equals("kind") || key.equals("apiVersion"));
    }

    private static boolean embedded(JsonNode s) {
        return s.path("x-kubernetes-embedded-resource").asBoolean(false);
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
