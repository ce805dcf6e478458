package io.kapi.group.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The status strategy of kube's workloads: a status write keeps the stored spec (and, for a Deployment,
 * its labels), which are also its reset fields, and kube's status validation: counts not negative, not
 * above {@code status.replicas}, available not above ready, a collision count that never goes down.
 *
 * @param keepLabels labels cannot change through /status (Deployments)
 * @param counts the counts that may not be negative
 * @param atMostReplicas the counts that may not exceed {@code status.replicas}
 * @param availableAboveReady the message when availableReplicas exceeds readyReplicas, or null
 */
record WorkloadStatus(boolean keepLabels, List<String> counts, List<String> atMostReplicas, String availableAboveReady)
        implements StatusStrategy, ResetFields {

    static final WorkloadStatus DEPLOYMENT = new WorkloadStatus(true,
            List.of("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                    "unavailableReplicas", "collisionCount"),
            List.of("updatedReplicas", "readyReplicas", "availableReplicas"), "cannot be greater than readyReplicas");
    static final WorkloadStatus REPLICA_SET = new WorkloadStatus(false,
            List.of("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"),
            List.of("fullyLabeledReplicas", "readyReplicas", "availableReplicas"), "cannot be greater than readyReplicas");
    static final WorkloadStatus STATEFUL_SET = new WorkloadStatus(false,
            List.of("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas",
                    "observedGeneration", "collisionCount"),
            List.of("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"),
            "cannot be greater than status.readyReplicas");
    static final WorkloadStatus DAEMON_SET = new WorkloadStatus(false,
            List.of("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady",
                    "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable", "collisionCount"),
            List.of(), null);

    /**
     * kube's GetResetFields of these status strategies: {@code spec}, and a Deployment's
     * {@code metadata.labels} too (apps/v1).
     */
    @Override
    public List<List<String>> resetFields() {
        return keepLabels ? List.of(List.of("spec"), List.of("metadata", "labels")) : List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        if (keepLabels && object.get("metadata") instanceof ObjectNode m) {
            JsonNode labels = old.path("metadata").get("labels");
            if (labels == null) {
                m.remove("labels");
            } else {
                m.set("labels", labels.deepCopy());
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode status = object.path("status");
        for (String c : counts) {
            Workloads.nonNegative(status, c, "status." + c, causes);
        }
        long replicas = status.path("replicas").asLong(0);
        for (String c : atMostReplicas) {
            if (status.path(c).asLong(0) > replicas) {
                causes.add(FieldCause.invalid("status." + c, status.path(c).asLong(), "cannot be greater than status.replicas"));
            }
        }
        if (availableAboveReady != null && status.path("availableReplicas").asLong(0) > status.path("readyReplicas").asLong(0)) {
            causes.add(FieldCause.invalid("status.availableReplicas", status.path("availableReplicas").asLong(), availableAboveReady));
        }
        JsonNode before = old.path("status").get("collisionCount");
        JsonNode now = status.get("collisionCount");
        if (before != null && before.isNumber() && (now == null || !now.isNumber() || now.asLong() < before.asLong())) {
            causes.add(FieldCause.invalid("status.collisionCount", now == null || !now.isNumber() ? 0 : now.asLong(),
                    "cannot be decremented"));
        }
        return causes;
    }
}
