package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** What kube's CSR status and approval strategies do to {@code status.conditions} before validation. */
final class CsrConditions {
    private CsrConditions() {
    }

    /**
     * kube's {@code preserveConditionInstances}: when {@code object} has as many conditions of {@code type}
     * as {@code old}, they become the stored ones, in place; an added or removed one is left for validation
     * to refuse.
     */
    static void preserveInstances(ObjectNode object, ObjectNode old, String type) {
        List<Integer> oldIndices = indices(old, type);
        List<Integer> newIndices = indices(object, type);
        if (oldIndices.size() != newIndices.size() || oldIndices.isEmpty()) {
            return;
        }
        ArrayNode conditions = (ArrayNode) object.path("status").path("conditions");
        JsonNode oldConditions = old.path("status").path("conditions");
        for (int i = 0; i < oldIndices.size(); i++) {
            conditions.set(newIndices.get(i), oldConditions.get(oldIndices.get(i)).deepCopy());
        }
    }

    private static List<Integer> indices(ObjectNode csr, String type) {
        List<Integer> out = new ArrayList<>();
        List<JsonNode> conditions = CsrValidation.conditions(csr);
        for (int i = 0; i < conditions.size(); i++) {
            if (CsrValidation.type(conditions.get(i)).equals(type)) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * kube's {@code populateConditionTimestamps}: a condition without {@code lastUpdateTime} gets {@code now};
     * one without {@code lastTransitionTime} keeps the transition time of a stored condition of its type and
     * status, else gets {@code now}.
     */
    static void populateTimestamps(ObjectNode object, ObjectNode old, String now) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if (!(c instanceof ObjectNode condition)) {
                continue;
            }
            if (isZero(condition.get("lastUpdateTime"))) {
                condition.put("lastUpdateTime", now);
            }
            if (isZero(condition.get("lastTransitionTime"))) {
                String lastTransition = now;
                for (JsonNode o : CsrValidation.conditions(old)) {
                    if (CsrValidation.type(o).equals(CsrValidation.type(condition))
                            && CsrValidation.text(o.get("status")).equals(CsrValidation.text(condition.get("status")))
                            && !isZero(o.get("lastTransitionTime"))) {
                        lastTransition = o.get("lastTransitionTime").asText();
                        break;
                    }
                }
                condition.put("lastTransitionTime", lastTransition);
            }
        }
    }

    /** {@code metav1.Time.IsZero}: absent or null (Go writes a zero time as null, and omitempty leaves it out). */
    private static boolean isZero(JsonNode time) {
        return time == null || time.isNull() || time.asText("").isEmpty();
    }
}
