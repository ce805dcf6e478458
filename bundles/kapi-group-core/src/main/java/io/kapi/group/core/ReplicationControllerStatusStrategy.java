package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/** kube's replication controller status strategy: the stored spec stays; ValidateReplicationControllerStatus. */
final class ReplicationControllerStatusStrategy implements StatusStrategy, ResetFields {
    private static final String ABOVE_REPLICAS = "cannot be greater than status.replicas";

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
        List<FieldCause> causes = new ArrayList<>();
        JsonNode status = object.path("status");
        for (String f : new String[] {"replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"}) {
            long v = status.path(f).asLong(0);
            if (v < 0) {
                causes.add(FieldCause.invalid("status." + f, v, ObjectMetaValidation.IS_NEGATIVE));
            }
        }
        long replicas = status.path("replicas").asLong(0);
        for (String f : new String[] {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"}) {
            long v = status.path(f).asLong(0);
            if (v > replicas) {
                causes.add(FieldCause.invalid("status." + f, v, ABOVE_REPLICAS));
            }
        }
        long available = status.path("availableReplicas").asLong(0);
        if (available > status.path("readyReplicas").asLong(0)) {
            causes.add(FieldCause.invalid("status.availableReplicas", available, "cannot be greater than readyReplicas"));
        }
        return causes;
    }
}
