package io.kapi.machinery.selection;

import java.util.List;
import java.util.Map;

/**
 * One requirement of a label selector: key, operator and values (sorted and de-duplicated, as kube's
 * parser keeps them in a string set). Immutable.
 */
public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
        values = List.copyOf(values);
    }

    /** kube's {@code Requirement.Matches}. */
    public boolean matches(Map<String, String> labels) {
        String v = labels.get(key);
        boolean has = labels.containsKey(key);
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> has && values.contains(v);
            case NOT_IN, NOT_EQUALS -> !has || !values.contains(v);
            case EXISTS -> has;
            case DOES_NOT_EXIST -> !has;
            case GREATER_THAN, LESS_THAN -> has && compare(v);
        };
    }

    private boolean compare(String labelValue) {
        // a value that is not a 64-bit integer never matches, on either side, as in kube
        if (values.size() != 1) {
            return false;
        }
        try {
            long actual = Long.parseLong(labelValue);
            long wanted = Long.parseLong(values.get(0));
            return operator == Operator.GREATER_THAN ? actual > wanted : actual < wanted;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The canonical text kube's {@code Requirement.String} prints. */
    @Override
    public String toString() {
        return switch (operator) {
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
            case IN, NOT_IN -> key + " " + operator.symbol() + " (" + String.join(",", values) + ")";
            case GREATER_THAN -> key + ">" + values.get(0);
            case LESS_THAN -> key + "<" + values.get(0);
            default -> key + operator.symbol() + values.get(0);
        };
    }
}
