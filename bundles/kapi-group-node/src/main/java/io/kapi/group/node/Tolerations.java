package io.kapi.group.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.pods.TolerationValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A RuntimeClass's scheduling tolerations as node's validation checks them: kube 1.32's
 * {@code ValidateTolerations} (kapi-machinery's {@link TolerationValidation}, shared with pods), then the
 * uniqueness check node's validation adds, with kube's paths and messages.
 */
final class Tolerations {
    private Tolerations() {
    }

    /**
     * The checks of each toleration at {@code checkPath[i]}, then the duplicates (same key, operator,
     * value and effect) at {@code listPath[i]}. kube's node validation passes
     * {@code scheduling.tolerations.tolerations} as the first and {@code scheduling.tolerations} as the
     * second.
     */
    static List<FieldCause> validate(JsonNode tolerations, String checkPath, String listPath) {
        List<FieldCause> causes = new ArrayList<>();
        if (tolerations == null || !tolerations.isArray()) {
            return causes;
        }
        TolerationValidation.validate(tolerations, checkPath, causes);
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < tolerations.size(); i++) {
            JsonNode t = tolerations.get(i);
            if (!seen.add(List.of(text(t, "key"), text(t, "operator"), text(t, "value"), text(t, "effect")))) {
                causes.add(new FieldCause("FieldValueDuplicate", "Duplicate value: " + render(t), listPath + "[" + i + "]"));
            }
        }
        return causes;
    }

    static String render(JsonNode t) {
        return TolerationValidation.render(t);
    }

    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static String text(JsonNode parent, String field) {
        JsonNode v = parent == null ? null : parent.get(field);
        return present(v) ? v.asText() : "";
    }
}
