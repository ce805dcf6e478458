package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * structured-merge-diff's operations on values, with its rules ({@code typed/tofieldset.go},
 * {@code compare.go}, {@code merge.go}, {@code remove.go}): the field set a value sets, what changed
 * between two values, the merge of an applied configuration into a live object, and the removal of
 * fields. Stateless.
 */
final class Fields {
    private Fields() {
    }

    /** What a comparison found, as SMD's {@code typed.Comparison}. */
    record Comparison(FieldSet added, FieldSet removed, FieldSet modified) {
        FieldSet addedOrModified() {
            return added.union(modified);
        }

        boolean isSame() {
            return added.isEmpty() && removed.isEmpty() && modified.isEmpty();
        }
    }

    /** The path element of a list item: its key fields for a map list, its value for a set, else its index. */
    static String element(Structure list, JsonNode item, int index) {
        if (list.kind() == Structure.Kind.LIST_MAP && item.isObject()) {
            Map<String, JsonNode> keys = new LinkedHashMap<>();
            for (String k : list.keys()) {
                if (item.has(k)) {
                    keys.put(k, item.get(k));
                }
            }
            if (!keys.isEmpty()) {
                return FieldSet.key(keys);
            }
        }
        if (list.kind() == Structure.Kind.LIST_SET) {
            return FieldSet.value(item);
        }
        return FieldSet.index(index);
    }

    // ---- the field set of a value (SMD's ToFieldSet)

    static FieldSet toFieldSet(JsonNode value, Structure s) {
        FieldSet out = new FieldSet();
        collect(value, s, new ArrayList<>(), out);
        return out;
    }

