package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.List;

/**
 * kube 1.32's {@code ValidateTolerations} (pkg/apis/core/validation), as a pod's and a RuntimeClass's
 * tolerations are checked: the key a qualified name (or the operator {@code Exists} for an empty key),
 * {@code tolerationSeconds} only with {@code NoExecute}, the value a label value for {@code Equal} and empty
 * for {@code Exists}, kube's operators and effects. Where kube prints the whole toleration as the bad value
 * (a Go {@code %#v} of a {@code core.Toleration}) it is rendered alike.
 */
public final class TolerationValidation {
    static final List<String> OPERATORS = List.of("Equal", "Exists");
    static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private TolerationValidation() {
    }

    /** Each toleration of {@code list}, at {@code path[i]}. */
    public static void validate(JsonNode list, String path, List<FieldCause> causes) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            check(list.get(i), path + "[" + i + "]", causes);
        }
    }

    private static void check(JsonNode t, String at, List<FieldCause> causes) {
        String key = text(t, "key");
        String operator = text(t, "operator");
        String value = text(t, "value");
        String effect = text(t, "effect");
        if (!key.isEmpty()) {
            AffinityValidation.labelName(key, at + ".key", causes);
        } else if (!operator.equals("Exists")) {
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
    public static String render(JsonNode t) {
        return "core.Toleration{Key:" + FieldCause.goQuote(text(t, "key")) + ", Operator:" + FieldCause.goQuote(text(t, "operator"))
                + ", Value:" + FieldCause.goQuote(text(t, "value")) + ", Effect:" + FieldCause.goQuote(text(t, "effect"))
                + ", TolerationSeconds:(*int64)(" + (present(t.get("tolerationSeconds")) ? "..." : "nil") + ")}";
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    private static String text(JsonNode parent, String field) {
        JsonNode v = parent == null ? null : parent.get(field);
        return present(v) ? v.asText() : "";
    }
}
