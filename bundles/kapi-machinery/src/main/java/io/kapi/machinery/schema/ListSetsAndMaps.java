package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * apiextensions' {@code listtype.ValidateListSetsAndMaps}: the items of an {@code x-kubernetes-list-type: set}
 * list must be unique, the keys ({@code x-kubernetes-list-map-keys}) of a {@code map} list too. Each
 * repeated item is reported once, at its second appearance, as kube's {@code Duplicate value: ...} with the
 * item (set) or its keys (map) as Go prints them. Paths are kube's with a nil root: {@code spec.list[1]},
 * additionalProperties keys as {@code spec[key]}. Scalars compare as Go's interface values (an integer never
 * equals a float), objects and arrays by their JSON encoding. Stateless.
 */
public final class ListSetsAndMaps {
    private ListSetsAndMaps() {
    }

    /** {@code ValidateListSetsAndMaps(nil, s, obj)}; nothing when either is null or obj is not an object. */
    public static List<FieldCause> validate(JsonNode obj, StructuralSchema s) {
        List<FieldCause> errs = new ArrayList<>();
        if (s != null && obj != null && obj.isObject()) {
            object(null, s, obj, errs);
        }
        return errs;
    }

    private static void object(String path, StructuralSchema s, JsonNode obj, List<FieldCause> errs) {
        if (s.additionalSchema != null) {
            obj.fields().forEachRemaining(e -> value((path == null ? "" : path) + "[" + e.getKey() + "]", s.additionalSchema, e.getValue(), errs));
        }
        obj.fields().forEachRemaining(e -> {
            StructuralSchema sub = s.properties.get(e.getKey());
            if (sub != null) {
                value(path == null ? e.getKey() : path + "." + e.getKey(), sub, e.getValue(), errs);
            }
        });
    }

    private static void value(String path, StructuralSchema s, JsonNode v, List<FieldCause> errs) {
        if (v.isArray()) {
            array(path, s, v, errs);
        } else if (v.isObject()) {
            object(path, s, v, errs);
        }
    }

    private static void array(String path, StructuralSchema s, JsonNode list, List<FieldCause> errs) {
        if ("set".equals(s.listType)) {
            List<JsonNode> items = new ArrayList<>();
            list.forEach(items::add);
            for (int i : nonUnique(items)) {
                errs.add(duplicate(path + "[" + i + "]", list.get(i)));
            }
        } else if ("map".equals(s.listType)) {
            map(path, s, list, errs);
        }
        if (s.items != null) {
            for (int i = 0; i < list.size(); i++) {
                value(path + "[" + i + "]", s.items, list.get(i), errs);
            }
        }
    }

    private static void map(String path, StructuralSchema s, JsonNode list, List<FieldCause> errs) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode x = list.get(i);
            if (!x.isNull() && !x.isObject()) {
                errs.add(FieldCause.invalidRendered(path + "[" + i + "]", GoValues.errorValue(x), "must be an object for an array of list-type map"));
                return;
            }
        }
        if (list.size() <= 1) {
            return;
        }
        // kube's one-key shortcut reports the key alone, an absent key (or null item) as an empty map;
        // with several keys the map of the keys present: both print as the map below
        List<JsonNode> keys = new ArrayList<>();
        for (JsonNode x : list) {
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            if (x.isObject()) {
                for (String k : s.listMapKeys) {
                    if (x.has(k)) {
                        key.set(k, x.get(k));
                    }
                }
            }
            keys.add(key);
        }
        for (int i : nonUnique(keys)) {
            errs.add(duplicate(path + "[" + i + "]", keys.get(i)));
        }
    }

    private static FieldCause duplicate(String path, JsonNode v) {
        return new FieldCause("FieldValueDuplicate", "Duplicate value: " + GoValues.errorValue(v), path);
    }

    /** kube's {@code validateListSet}: the index of the second appearance of each repeated value. */
    private static List<Integer> nonUnique(List<JsonNode> items) {
        List<Integer> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            int times = seen.merge(identity(items.get(i)), 1, Integer::sum);
            if (times == 2) {
                out.add(i);
            }
        }
        return out;
    }

    /** A value's identity as Go compares it: typed scalars, or the JSON encoding of a compound. */
    static String identity(JsonNode v) {
        return switch (GoValues.kind(v)) {
            case "object", "array" -> "c:" + json(v);
            case "integer" -> "i:" + v.asText();
            case "number" -> "f:" + v.asDouble();
            case "string" -> "s:" + v.asText();
            case "boolean" -> "b:" + v.asText();
            default -> "null";
        };
    }

    /** Go's {@code json.Marshal} of a decoded value, as far as equality goes: sorted keys, floats as numbers. */
    private static String json(JsonNode v) {
        switch (GoValues.kind(v)) {
            case "object": {
                TreeMap<String, JsonNode> sorted = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    sorted.put(e.getKey(), e.getValue());
                }
                StringBuilder b = new StringBuilder("{");
                sorted.forEach((k, e) -> b.append(b.length() > 1 ? "," : "").append(FieldCause.goQuote(k)).append(':').append(json(e)));
                return b.append('}').toString();
            }
            case "array": {
                StringBuilder b = new StringBuilder("[");
                v.forEach(e -> b.append(b.length() > 1 ? "," : "").append(json(e)));
                return b.append(']').toString();
            }
            case "number":
                return new BigDecimal(Double.toString(v.asDouble())).stripTrailingZeros().toPlainString();
            case "string":
                return FieldCause.goQuote(v.asText());
            default:
                return v.toString();
        }
    }
}
