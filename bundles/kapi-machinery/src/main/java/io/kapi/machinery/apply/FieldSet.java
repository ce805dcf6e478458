package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths, as structured-merge-diff's {@code fieldpath.Set}: a tree whose edges are path
 * elements, each node possibly a member itself. Elements are written as in {@code managedFields}'
 * {@code fieldsV1}: {@code f:<field>}, {@code k:<JSON object of the key fields>} (an item of a list
 * keyed by {@code x-kubernetes-list-map-keys}), {@code v:<JSON value>} (an item of a set list),
 * {@code i:<index>}; a member node carries {@code "."}. Children are kept in SMD's order (fields, keys,
 * values, indices; each sorted). Mutable, not thread-safe: one request's working value.
 */
public final class FieldSet {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** SMD's PathElement order: field names, then keys, then values, then indices. */
    private static final Comparator<String> ORDER = Comparator.comparingInt(FieldSet::rank).thenComparing(Comparator.naturalOrder());

    private boolean member;
    private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

    private static int rank(String element) {
        return switch (element.isEmpty() ? ' ' : element.charAt(0)) {
            case 'f' -> 0;
            case 'k' -> 1;
            case 'v' -> 2;
            default -> 3;
        };
    }

    /** {@code f:<name>} */
    public static String field(String name) {
        return "f:" + name;
    }

