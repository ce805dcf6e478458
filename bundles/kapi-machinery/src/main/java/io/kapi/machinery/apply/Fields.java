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
 * {@code compare.go}, {@code merge.go}): the field set a value sets, what changed between two values,
 * the merge of an applied configuration into a live object ({@link Pruning} removes what an applier
 * dropped). Stateless.
 */
final class Fields {
    /** The zero value of a struct kube's Go types always hold. */
    private static final JsonNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

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

    /**
     * The path element of a list item: its key fields for a map list (a missing one by its default),
     * its value for a set, else its index.
     */
    static String element(Structure list, JsonNode item, int index) {
        if (list.kind() == Structure.Kind.LIST_MAP && item.isObject()) {
            Map<String, JsonNode> keys = new LinkedHashMap<>();
            Structure items = null;
            for (String k : list.keys()) {
                if (item.has(k)) {
                    keys.put(k, item.get(k));
                    continue;
                }
                // a key field the item leaves out counts with its schema default (SMD's keys with defaults)
                items = items == null ? list.items() : items;
                JsonNode d = items.defaultOf(k);
                if (d != null) {
                    keys.put(k, d);
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
        // an element that repeats is owned whole, once, and not descended into
        Structure items = s.items();
        List<String> elements = new ArrayList<>(v.size());
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            String e = element(s, v.get(i), i);
            elements.add(e);
            if (!seen.add(e)) {
                repeated.add(e);
            }
        }
        for (int i = 0; i < v.size(); i++) {
            String e = elements.get(i);
            path.add(e);
            if (!repeated.contains(e)) {
                collect(v.get(i), items, path, out);
            }
            out.insert(path);
            path.remove(path.size() - 1);
        }
    }

    // ---- what changed (SMD's Compare)

    /** @param lhs the object before (null: the request creates it, compared with kube's empty object) */
    static Comparison compare(JsonNode lhs, JsonNode rhs, Structure s) {
        Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(lhs == null && rhs != null && rhs.isObject() ? EMPTY : lhs, rhs, s, new ArrayList<>(), c);
        return c;
    }

    /** The form SMD handles a value as (its {@code deduceAtom}): fixed by the schema, or by the value where the schema is untyped. */
    enum Atom { MAP, ATOMIC_MAP, LIST, ATOMIC_LIST, SCALAR }

    static Atom atom(Structure s, JsonNode v) {
        return switch (s.kind()) {
            case STRUCT, MAP -> Atom.MAP;
            case ATOMIC_MAP -> Atom.ATOMIC_MAP;
            case LIST_SET, LIST_MAP -> Atom.LIST;
            case LIST_ATOMIC -> Atom.ATOMIC_LIST;
            case SCALAR -> Atom.SCALAR;
            // untyped: maps are granular, lists atomic; null (or absent) is taken as a map, SMD's first choice
            case UNTYPED -> v == null || v.isNull() || v.isObject() ? Atom.MAP : v.isArray() ? Atom.ATOMIC_LIST : Atom.SCALAR;
        };
    }

    /**
     * One node of SMD's compare walk: {@code l} or {@code r} is null when absent (a JSON null is a
     * value). Values of two forms (an untyped map against a string) are walked as both.
     */
    private static void compare(JsonNode l, JsonNode r, Structure s, List<String> path, Comparison c) {
        Atom al = atom(s, l);
        Atom ar = atom(s, r);
        boolean leaf;
        if (r == null) {
            leaf = handle(al, l, r, s, path, c);
        } else if (l == null || al == ar) {
            leaf = handle(ar, l, r, s, path, c);
        } else {
            handle(al, l, r, s, path, c);
            leaf = handle(ar, l, r, s, path, c);
        }
        if (!leaf && !path.isEmpty()) {
            if (l == null) {
                c.added().insert(path);
            } else if (r == null) {
                c.removed().insert(path);
            }
        }
    }

    /** Walks one form of a node; true when the node was compared whole (a leaf). */
    private static boolean handle(Atom atom, JsonNode l, JsonNode r, Structure s, List<String> path, Comparison c) {
        switch (atom) {
            case SCALAR -> {
                return leaf(l, r, path, c);
            }
            case MAP, ATOMIC_MAP -> {
                JsonNode lm = l != null && l.isObject() ? l : null;
                JsonNode rm = r != null && r.isObject() ? r : null;
                if (atom == Atom.ATOMIC_MAP || ((lm == null || lm.isEmpty()) && (rm == null || rm.isEmpty()))) {
                    // empty or null on both sides: a leaf, which keeps the empty/null distinction
                    return leaf(l, r, path, c);
                }
                Map<String, JsonNode[]> children = new LinkedHashMap<>();
                if (lm != null) {
                    lm.fields().forEachRemaining(e -> children.computeIfAbsent(e.getKey(), k -> new JsonNode[2])[0] = e.getValue());
                }
                if (rm != null) {
                    rm.fields().forEachRemaining(e -> children.computeIfAbsent(e.getKey(), k -> new JsonNode[2])[1] = e.getValue());
                }
                if (path.size() == 1 && path.get(0).equals(FieldSet.field("metadata"))) {
                    // the managed fields themselves are never a change anyone owns
                    children.remove("managedFields");
                }
                children.forEach((name, pair) -> {
                    // kube compares Go objects: in a struct that is there, a field that is no pointer (a struct
                    // whose schema's default is {}) is there too, and one without omitempty (a required one)
                    // is at least null; such a field is never added or removed itself, only what it holds is
                    if (pair[0] == null && lm != null) {
                        pair[0] = zeroValue(s, name);
                    }
                    if (pair[1] == null && rm != null) {
                        pair[1] = zeroValue(s, name);
                    }
                    path.add(FieldSet.field(name));
                    compare(pair[0], pair[1], s.child(name), path, c);
                    path.remove(path.size() - 1);
                });
                return false;
            }
            default -> {
                JsonNode ll = l != null && l.isArray() ? l : null;
                JsonNode rl = r != null && r.isArray() ? r : null;
                if (atom == Atom.ATOMIC_LIST || ((ll == null || ll.isEmpty()) && (rl == null || rl.isEmpty()))) {
                    return leaf(l, r, path, c);
                }
                compareItems(ll, rl, s, path, c);
                return false;
            }
        }
    }

    /** What field {@code name} of struct {@code s} holds in kube's zero Go object: {}, null, or nothing (null here). */
    private static JsonNode zeroValue(Structure s, String name) {
        if (s.isValueStruct(name)) {
            return EMPTY;
        }
        // ObjectMeta's creationTimestamp is a metav1.Time that is no pointer: a zero one is written as null
        // (kubectl sends it so in every template), so a null there is no change anyone owns
        boolean zeroTime = name.equals("creationTimestamp") && s.declares(name);
        return zeroTime || s.requires(name) ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : null;
    }

    /** SMD's {@code doLeaf}: a node compared whole. */
    private static boolean leaf(JsonNode l, JsonNode r, List<String> path, Comparison c) {
        if (!path.isEmpty()) {
            if (l == null) {
                c.added().insert(path);
            } else if (r == null) {
                c.removed().insert(path);
            } else if (!sameValue(l, r)) {
                c.modified().insert(path);
            }
        }
        return true;
    }

    /**
     * Two lists' items by element. An element that repeats on both sides is compared as a whole list
     * of its repeats; one that stops repeating is removed and its single new item added; one that
     * starts repeating is added and its single old item removed (SMD's {@code visitListItems}).
     */
    private static void compareItems(JsonNode l, JsonNode r, Structure s, List<String> path, Comparison c) {
        Map<String, List<JsonNode>[]> byElement = new LinkedHashMap<>();
        for (int side = 0; side < 2; side++) {
            JsonNode list = side == 0 ? l : r;
            if (list == null) {
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                @SuppressWarnings("unchecked")
                List<JsonNode>[] pair = byElement.computeIfAbsent(element(s, list.get(i), i), k -> new List[] {new ArrayList<>(), new ArrayList<>()});
                pair[side].add(list.get(i));
            }
        }
        Structure items = s.items();
        byElement.forEach((e, pair) -> {
            List<JsonNode> ls = pair[0];
            List<JsonNode> rs = pair[1];
            path.add(e);
            if (ls.size() <= 1 && rs.size() <= 1) {
                compare(ls.isEmpty() ? null : ls.get(0), rs.isEmpty() ? null : rs.get(0), items, path, c);
            } else if (ls.size() >= 2 && rs.size() >= 2) {
                if (!sameValues(ls, rs)) {
                    c.modified().insert(path);
                }
            } else if (ls.size() >= 2) {
                if (!rs.isEmpty()) {
                    compare(null, rs.get(0), items, path, c);
                }
                c.removed().insert(path);
            } else {
                if (!ls.isEmpty()) {
                    compare(ls.get(0), null, items, path, c);
                }
                c.added().insert(path);
            }
            path.remove(path.size() - 1);
        });
    }

    /** Numbers compare by value, as SMD's value.Equals ({@code 1} is {@code 1.0}); the rest as JSON. */
    private static final java.util.Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    static boolean sameValue(JsonNode a, JsonNode b) {
        return a.equals(BY_VALUE, b);
    }

    private static boolean sameValues(List<JsonNode> a, List<JsonNode> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameValue(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first item of an associative list (a map list's key, a set's value) that appears twice in
     * {@code value}, as SMD's path and element ({@code .spec.containers: duplicate entries for key
     * [name="a"]}); null when there is none. An applied configuration may hold no such item.
     */
    static String duplicate(JsonNode value, Structure s) {
        return duplicate(value, s, new ArrayList<>());
    }

    private static String duplicate(JsonNode v, Structure s, List<String> path) {
        if (v == null || !s.descendsInto(v)) {
            return null;
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                path.add(FieldSet.field(e.getKey()));
                String d = duplicate(e.getValue(), s.child(e.getKey()), path);
                path.remove(path.size() - 1);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        Set<String> seen = new HashSet<>();
        Structure items = s.items();
        for (int i = 0; i < v.size(); i++) {
            String e = element(s, v.get(i), i);
            if (!seen.add(e)) {
                String element = FieldSet.pathString(List.of(e));
                return FieldSet.pathString(path) + ": duplicate entries for key " + element;
            }
            path.add(e);
            String d = duplicate(v.get(i), items, path);
            path.remove(path.size() - 1);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    // ---- applying a configuration (SMD's Merge)

    /**
     * {@code rhs} merged into {@code lhs} (either null when absent), as SMD's merging walker: leaves
     * and atomic values from rhs, maps and non-atomic lists merged by element; a null or empty value
     * against an empty one is a leaf (the distinction is kept), a null one against a populated
     * container leaves the container as it is.
     */
    static JsonNode merge(JsonNode lhs, JsonNode rhs, Structure s) {
        // a value of another form than lhs's is merged as its own form (SMD walks lhs's form too, to no effect)
        return mergeAs(rhs == null ? atom(s, lhs) : atom(s, rhs), lhs, rhs, s);
    }

    private static JsonNode mergeAs(Atom atom, JsonNode l, JsonNode r, Structure s) {
        switch (atom) {
            case MAP, ATOMIC_MAP -> {
                JsonNode lm = l != null && l.isObject() ? l : null;
                JsonNode rm = r != null && r.isObject() ? r : null;
                if (atom == Atom.ATOMIC_MAP || ((lm == null || lm.isEmpty()) && (rm == null || rm.isEmpty()))) {
                    return mergedLeaf(l, r);
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                if (lm != null) {
                    lm.fields().forEachRemaining(e -> {
                        JsonNode m = merge(e.getValue(), rm == null ? null : rm.get(e.getKey()), s.child(e.getKey()));
                        if (m != null) {
                            out.set(e.getKey(), m);
                        }
                    });
                }
                if (rm != null) {
                    rm.fields().forEachRemaining(e -> {
                        if (lm == null || !lm.has(e.getKey())) {
                            JsonNode m = merge(null, e.getValue(), s.child(e.getKey()));
                            if (m != null) {
                                out.set(e.getKey(), m);
                            }
                        }
                    });
                }
                return out;
            }
            case LIST -> {
                JsonNode ll = l != null && l.isArray() ? l : null;
                JsonNode rl = r != null && r.isArray() ? r : null;
                if ((ll == null || ll.isEmpty()) && (rl == null || rl.isEmpty())) {
                    return mergedLeaf(l, r);
                }
                ArrayNode empty = JsonNodeFactory.instance.arrayNode();
                return mergeItems(ll == null ? empty : ll, rl == null ? empty : rl, s);
            }
            default -> {
                return mergedLeaf(l, r);
            }
        }
    }

    private static JsonNode mergedLeaf(JsonNode l, JsonNode r) {
        return r != null ? r.deepCopy() : l == null ? null : l.deepCopy();
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
}
