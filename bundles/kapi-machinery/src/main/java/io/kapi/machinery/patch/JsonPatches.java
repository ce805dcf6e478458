package io.kapi.machinery.patch;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.JsonPatch;
import java.util.EnumSet;

/**
 * RFC 6902 through zjsonpatch, set up to fail where kube's json-patch (evanphx/json-patch v4) fails:
 * removing a missing key is an error, replacing one too.
 */
final class JsonPatches {
    private static final EnumSet<CompatibilityFlags> FLAGS = EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

    private JsonPatches() {
    }

    /** Applies {@code ops} to a copy of {@code doc}; any failure is an {@link IllegalStateException}. */
    static JsonNode apply(ArrayNode ops, JsonNode doc) {
        JsonNode work = doc.deepCopy();
        for (JsonNode op : ops) {
            if (passesAsMissingNull(op, work)) {
                continue;
            }
            ArrayNode one = JsonNodeFactory.instance.arrayNode().add(op);
            try {
                // one op at a time on the private copy; an op on the root itself cannot work in place
                if (op.path("path").asText("").isEmpty()) {
                    work = JsonPatch.apply(one, work, FLAGS);
                } else {
                    JsonPatch.applyInPlace(one, work, FLAGS);
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return work;
    }

    /**
     * evanphx's "test" finds a missing member of an existing object equal to null; zjsonpatch does not,
     * so such a test is passed here.
     */
    private static boolean passesAsMissingNull(JsonNode op, JsonNode doc) {
        if (!"test".equals(op.path("op").asText()) || !op.path("path").isTextual()) {
            return false;
        }
        JsonNode value = op.get("value");
        if (value != null && !value.isNull()) {
            return false;
        }
        try {
            JsonPointer pointer = JsonPointer.compile(op.get("path").asText());
            if (pointer.matches()) {
                return false;
            }
            JsonNode parent = doc.at(pointer.head());
            return parent.isObject() && !parent.has(pointer.last().getMatchingProperty());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
