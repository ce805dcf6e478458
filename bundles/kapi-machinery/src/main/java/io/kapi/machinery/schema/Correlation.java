package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A value of an update beside the value it replaces, as apiserver's {@code common.CorrelatedObject}
 * pairs them for kube's validation ratcheting (CRDValidationRatcheting): the old value of an object's
 * field is the old object's field of the same name when the schema has a property or an
 * additionalProperties schema for it; the old item of an {@code x-kubernetes-list-type: map} list is
 * the first old item with the same keys (scalars, all present); items of sets and atomic lists have
 * none. {@link #unchanged()} is kube's {@code CachedDeepEqual}: a node without old value is changed,
 * a map list is unchanged only when each item is, other lists when they are deep-equal as a whole,
 * and an object only when each of its fields correlates and is unchanged (so an object with a field
 * the schema does not describe always counts as changed). Nodes and comparisons are cached: one
 * instance serves one update, its schema and CEL validation alike. Not thread-safe.
 */
public final class Correlation {
    private final JsonNode value;
    private final JsonNode old;
    private final StructuralSchema schema;
    private Map<Object, Correlation> children;
    /** The old items of a map list by their keys, once an item was looked up; kube's {@code mapList}. */
    private Map<String, JsonNode> oldItems;
    private Boolean unchanged;

    private Correlation(JsonNode value, JsonNode old, StructuralSchema schema) {
        this.value = value;
        this.old = old;
        this.schema = schema;
    }

    /** The root of an update of {@code value} (the new object) from {@code old} under {@code schema}. */
    public static Correlation of(JsonNode value, JsonNode old, StructuralSchema schema) {
        return new Correlation(value, old, schema);
    }

    /** The new value. */
    public JsonNode value() {
        return value;
    }

    /** The correlated old value (null or a null node for Go's nil). */
    public JsonNode oldValue() {
        return old;
    }

    private static boolean nil(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    /**
     * The field {@code name} of this object, or null when it cannot be correlated: the new or old value
     * is not an object or lacks the field, or the schema has neither a property nor an additionalProperties
     * schema for it.
     */
    public Correlation key(String name) {
        if (schema == null) {
            return null;
        }
        Correlation known = children == null ? null : children.get(name);
        if (known != null) {
            return known;
        }
        if (old == null || value == null || !old.isObject() || !value.isObject() || !old.has(name) || !value.has(name)) {
            return null;
        }
        StructuralSchema s = schema.fieldSchema(name);
        if (s == null) {
            return null;
        }
        return child(name, new Correlation(value.get(name), old.get(name), s));
    }

    /**
     * The item {@code i} of this list, or null when it cannot be correlated: out of bounds, not a
     * {@code map} list, no old item with its keys, or no items schema.
     */
    public Correlation index(int i) {
        if (schema == null) {
            return null;
        }
        Correlation known = children == null ? null : children.get(i);
        if (known != null) {
            return known;
        }
        if (value == null || !value.isArray() || value.size() <= i) {
            return null;
        }
        JsonNode oldItem = oldItem(value.get(i));
        if (nil(oldItem) || schema.items == null) {
            return null;
        }
        return child(i, new Correlation(value.get(i), oldItem, schema.items));
    }

    private Correlation child(Object key, Correlation c) {
        if (children == null) {
            children = new HashMap<>();
        }
        children.put(key, c);
        return c;
    }

    /** kube's {@code correlateOldValueForChildAtNewIndex}: only map lists correlate their items. */
    private JsonNode oldItem(JsonNode item) {
        if (old == null || !old.isArray() || !"map".equals(schema.listType)) {
            return null;
        }
        if (oldItems == null) {
            oldItems = new HashMap<>();
            if (schema.types.contains("array") && !schema.listMapKeys.isEmpty()) {
                for (JsonNode o : old) {
                    String k = mapKey(o);
                    if (k != null) {
                        oldItems.putIfAbsent(k, o);
                    }
                }
            }
        }
        String k = mapKey(item);
        return k == null ? null : oldItems.get(k);
    }

    /** kube's {@code CompositeKeyFor}: the item's key values, each a scalar of its Go type; null when it has none. */
    private String mapKey(JsonNode item) {
        if (item == null || !item.isObject()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (String k : schema.listMapKeys) {
            JsonNode v = item.get(k);
            String kind = GoValues.kind(v);
            switch (kind) {
                case "boolean", "string", "integer" -> b.append('\0').append(kind).append(':').append(v.asText());
                case "number" -> b.append('\0').append(kind).append(':').append(v.asDouble());
                default -> {
                    return null;
                }
            }
        }
        return b.toString();
    }

    /** Whether {@code c} is a correlated node whose value is unchanged; null (uncorrelatable) counts as changed. */
    public static boolean unchanged(Correlation c) {
        return c != null && c.unchanged();
    }

    /** kube's {@code CachedDeepEqual}: whether the value is deep-equal to its old value, in kube's terms above. */
    public boolean unchanged() {
        if (unchanged == null) {
            unchanged = compare();
        }
        return unchanged;
    }

    private boolean compare() {
        if (nil(value) || nil(old)) {
            return nil(value) && nil(old);
        }
        if (value.isArray() != old.isArray() || value.isObject() != old.isObject()) {
            return false;
        }
        if (value.isArray()) {
            if (value.size() != old.size()) {
                return false;
            }
            for (int i = 0; i < value.size(); i++) {
                Correlation c = index(i);
                if (c == null) {
                    return oldItems == null && GoValues.deepEqual(old, value);
                }
                if (!c.unchanged()) {
                    return false;
                }
            }
            return true;
        }
        if (value.isObject()) {
            if (value.size() != old.size()) {
                return false;
            }
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                Correlation c = key(it.next());
                if (c == null || !c.unchanged()) {
                    return false;
                }
            }
            return true;
        }
        return GoValues.deepEqual(old, value);
    }
}
