package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import java.util.List;

/**
 * kube's HorizontalPodAutoscaler strategy for autoscaling/v1 objects. kube runs its strategy on the
 * internal version, so here it runs on the object converted as kube converts it
 * ({@link HpaV1ToInternal}): validation reports the internal version's field paths (a bad
 * {@code targetCPUUtilizationPercentage} is {@code spec.metrics[0].resource.target.averageUtilization}).
 * v1's only default is {@code minReplicas} 1. The status a create clears and an update keeps includes
 * the current metrics and conditions v1 holds in annotations.
 */
final class HorizontalPodAutoscalerV1Strategy implements Strategy {
    private static final TableConvertor TABLE = HpaPrinter.table(HpaV1ToInternal::convert);

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (!spec.hasNonNull("minReplicas")) {
            spec.put("minReplicas", 1);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("currentReplicas", 0).put("desiredReplicas", 0);
        copyAnnotations(null, object, HpaConversion.METRIC_STATUSES, HpaConversion.CONDITIONS);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        } else {
            object.remove("status");
        }
        copyAnnotations(old, object, HpaConversion.METRIC_STATUSES, HpaConversion.CONDITIONS);
    }

    /** Sets {@code keys} among {@code to}'s annotations to {@code from}'s (none when {@code from} is null or lacks them). */
    static void copyAnnotations(ObjectNode from, ObjectNode to, String... keys) {
        JsonNode source = from == null ? null : from.path("metadata").get("annotations");
        ObjectNode metadata = to.get("metadata") instanceof ObjectNode m ? m : null;
        for (String key : keys) {
            JsonNode v = source == null ? null : source.get(key);
            if (v != null) {
                if (metadata == null) {
                    metadata = to.putObject("metadata");
                }
                ObjectNode a = metadata.get("annotations") instanceof ObjectNode aa ? aa : metadata.putObject("annotations");
                a.set(key, v.deepCopy());
            } else if (metadata != null && metadata.get("annotations") instanceof ObjectNode a && a.remove(key) != null && a.isEmpty()) {
                metadata.remove("annotations");
            }
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return HpaValidation.validate(HpaV1ToInternal.convert(object), 1);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return HpaValidation.validate(HpaV1ToInternal.convert(object), HpaValidation.minReplicasLowerBound(old.path("spec")));
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
