package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube's HorizontalPodAutoscaler status strategy: a /status write keeps the stored spec (in autoscaling/v1
 * also the metrics and behavior annotations, which are spec there) and may not make the replica counts
 * negative.
 *
 * @param v1 the strategy of autoscaling/v1 objects
 */
record HpaStatus(boolean v1) implements StatusStrategy, ResetFields {

    /** kube's GetResetFields of this status strategy: {@code spec}, in every autoscaling version. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        if (v1) {
            HorizontalPodAutoscalerV1Strategy.copyAnnotations(old, object, HpaConversion.METRIC_SPECS, HpaConversion.BEHAVIOR);
        } else {
            HpaConversion.canonicalizeStatusQuantities(object);
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return HpaValidation.validateStatus(v1 ? HpaV1ToInternal.convert(object) : object);
    }
}
