package io.kapi.machinery.patch;

import java.util.HashMap;
import java.util.Map;

/**
 * Which lists a strategic merge patch merges, and by which key: paths are dot-separated field names
 * from the object root (e.g. {@code metadata.ownerReferences}). Lists not named are replaced, as
 * kube does for lists without a patch strategy. Immutable.
 */
public final class SmpSchema {
    private final Map<String, String> mergeKeys;

    private SmpSchema(Map<String, String> mergeKeys) {
        this.mergeKeys = Map.copyOf(mergeKeys);
    }

    /** ObjectMeta's merge lists: ownerReferences by uid, finalizers as a set of primitives. */
    public static SmpSchema objectMeta() {
        return builder().mergeList("metadata.ownerReferences", "uid").primitiveMergeList("metadata.finalizers").build();
    }

    /** The merge key of the list at {@code path}: null when replaced, "" for a merged list of primitives. */
    String mergeKey(String path) {
        return mergeKeys.get(path);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> keys = new HashMap<>();

        public Builder mergeList(String path, String mergeKey) {
            keys.put(path, mergeKey);
            return this;
        }

        public Builder primitiveMergeList(String path) {
            keys.put(path, "");
            return this;
        }

        public SmpSchema build() {
            return new SmpSchema(keys);
        }
    }
}
