package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an applier set before and sets no more leaves the object, as structured-merge-diff's
 * {@code Updater.prune} over its {@code typed/remove.go}. Stateless.
 */
final class Pruning {
    private Pruning() {
    }

    /**
     * {@code merged} (at the field manager's version) without what its applier set last time
     * ({@code last}, at {@code lastVersion}) and sets no more, as SMD's {@code prune}: in the object
     * converted to {@code lastVersion}, everything in {@code last} is removed (a named struct field on
     * the way goes whole); then, version by version ({@code lastVersion} first, so that what a
     * conversion needs is back before the next one), what the managers of that version own
     * ({@code owned}, the applier's new set included) is added back; then what was removed but never
     * belonged to {@code last} (a dangling item under a removed field). A map or list that loses every
     * entry becomes null, as SMD's removal leaves it. A version no longer served is skipped. Returns a
     * new value.
     */
    static JsonNode prune(FieldManager fm, JsonNode merged, String lastVersion, FieldSet last, Map<String, FieldSet> owned) {
        try {
            Structure s = fm.at(lastVersion).root();
            JsonNode mergedLast = fm.convert(merged, fm.apiVersion(), lastVersion);
            FieldSet lastMembers = namedFieldsAsMembers(last, s);
            JsonNode pruned = removeItems(mergedLast, s, lastMembers);
            List<String> order = new ArrayList<>(owned.keySet());
            order.remove(lastVersion);
            order.add(0, lastVersion);
            JsonNode m = mergedLast;
            String at = lastVersion;
            for (String version : order) {
                if (!owned.containsKey(version)) {
                    continue;
                }
                try {
                    Structure w = fm.at(version).root();
                    JsonNode mw = fm.convert(m, at, version);
                    JsonNode pw = fm.convert(pruned, at, version);
                    FieldSet kept = namedFieldsAsMembers(Fields.toFieldSet(pw, w), w).union(namedFieldsAsMembers(owned.get(version), w));
                    pruned = removeItems(mw, w, namedFieldsAsMembers(Fields.toFieldSet(mw, w), w).difference(kept));
                    m = mw;
                    at = version;
                } catch (Versions.MissingVersion gone) {
                    // nothing to add back for a version no longer served
                }
            }
            // add back what went without being the applier's
            FieldSet mergedSet = namedFieldsAsMembers(Fields.toFieldSet(mergedLast, s), s);
            FieldSet prunedSet = namedFieldsAsMembers(Fields.toFieldSet(fm.convert(pruned, at, lastVersion), s), s);
            JsonNode out = removeItems(mergedLast, s, mergedSet.difference(prunedSet).intersection(lastMembers));
            return fm.convert(out, lastVersion, fm.apiVersion());
        } catch (Versions.MissingVersion gone) {
            // the applier's last version is no longer served: nothing is pruned
            return merged;
        }
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
