package io.kapi.group.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube 1.32's {@code ValidateTolerations} (pkg/apis/core/validation) and the uniqueness check node's
 * validation adds for a RuntimeClass's scheduling tolerations, with kube's paths and messages. The bad
 * values kube prints as Go structs ({@code %#v} of a {@code core.Toleration}) are rendered alike.
 */
final class Tolerations {
    static final List<String> OPERATORS = List.of("Equal", "Exists");
    static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

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
        for (int i = 0; i < tolerations.size(); i++) {
            check(tolerations.get(i), checkPath + "[" + i + "]", causes);
        }
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < tolerations.size(); i++) {
            JsonNode t = tolerations.get(i);
            if (!seen.add(List.of(text(t, "key"), text(t, "operator"), text(t, "value"), text(t, "effect")))) {
                causes.add(new FieldCause("FieldValueDuplicate", "Duplicate value: " + render(t), listPath + "[" + i + "]"));
            }
        }
        return causes;
    }

    private static void check(JsonNode t, String at, List<FieldCause> causes) {
        String key = text(t, "key");
        String operator = text(t, "operator");
        String value = text(t, "value");
        String effect = text(t, "effect");
        if (!key.isEmpty()) {
            for (String msg : NodeGroupProvider.qualifiedNameErrors(key)) {
                causes.add(FieldCause.invalid(at + ".key", key, msg));
            }
        }
        if (key.isEmpty() && !operator.equals("Exists")) {
            causes.add(FieldCause.invalid(at + ".operator", operator,
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
        }
        if (present(t.get("tolerationSeconds")) && !effect.equals("NoExecute")) {
            causes.add(FieldCause.invalid(at + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
        }
        switch (operator) {
            case "", "Equal" -> {
                List<String> errs = NameValidation.isValidLabelValue(value);
                if (!errs.isEmpty()) {
                    causes.add(FieldCause.invalid(at + ".operator", value, String.join(";", errs)));
                }
            }
            case "Exists" -> {
                if (!value.isEmpty()) {
                    // kube reports the whole toleration as the bad value
                    causes.add(FieldCause.invalidRendered(at + ".operator", render(t), "value must be empty when `operator` is 'Exists'"));
                }
            }
            default -> causes.add(FieldCause.notSupported(at + ".operator", operator, OPERATORS));
        }
        if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
            causes.add(FieldCause.notSupported(at + ".effect", effect, EFFECTS));
        }
    }

    /**
     * A {@code core.Toleration} as Go's {@code %#v} prints it; a set {@code tolerationSeconds} is a pointer,
     * whose address Go prints, shown as {@code (...)}.
     */
    static String render(JsonNode t) {
        return "core.Toleration{Key:" + FieldCause.goQuote(text(t, "key")) + ", Operator:" + FieldCause.goQuote(text(t, "operator"))
                + ", Value:" + FieldCause.goQuote(text(t, "value")) + ", Effect:" + FieldCause.goQuote(text(t, "effect"))
                + ", TolerationSeconds:(*int64)(" + (present(t.get("tolerationSeconds")) ? "..." : "nil") + ")}";
    }

    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static String text(JsonNode parent, String field) {
        JsonNode v = parent == null ? null : parent.get(field);
        return present(v) ? v.asText() : "";
    }
}
