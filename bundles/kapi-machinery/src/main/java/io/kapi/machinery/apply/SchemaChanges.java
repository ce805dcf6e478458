package io.kapi.machinery.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings a manager's field set recorded under an older schema in line with the current one, as SMD's
 * {@code ReconcileFieldSetWithSchema} does before every update and apply: a struct, map or list that
 * has become atomic since (a CRD that sets {@code x-kubernetes-map-type: atomic} or
 * {@code x-kubernetes-list-type: atomic} on a field clients already own parts of) is owned whole by
 * every manager that owned something inside it. A node that became granular needs nothing: whoever
 * owned it whole still owns it. Fields the schema does not know are left as they are. Stateless.
 */
final class SchemaChanges {
    private SchemaChanges() {
    }

    /** {@code set} with what lies inside a now atomic node replaced by the node itself; {@code set} itself when nothing changed. */
    static FieldSet reconcile(FieldSet set, Structure root) {
        FieldSet toReplace = new FieldSet();
        walk(set, root, new ArrayList<>(), false, toReplace);
        if (toReplace.isEmpty()) {
            return set;
        }
        return set.recursiveDifference(toReplace).union(toReplace);
    }

    /**
     * @param memberOnly the node is owned itself and nothing below it (it is then left as it is)
     * @param toReplace collects the paths of atomic nodes whose insides are owned
     */
    private static void walk(FieldSet node, Structure s, List<String> path, boolean memberOnly, FieldSet toReplace) {
        switch (s.kind()) {
            case ATOMIC_MAP, LIST_ATOMIC -> {
                if (!memberOnly && !path.isEmpty() && node.children().values().stream().anyMatch(c -> !c.isEmpty())) {
                    toReplace.insert(path);
                }
            }
            case STRUCT, MAP -> {
                for (Map.Entry<String, FieldSet> e : node.children().entrySet()) {
                    if (e.getKey().startsWith("f:")) {
                        descend(e.getKey(), e.getValue(), s.child(e.getKey().substring(2)), path, toReplace);
                    }
                }
            }
            case LIST_SET, LIST_MAP -> {
                Structure items = s.items();
                for (Map.Entry<String, FieldSet> e : node.children().entrySet()) {
                    descend(e.getKey(), e.getValue(), items, path, toReplace);
                }
            }
            default -> {
                // scalars and untyped values have nothing to reconcile
            }
        }
    }

    private static void descend(String element, FieldSet child, Structure s, List<String> path, FieldSet toReplace) {
        path.add(element);
        walk(child, s, path, child.isMember() && child.children().isEmpty(), toReplace);
        path.remove(path.size() - 1);
    }
}
