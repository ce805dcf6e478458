package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * kube 1.32's PersistentVolume status strategy: the stored spec stays, and a phase change that does not
 * set its own {@code lastPhaseTransitionTime} gets now; an unchanged phase keeps the stored time.
 * ValidatePersistentVolumeStatusUpdate checks only metadata, which the store does.
 */
final class PersistentVolumeStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
        JsonNode oldStatus = old.path("status");
        String phase = status.path("phase").asText("");
        String oldPhase = oldStatus.path("phase").asText("");
        JsonNode time = status.get("lastPhaseTransitionTime");
        JsonNode oldTime = oldStatus.get("lastPhaseTransitionTime");
        boolean unset = time == null || time.isNull();
        if (phase.equals(oldPhase) && unset) {
            if (oldTime == null || oldTime.isNull()) {
                status.remove("lastPhaseTransitionTime");
            } else {
                status.set("lastPhaseTransitionTime", oldTime);
            }
        } else if (!phase.equals(oldPhase) && (unset || sameInstant(time, oldTime))) {
            status.put("lastPhaseTransitionTime", Json.now());
        }
    }

    /** metav1.Time's Equal: both unset, or the same instant. */
    private static boolean sameInstant(JsonNode a, JsonNode b) {
        if (a == null || a.isNull() || b == null || b.isNull()) {
            return (a == null || a.isNull()) && (b == null || b.isNull());
        }
        try {
            return Instant.parse(a.asText()).equals(Instant.parse(b.asText()));
        } catch (RuntimeException e) {
            return Objects.equals(a.asText(), b.asText());
        }
    }
}
