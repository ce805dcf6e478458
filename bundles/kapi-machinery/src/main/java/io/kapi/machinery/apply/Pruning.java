package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an applier set before and sets no more leaves the object, as structured-merge-diff's
 * {@code Updater.prune} over its {@code typed/remove.go}. Stateless.
 */
final class Pruning {
    private Pruning() {
    }

    /**
     * {@code merged} without what its applier set last time ({@code last}) and sets no more, as SMD's
     * {@code prune}: everything in {@code last} is removed (a named struct field on the way goes whole),
     * then what anyone owns ({@code owned}, the applier's new set included) is added back, then what
     * was removed but never belonged to {@code last} (a dangling item under a removed field). A map or
     * list that loses every entry becomes null, as SMD's removal leaves it. Returns a new value.
     */
    static JsonNode prune(JsonNode merged, Structure s, FieldSet last, FieldSet owned) {
        FieldSet lastMembers = namedFieldsAsMembers(last, s);
        FieldSet mergedSet = namedFieldsAsMembers(Fields.toFieldSet(merged, s), s);
        JsonNode pruned = removeItems(merged, s, lastMembers);
        // add back what someone owns
        FieldSet kept = namedFieldsAsMembers(Fields.toFieldSet(pruned, s), s).union(namedFieldsAsMembers(owned, s));
        pruned = removeItems(merged, s, mergedSet.difference(kept));
        // add back what went without being the applier's
        FieldSet prunedSet = namedFieldsAsMembers(Fields.toFieldSet(pruned, s), s);
        return removeItems(merged, s, mergedSet.difference(prunedSet).intersection(lastMembers));
    }

    /**
     * SMD's {@code EnsureNamedFieldsAreMembers}: {@code set} with every struct field that has members
     * below it made a member itself (a map entry on the way is not).
     */
    static FieldSet namedFieldsAsMembers(FieldSet set, Structure s) {
        FieldSet out = new FieldSet();
        copyNamed(set, s, out);
        return out;
    }

    private static void copyNamed(FieldSet from, Structure s, FieldSet to) {
        if (from.isMember()) {
            to.setMember();
        }
        from.children().forEach((element, child) -> {
            boolean field = element.startsWith("f:");
            Structure cs = field ? s.child(element.substring(2)) : s.items();
            FieldSet target = to.child(element);
            copyNamed(child, cs, target);
            if (field && s.declares(element.substring(2)) && hasBelow(child)) {
                target.setMember();
            }
        });
    }

    private static boolean hasBelow(FieldSet n) {
        for (FieldSet c : n.children().values()) {
            if (!c.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** SMD's {@code RemoveItems}: {@code value} without the members of {@code toRemove}; what empties is null. */
    static JsonNode removeItems(JsonNode value, Structure s, FieldSet toRemove) {
        switch (Fields.atom(s, value)) {
            case SCALAR -> {
                return value.deepCopy();
            }
            case MAP, ATOMIC_MAP -> {
                if (!value.isObject() || value.isEmpty() || Fields.atom(s, value) == Fields.Atom.ATOMIC_MAP) {
                    return NullNode.getInstance();
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                value.fields().forEachRemaining(e -> {
                    FieldSet c = toRemove.get(FieldSet.field(e.getKey()));
                    if (c != null && c.isMember()) {
                        return;
                    }
                    out.set(e.getKey(), c != null && hasBelow(c)
                            ? removeItems(e.getValue(), s.child(e.getKey()), c) : e.getValue().deepCopy());
                });
                return out.isEmpty() ? NullNode.getInstance() : out;
            }
            default -> {
                if (!value.isArray() || value.isEmpty() || Fields.atom(s, value) == Fields.Atom.ATOMIC_LIST) {
                    return NullNode.getInstance();
                }
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                Structure items = s.items();
                for (int i = 0; i < value.size(); i++) {
                    FieldSet c = toRemove.get(Fields.element(s, value.get(i), i));
                    if (c != null && c.isMember()) {
                        continue;
                    }
                    out.add(c != null && hasBelow(c) ? removeItems(value.get(i), items, c) : value.get(i).deepCopy());
                }
                return out.isEmpty() ? NullNode.getInstance() : out;
            }
        }
    }
}