    /** {@code k:{...}}: the key fields of a list item, sorted by name, as compact JSON. */
    public static String key(Map<String, JsonNode> keys) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(keys).forEach((k, v) -> o.set(k, goNumber(v)));
        return "k:" + o;
    }

    /** {@code v:<json>} */
    public static String value(JsonNode value) {
        return "v:" + goNumber(value);
    }

    /** A whole floating-point number as Go's JSON writes a float64 ({@code 2.0} is {@code 2}), so keys compare by value. */
    private static JsonNode goNumber(JsonNode v) {
        if (v.isFloatingPointNumber() && !v.isBigDecimal() && Math.rint(v.doubleValue()) == v.doubleValue()
                && Math.abs(v.doubleValue()) < 1e15) {
            return JsonNodeFactory.instance.numberNode(v.longValue());
        }
        return v;
    }

    /** {@code i:<index>} */
    public static String index(int i) {
        return "i:" + i;
    }

    public boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The node at {@code element} under this one, created when absent. */
    public FieldSet child(String element) {
        return children.computeIfAbsent(element, e -> new FieldSet());
    }

    /** The node at {@code element}, or null. */
    public FieldSet get(String element) {
        return children.get(element);
    }

    public boolean isMember() {
        return member;
    }

    public void setMember() {
        member = true;
    }

    public Map<String, FieldSet> children() {
        return children;
    }

    /** Whether a path (of elements) is a member. */
    public boolean has(List<String> path) {
        FieldSet n = this;
        for (String e : path) {
            n = n.children.get(e);
            if (n == null) {
                return false;
            }
        }
        return n.member;
    }

    /** Inserts a path (of elements) as a member. */
    public void insert(List<String> path) {
        FieldSet n = this;
        for (String e : path) {
            n = n.child(e);
        }
        n.member = true;
    }

    public FieldSet copy() {
        FieldSet c = new FieldSet();
        c.member = member;
        children.forEach((k, v) -> c.children.put(k, v.copy()));
        return c;
    }

    public FieldSet union(FieldSet other) {
        FieldSet out = copy();
        out.addAll(other);
        return out;
    }

    private void addAll(FieldSet other) {
        member |= other.member;
        other.children.forEach((k, v) -> child(k).addAll(v));
    }

    /** The members of this set that are not members of {@code other}. */
    public FieldSet difference(FieldSet other) {
        FieldSet out = new FieldSet();
        out.member = member && (other == null || !other.member);
        children.forEach((k, v) -> {
            FieldSet d = v.difference(other == null ? null : other.children.get(k));
            if (!d.isEmpty()) {
                out.children.put(k, d);
            }
        });
        return out;
    }

    /** The members of this set that are also members of {@code other}. */
    public FieldSet intersection(FieldSet other) {
        FieldSet out = new FieldSet();
        if (other == null) {
            return out;
        }
        out.member = member && other.member;
        children.forEach((k, v) -> {
            FieldSet o = other.children.get(k);
            if (o != null) {
                FieldSet i = v.intersection(o);
                if (!i.isEmpty()) {
                    out.children.put(k, i);
                }
            }
        });
        return out;
    }

    /** SMD's {@code RecursiveDifference}: drops the members of {@code other} and everything below them. */
    public FieldSet recursiveDifference(FieldSet other) {
        FieldSet out = new FieldSet();
        if (other != null && other.member) {
            return out;
        }
        out.member = member;
        children.forEach((k, v) -> {
            FieldSet d = v.recursiveDifference(other == null ? null : other.children.get(k));
            if (!d.isEmpty()) {
                out.children.put(k, d);
            }
        });
        return out;
    }

    /**
     * SMD's {@code Set.Leaves}: the members that have no member below them. A manager's set names a
     * list item, or an entry of an untyped map that holds a map, both as a member and by what is below
     * it; its leaves name only what is below. client-go extracts the leaves of a manager's set
     * ({@link FieldManager#extractItems}): an extraction walks the value of a member with the set of the
     * level that holds it, so such a map entry would lose what is below it (a list item would not).
     */
    public FieldSet leaves() {
        FieldSet out = new FieldSet();
        boolean below = false;
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            FieldSet l = e.getValue().leaves();
            if (!l.isEmpty()) {
                out.children.put(e.getKey(), l);
                below = true;
            }
        }
        out.member = member && !below;
        return out;
    }

    /** Every member path, in order. */
    public List<List<String>> paths() {
        List<List<String>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<String> prefix, List<List<String>> out) {
        if (member) {
            out.add(List.copyOf(prefix));
        }
        children.forEach((k, v) -> {
            prefix.add(k);
            v.collect(prefix, out);
            prefix.remove(prefix.size() - 1);
        });
    }

    /** The {@code fieldsV1} form. */
    public ObjectNode toFieldsV1() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (member && !children.isEmpty()) {
            o.putObject(".");
        }
        children.forEach((k, v) -> {
            if (!v.isEmpty()) {
                o.set(k, v.toFieldsV1());
            }
        });
        return o;
    }

    /**
     * Reads a {@code fieldsV1} object: a node with no children, or with {@code "."}, is a member.
     *
     * @throws IllegalArgumentException for anything else than objects keyed by {@code f:}, {@code k:},
     *         {@code v:}, {@code i:} elements and {@code "."}
     */
    public static FieldSet fromFieldsV1(JsonNode fields) {
        if (fields == null || !fields.isObject()) {
            throw new IllegalArgumentException("fieldsV1 is not an object");
        }
        FieldSet s = new FieldSet();
        read(fields, s, true);
        return s;
    }

    private static void read(JsonNode node, FieldSet into, boolean root) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a fieldsV1 node is not an object");
        }
        if (!root && (node.size() == 0 || node.has("."))) {
            into.member = true;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.equals(".")) {
                continue;
            }
            if (k.length() < 2 || k.charAt(1) != ':' || "fkvi".indexOf(k.charAt(0)) < 0) {
                throw new IllegalArgumentException("not a path element: " + k);
            }
            read(e.getValue(), into.child(k), false);
        }
    }

    /**
     * SMD's {@code Path.String()}: {@code .data.a}, {@code .spec.containers[name="nginx"].image},
     * {@code .metadata.finalizers[="x"]}, {@code .items[0]}.
     */
    public static String pathString(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (String e : path) {
            String v = e.substring(2);
            switch (e.charAt(0)) {
                case 'f' -> b.append('.').append(v);
                case 'k' -> {
                    try {
                        JsonNode keys = MAPPER.readTree(v);
                        b.append('[');
                        boolean first = true;
                        for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> k = it.next();
                            b.append(first ? "" : ",").append(k.getKey()).append('=').append(k.getValue());
                            first = false;
                        }
                        b.append(']');
                    } catch (IOException bad) {
                        b.append('[').append(v).append(']');
                    }
                }
                case 'v' -> b.append("[=").append(v).append(']');
                default -> b.append('[').append(v).append(']');
            }
        }
        return b.toString();
    }

    /** The same members (empty subtrees do not count). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FieldSet f)) {
            return false;
        }
        if (member != f.member) {
            return false;
        }
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            FieldSet other = f.children.get(e.getKey());
            if (other == null ? !e.getValue().isEmpty() : !e.getValue().equals(other)) {
                return false;
            }
        }
        for (Map.Entry<String, FieldSet> e : f.children.entrySet()) {
            if (!children.containsKey(e.getKey()) && !e.getValue().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return toFieldsV1().hashCode();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }
}