    private static void collect(JsonNode v, Structure s, List<String> path, FieldSet out) {
        if (!s.descendsInto(v)) {
            if (!path.isEmpty()) {
                out.insert(path);
            }
            return;
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                path.add(FieldSet.field(e.getKey()));
                JsonNode child = e.getValue();
                collect(child, s.child(e.getKey()), path, out);
                // a map entry is a member; a struct field only when it is null or an empty object
                if (!s.declares(e.getKey()) || child.isNull() || (child.isObject() && child.isEmpty())) {
                    out.insert(path);
                }
                path.remove(path.size() - 1);
            }
            return;
        }
        Structure items = s.items();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            path.add(element(s, item, i));
            collect(item, items, path, out);
            out.insert(path);
            path.remove(path.size() - 1);
        }
    }

    // ---- what changed (SMD's Compare)

    static Comparison compare(JsonNode lhs, JsonNode rhs, Structure s) {
        Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(lhs, rhs, s, new ArrayList<>(), c);
        return c;
    }

    private static void compare(JsonNode l, JsonNode r, Structure s, List<String> path, Comparison c) {
        if (l == null && r == null) {
            return;
        }
        boolean lc = l != null && s.descendsInto(l);
        boolean rc = r != null && s.descendsInto(r);
        if ((l != null && !lc) || (r != null && !rc) || (lc && rc && l.getNodeType() != r.getNodeType())) {
            // a leaf: compared as a whole
            if (!path.isEmpty()) {
                if (l == null) {
                    c.added().insert(path);
                } else if (r == null) {
                    c.removed().insert(path);
                } else if (!l.equals(r)) {
                    c.modified().insert(path);
                }
            }
            return;
        }
        Map<String, JsonNode[]> children = children(l, r, s);
        if (path.size() == 1 && path.get(0).equals(FieldSet.field("metadata"))) {
            // the managed fields themselves are never a change anyone owns
            children.remove(FieldSet.field("managedFields"));
        }
        children.forEach((element, pair) -> {
            path.add(element);
            compare(pair[0], pair[1], element.startsWith("f:") ? s.child(element.substring(2)) : s.items(), path, c);
            path.remove(path.size() - 1);
        });
        if (!path.isEmpty()) {
            if (l == null) {
                c.added().insert(path);
            } else if (r == null) {
                c.removed().insert(path);
            }
        }
    }

    /** The children of two containers of one node by path element: {left, right}, either possibly null. */
    private static Map<String, JsonNode[]> children(JsonNode l, JsonNode r, Structure s) {
        Map<String, JsonNode[]> out = new LinkedHashMap<>();
        for (int side = 0; side < 2; side++) {
            JsonNode v = side == 0 ? l : r;
            if (v == null) {
                continue;
            }
            final int sd = side;
            if (v.isObject()) {
                v.fields().forEachRemaining(e -> out.computeIfAbsent(FieldSet.field(e.getKey()), k -> new JsonNode[2])[sd] = e.getValue());
            } else {
                for (int i = 0; i < v.size(); i++) {
                    out.computeIfAbsent(element(s, v.get(i), i), k -> new JsonNode[2])[sd] = v.get(i);
                }
            }
        }
        return out;
    }

    // ---- applying a configuration (SMD's Merge)

    /** {@code rhs} merged into {@code lhs}: leaves and atomic values from rhs, containers merged by element. */
    static JsonNode merge(JsonNode lhs, JsonNode rhs, Structure s) {
        if (rhs == null) {
            return lhs == null ? null : lhs.deepCopy();
        }
        if (lhs == null || !s.descendsInto(lhs) || !s.descendsInto(rhs) || lhs.getNodeType() != rhs.getNodeType()) {
            return rhs.deepCopy();
        }
        if (lhs.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            lhs.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue().deepCopy()));
            rhs.fields().forEachRemaining(e -> out.set(e.getKey(), merge(lhs.get(e.getKey()), e.getValue(), s.child(e.getKey()))));
            return out;
        }
        return mergeItems(lhs, rhs, s);
    }

    /**
     * Two lists merged by element, in SMD's order ({@code visitListItems}): the items both lists have
     * come in the applied list's order, each live-only item stays where it was relative to them, and
     * each applied-only item comes where the applied list puts it. A live item whose key or value
     * repeats is kept as it is while the applied list does not name it, and replaced by the applied
     * item (once) when it does.
     */
    private static JsonNode mergeItems(JsonNode lhs, JsonNode rhs, Structure s) {
        Structure items = s.items();
        List<String> rPes = new ArrayList<>(rhs.size());
        Map<String, JsonNode> rObserved = new HashMap<>();
        for (int i = 0; i < rhs.size(); i++) {
            String e = element(s, rhs.get(i), i);
            rPes.add(e);
            rObserved.putIfAbsent(e, rhs.get(i));
        }
        List<String> lPes = new ArrayList<>(lhs.size());
        Map<String, JsonNode> lObserved = new HashMap<>();
        for (int i = 0; i < lhs.size(); i++) {
            String e = element(s, lhs.get(i), i);
            lPes.add(e);
            // a repeated element is not merged with the applied item: the applied one replaces it
            lObserved.merge(e, lhs.get(i), (a, b) -> NullNode.getInstance());
        }
        ArrayDeque<String> shared = new ArrayDeque<>();
        for (String e : rPes) {
            if (lObserved.containsKey(e)) {
                shared.add(e);
            }
        }
        String nextShared = shared.poll();
        Set<String> mergedRhs = new HashSet<>();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int l = 0;
        int r = 0;
        while (l < lPes.size() || r < rPes.size()) {
            if (l < lPes.size() && r < rPes.size()) {
                String e = lPes.get(l);
                if (e.equals(rPes.get(r))) {
                    mergedRhs.add(e);
                    out.add(merge(lObserved.get(e), rObserved.get(e), items));
                    l++;
                    r++;
                    nextShared = shared.poll();
                    continue;
                }
                if (rObserved.containsKey(e) && nextShared != null && !nextShared.equals(e)) {
                    // a shared item, but not the next one in the applied order: it comes later
                    l++;
                    continue;
                }
            }
            if (l < lPes.size()) {
                String e = lPes.get(l);
                if (!rObserved.containsKey(e)) {
                    out.add(lhs.get(l).deepCopy());
                    l++;
                    continue;
                } else if (mergedRhs.contains(e)) {
                    l++;
                }
            }
            if (r < rPes.size()) {
                String e = rPes.get(r);
                mergedRhs.add(e);
                out.add(merge(lObserved.get(e), rObserved.get(e), items));
                r++;
                if (e.equals(nextShared)) {
                    nextShared = shared.poll();
                }
            }
        }
        return out;
    }

    // ---- pruning what an applier dropped (SMD's Updater.prune)

    /**
     * Removes from {@code value} the members of {@code candidates} that nobody owns: no member of
     * {@code owned} at them or below them. {@code candidates} marks every named field on the way as a
     * member (SMD's EnsureNamedFieldsAreMembers), so a struct field the applier dropped goes whole.
     */
    static void prune(JsonNode value, Structure s, FieldSet candidates, FieldSet owned) {
        if (value == null || !s.descendsInto(value)) {
            return;
        }
        if (value.isObject()) {
            ObjectNode o = (ObjectNode) value;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String e = FieldSet.field(name);
                FieldSet c = candidates.get(e);
                if (c == null) {
                    continue;
                }
                FieldSet own = owned == null ? null : owned.get(e);
                if ((c.isMember() || s.declares(name)) && (own == null || own.isEmpty())) {
                    o.remove(name);
                } else {
                    prune(o.get(name), s.child(name), c, own);
                }
            }
            return;
        }
        ArrayNode a = (ArrayNode) value;
        Structure items = s.items();
        for (int i = a.size() - 1; i >= 0; i--) {
            String e = element(s, a.get(i), i);
            FieldSet c = candidates.get(e);
            if (c == null) {
                continue;
            }
            FieldSet own = owned == null ? null : owned.get(e);
            if (own == null || own.isEmpty()) {
                a.remove(i);
            } else {
                prune(a.get(i), items, c, own);
            }
        }
    }
}
