package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** JSON merge patch, RFC 7386. */
public final class MergePatch {
    private MergePatch() {
    }

    /**
     * RFC 7386's MergePatch(target, patch): an object patch merges key by key (null deletes), anything
     * else replaces the target. Neither argument is changed; the result shares no nodes with them.
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? JsonNodeFactory.instance.nullNode() : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        mergeInto(result, (ObjectNode) patch);
        return result;
    }

    private static void mergeInto(ObjectNode result, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                result.remove(e.getKey());
            } else if (value.isObject()) {
                JsonNode existing = result.get(e.getKey());
                ObjectNode child = existing != null && existing.isObject()
                        ? (ObjectNode) existing
                        : JsonNodeFactory.instance.objectNode();
                mergeInto(child, (ObjectNode) value);
                result.set(e.getKey(), child);
            } else {
                JsonNode existing = result.get(e.getKey());
                JsonNode copy = value.deepCopy();
                if (existing == null || existing.isNull()) {
                    // kube's json-patch prunes nulls from a new value's objects, even inside arrays
                    pruneNulls(copy);
                }
                result.set(e.getKey(), copy);
            }
        }
    }

    /** Removes every null-valued field, at any depth (JSON merge patch and strategic merge patch both drop them). */
    static void pruneNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            java.util.List<String> nulls = new java.util.ArrayList<>();
            o.fields().forEachRemaining(f -> {
                if (f.getValue().isNull()) {
                    nulls.add(f.getKey());
                } else {
                    pruneNulls(f.getValue());
                }
            });
            o.remove(nulls);
        } else if (node != null && node.isArray()) {
            node.forEach(MergePatch::pruneNulls);
        }
    }
}
