package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of a custom resource that kube's CEL compares its own way (apiserver
 * {@code pkg/cel/common/values.go}): lists with {@code x-kubernetes-list-type} {@code set} and
 * {@code map}, which equal a list regardless of order and concatenate as a union or a merge by key,
 * and objects, which remember their JSON (a property whose name CEL cannot spell still counts in
 * equality, and map list keys are looked up in it as kube does).
 */
final class ListValues {
    private ListValues() {
    }

    /** An object with properties: its CEL fields, and the JSON it came from. */
    static final class ObjectValue extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        final transient JsonNode json;

        ObjectValue(JsonNode json) {
            this.json = json;
        }

        /** The JSON properties CEL cannot name (kube compares them as plain data). */
        Map<String, JsonNode> hidden() {
            Map<String, JsonNode> out = new HashMap<>();
            json.fields().forEachRemaining(e -> {
                if (CelNames.escape(e.getKey()) == null && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue());
                }
            });
            return out;
        }
    }

    /**
     * kube's {@code unstructuredSetList}. Membership is decided on the plain data of this list's items
     * (kube's Go values: a string, an int64, a float64, a bool) against the other list's CEL values, so
     * items of a {@code date-time} or {@code duration} format, which CEL sees as timestamps and durations,
     * are never found, as in kube.
     */
    static final class SetList extends AbstractList<Object> {
        private final List<Object> elements;
        private final List<Object> data;

        SetList(List<Object> elements, List<Object> data) {
            this.elements = elements;
            this.data = data;
        }

        @Override
        public Object get(int index) {
            return elements.get(index);
        }

        @Override
        public int size() {
            return elements.size();
        }

        boolean kubeEquals(List<?> other) {
            if (other.size() != size()) {
                return false;
            }
            Set<Object> set = new HashSet<>(data);
            for (Object o : other) {
                if (!set.contains(o)) {
                    return false;
                }
            }
            return true;
        }

        /** A union: this list's items in place, then those of {@code other} not yet in it. */
        SetList plus(List<?> other) {
            List<Object> e = new ArrayList<>(elements);
            List<Object> d = new ArrayList<>(data);
            Set<Object> set = new HashSet<>(data);
            for (Object o : other) {
                if (set.add(o)) {
                    e.add(o);
                    d.add(o);
                }
            }
            return new SetList(e, d);
        }
    }

    /** kube's {@code unstructuredMapList}: items identified by their {@code x-kubernetes-list-map-keys}. */
    static final class MapList extends AbstractList<Object> {
        private final List<Object> elements;
        private final List<String> keys;

        /** {@code keys}: the map keys as kube escapes them for CEL (left as they are when they cannot be). */
        MapList(List<Object> elements, List<String> keys) {
            this.elements = elements;
            this.keys = keys;
        }

        static List<String> escapedKeys(JsonNode mapKeys) {
            List<String> out = new ArrayList<>();
            mapKeys.forEach(k -> {
                String e = CelNames.escape(k.asText());
                out.add(e == null ? k.asText() : e);
            });
            return out;
        }

        @Override
        public Object get(int index) {
            return elements.get(index);
        }

        @Override
        public int size() {
            return elements.size();
        }

        /**
         * kube's {@code toMapKey}: the key values read from the item's JSON under the escaped key names
         * (so a key whose name needed escaping reads as absent, as in kube), or from a plain map's
         * entries; an item that is not a map has a key nothing else has.
         */
        private Object key(Object element) {
            if (!(element instanceof Map<?, ?> m)) {
                return new Object();
            }
            Object[] k = new Object[keys.size()];
            for (int i = 0; i < k.length; i++) {
                if (m instanceof ObjectValue o) {
                    JsonNode v = o.json.get(keys.get(i));
                    k[i] = v == null ? null : CelValues.generic(v);
                } else {
                    k[i] = m.get(keys.get(i));
                }
            }
            return Arrays.asList(k);
        }

        boolean kubeEquals(List<?> other) {
            if (other.size() != size()) {
                return false;
            }
            Map<Object, Object> byKey = new HashMap<>();
            for (Object e : elements) {
                byKey.put(key(e), e);
            }
            for (Object o : other) {
                Object mine = byKey.get(key(o));
                if (mine == null || !CelEquality.equal(mine, o)) {
                    return false;
                }
            }
            return true;
        }

        /** A merge: this list's items in place, replaced by the item of {@code other} with the same key, then the new ones. */
        MapList plus(List<?> other) {
            List<Object> e = new ArrayList<>(elements);
            Map<Object, Integer> index = new HashMap<>();
            for (int i = 0; i < e.size(); i++) {
                index.put(key(e.get(i)), i);
            }
            for (Object o : other) {
                Integer at = index.get(key(o));
                if (at != null) {
                    e.set(at, o);
                } else {
                    e.add(o);
                }
            }
            return new MapList(e, keys);
        }
    }
}
