package io.kapi.core.gc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The collector's graph, kept to what it needs: every object that has owner references (a dependent),
 * by storage key, and the dependents of each owner uid. Owners themselves are read from storage when
 * they matter. Used from the collector's one thread only.
 */
final class OwnerIndex {
    /** A dependent: its storage key, uid and owner references. */
    record Dependent(String key, String uid, List<OwnerRef> owners) {
        /** The reference to {@code ownerUid}, or null. */
        OwnerRef refTo(String ownerUid) {
            for (OwnerRef o : owners) {
                if (o.uid().equals(ownerUid)) {
                    return o;
                }
            }
            return null;
        }
    }

    private final Map<String, Dependent> byKey = new HashMap<>();
    private final Map<String, Set<String>> keysByOwner = new HashMap<>();

    /**
     * Records {@code key}'s owners (none: it is no longer a dependent). Returns what was recorded
     * before, or null.
     */
    Dependent put(String key, String uid, List<OwnerRef> owners) {
        Dependent before = owners.isEmpty() ? byKey.remove(key) : byKey.put(key, new Dependent(key, uid, owners));
        if (before != null) {
            for (OwnerRef o : before.owners()) {
                Set<String> keys = keysByOwner.get(o.uid());
                if (keys != null) {
                    keys.remove(key);
                    if (keys.isEmpty()) {
                        keysByOwner.remove(o.uid());
                    }
                }
            }
        }
        for (OwnerRef o : owners) {
            keysByOwner.computeIfAbsent(o.uid(), u -> new LinkedHashSet<>()).add(key);
        }
        return before;
    }

    /** Forgets {@code key}; returns what was recorded, or null. */
    Dependent remove(String key) {
        return put(key, "", List.of());
    }

    Dependent get(String key) {
        return byKey.get(key);
    }

    /** The dependents that name {@code ownerUid} among their owners. */
    List<Dependent> dependentsOf(String ownerUid) {
        Set<String> keys = keysByOwner.get(ownerUid);
        if (keys == null) {
            return List.of();
        }
        List<Dependent> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(byKey.get(k));
        }
        return out;
    }

    /** Every dependent (a deleted owner whose uid is not known is looked for among them by name). */
    Iterable<Dependent> all() {
        return byKey.values();
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }


    void clear() {
        byKey.clear();
        keysByOwner.clear();
    }
}
