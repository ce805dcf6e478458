package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube's node status strategy: the stored spec stays (metadata and status are the writer's), a
 * {@code status.config} only where the stored node has one, and ValidateNodeUpdate.
 */
final class NodeStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        if (!old.path("status").hasNonNull("config") && object.get("status") instanceof ObjectNode status) {
            status.remove("config");
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return NodeStrategy.validateNodeUpdate(object, old);
    }
}
