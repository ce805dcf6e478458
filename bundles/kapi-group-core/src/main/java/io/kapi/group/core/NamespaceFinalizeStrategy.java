package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import java.util.List;

/**
 * kube's namespace finalize strategy, behind {@code namespaces/finalize}: the written {@code spec.finalizers}
 * (and metadata) are taken, the status stays the stored one, and each finalizer name is checked as on create,
 * reported at its index ({@code ValidateNamespaceFinalizeUpdate}).
 */
final class NamespaceFinalizeStrategy extends NamespaceStrategy {
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        keepStoredStatus(object, old);
        Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", Json.name(object));
    }

    /** {@code object}'s status made the stored one's (none when the stored object has none). */
    static void keepStoredStatus(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        } else {
            object.remove("status");
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return finalizerNames(object, true);
    }
}
