package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube's namespace status strategy: a write to {@code namespaces/status} keeps the stored spec (its
 * metadata and status are taken), and the phase must match the deletion state: Active while the
 * namespace is not being deleted, Terminating once it is.
 */
final class NamespaceStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        String phase = Json.text(object.get("status"), "phase");
        boolean deleting = !Json.text(object.get("metadata"), "deletionTimestamp").isEmpty();
        if (!deleting && !phase.equals("Active")) {
            return List.of(FieldCause.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"));
        }
        if (deleting && !phase.equals("Terminating")) {
            return List.of(FieldCause.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
        }
        return List.of();
    }
}
