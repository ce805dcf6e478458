package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * structured-merge-diff's {@code TypedValue.ExtractItems} ({@code typed/remove.go}'s walker with
 * extraction on): the parts of a value a field set names. client-go's apply configurations read what
 * a manager applied with it ({@code ExtractInto}: the manager's Apply entry, its
 * {@link FieldSet#leaves()}, extracted from the object). Stateless.
 */
final class Extraction {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Extraction() {
    }

    /**
     * The items of {@code value} that {@code items} names, as SMD extracts them:
     * <ul>
     *   <li>a map entry or struct field whose path is a member is taken; its value is walked with the
     *       set of the map that holds it (SMD passes that set down, not the entry's own subset), so a
     *       scalar, atomic, null or empty value comes whole, while a granular map or list comes with only
     *       what that set names at its level, which is usually nothing (null);</li>
     *   <li>an entry with paths below it comes with just those;</li>
     *   <li>a list item (by its key in a map list, its value in a set) whose path is a member but has no
     *       paths below it comes whole; one with paths below it comes with just those (whether its own
     *       path is a member or not); every item of the list with that key or value is taken;</li>
     *   <li>atomic lists and maps, null, {} and [] come as they are;</li>
     *   <li>a granular map or list from which nothing is taken is null, and so is a value that is not of
     *       its schema's form (an object where a list is declared).</li>
     * </ul>
     * With {@code withKeyFields} (SMD's {@code WithAppendKeyFields}), each path of {@code items} that the
     * value sets brings along the key fields of every map-list item on its way. Returns a new value;
     * {@link NullNode} when nothing is taken.
     */
    static JsonNode extract(JsonNode value, Structure s, FieldSet items, boolean withKeyFields) {
        FieldSet set = withKeyFields ? items.union(keyFields(value, s, items)) : items;
        return walk(value, s, set);
    }

    /** The key fields of the map-list items on the way to each path of {@code items} the value sets. */
    private static FieldSet keyFields(JsonNode value, Structure s, FieldSet items) {
        FieldSet present = Fields.toFieldSet(value, s);
        FieldSet out = new FieldSet();
        for (List<String> path : items.paths()) {
            if (!present.has(path)) {
                continue;
            }
            for (int i = 0; i < path.size(); i++) {
                if (!path.get(i).startsWith("k:")) {
                    continue;
                }
                try {
                    Iterator<String> names = MAPPER.readTree(path.get(i).substring(2)).fieldNames();
                    while (names.hasNext()) {
                        List<String> key = new ArrayList<>(path.subList(0, i + 1));
                        key.add(FieldSet.field(names.next()));
                        out.insert(key);
                    }
                } catch (IOException notJson) {
                    // a key element FieldSet.key did not write names no key fields
                }
            }
        }
        return out;
    }

    /** One value against the set of its level: the set's children name its entries or items. */
    private static JsonNode walk(JsonNode v, Structure s, FieldSet set) {
        if (v == null || v.isMissingNode()) {
            return NullNode.getInstance();
        }
        return switch (Fields.atom(s, v)) {
            case MAP -> map(v, s, set, false);
            case ATOMIC_MAP -> map(v, s, set, true);
            case LIST -> list(v, s, set, false);
            case ATOMIC_LIST -> list(v, s, set, true);
            case SCALAR -> v.deepCopy();
        };
    }

    private static JsonNode map(JsonNode v, Structure s, FieldSet set, boolean atomic) {
        if (!v.isObject()) {
            return NullNode.getInstance();
        }
        if (v.isEmpty() || atomic) {
            return v.deepCopy();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldSet node = set.get(FieldSet.field(e.getKey()));
            if (node == null) {
                continue;
            }
            if (node.isMember()) {
                out.set(e.getKey(), walk(e.getValue(), s.child(e.getKey()), set));
            } else if (hasPathsBelow(node)) {
                out.set(e.getKey(), walk(e.getValue(), s.child(e.getKey()), node));
            }
        }
        return out.isEmpty() ? NullNode.getInstance() : out;
    }

    private static JsonNode list(JsonNode v, Structure s, FieldSet set, boolean atomic) {
        if (!v.isArray()) {
            return NullNode.getInstance();
        }
        if (v.isEmpty() || atomic) {
            return v.deepCopy();
        }
        Structure items = s.items();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            FieldSet node = set.get(Fields.element(s, item, i));
            if (node == null) {
                continue;
            }
            if (hasPathsBelow(node)) {
                out.add(walk(item, items, node));
            } else if (node.isMember()) {
                out.add(item.deepCopy());
            }
        }
        return out.isEmpty() ? NullNode.getInstance() : out;
    }

    /** Whether some member lies below {@code node} (SMD's non-empty {@code WithPrefix}). */
    private static boolean hasPathsBelow(FieldSet node) {
        for (FieldSet child : node.children().values()) {
            if (!child.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
