package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * apiextensions' {@code defaulting.Default} and {@code PruneNonNullableNullsWithoutDefaults}, in place.
 * A property's {@code default} fills it when absent or null while not nullable; a null item or map
 * value under a non-nullable schema takes that schema's default (or stays null without one). Stateless.
 */
public final class Defaulting {
    private Defaulting() {
    }

    private static boolean nonNullableNull(JsonNode x, StructuralSchema s) {
        return x != null && x.isNull() && s != null && !s.nullable;
    }

    private static JsonNode copyOrNull(JsonNode d) {
        return d == null ? NullNode.getInstance() : d.deepCopy();
    }

    /** kube's {@code Default(x, s)}: applies defaults in {@code x}, recursively. */
    public static void apply(JsonNode x, StructuralSchema s) {
        if (s == null || x == null) {
            return;
        }
        if (x instanceof ObjectNode o) {
            for (Map.Entry<String, StructuralSchema> e : s.properties.entrySet()) {
                StructuralSchema prop = e.getValue();
                if (prop.defaultValue == null) {
                    continue;
                }
                JsonNode v = o.get(e.getKey());
                if (v == null || nonNullableNull(v, prop)) {
                    o.set(e.getKey(), prop.defaultValue.deepCopy());
                }
            }
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    apply(o.get(k), prop);
                } else if (s.additionalAllows != null) {
                    StructuralSchema ap = s.additionalSchema;
                    if (nonNullableNull(o.get(k), ap)) {
                        o.set(k, copyOrNull(ap.defaultValue));
                    }
                    apply(o.get(k), ap);
                }
            }
        } else if (x instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (nonNullableNull(a.get(i), s.items)) {
                    a.set(i, copyOrNull(s.items.defaultValue));
                }
                apply(a.get(i), s.items);
            }
        }
    }

    /** kube's {@code PruneNonNullableNullsWithoutDefaults}: drops null fields whose schema is neither nullable nor defaulted. */
    public static void pruneNonNullableNullsWithoutDefaults(JsonNode x, StructuralSchema s) {
        if (x instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                StructuralSchema fs = s == null ? null : s.fieldSchema(k);
                JsonNode v = o.get(k);
                if (v.isNull() && fs != null && !fs.nullable && fs.defaultValue == null) {
                    o.remove(k);
                } else {
                    pruneNonNullableNullsWithoutDefaults(v, fs);
                }
            }
        } else if (x instanceof ArrayNode a) {
            for (JsonNode e : a) {
                pruneNonNullableNullsWithoutDefaults(e, s == null ? null : s.items);
            }
        }
    }
}
