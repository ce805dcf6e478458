package io.kapi.machinery.selection;

import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube's label selector ({@code k8s.io/apimachinery/pkg/labels}): {@code =}, {@code ==}, {@code !=},
 * {@code in (...)}, {@code notin (...)}, {@code key}, {@code !key}, {@code >}, {@code <}, joined by commas.
 * Immutable and thread-safe; requirements are sorted by key, as kube sorts them.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    /** The selector that matches every object. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses {@code ?labelSelector=}. A bad selector is the 400 BadRequest kube-apiserver answers: the
     * parser's message unchanged (e.g. {@code unable to parse requirement: found '', expected: ',' or ')'}).
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        try {
            List<Requirement> parsed = LabelParser.parse(selector);
            return parsed.isEmpty() ? EVERYTHING : new LabelSelector(parsed);
        } catch (LabelParser.ParseException e) {
            throw StatusException.badRequest(e.getMessage());
        }
    }

    /**
     * kube's {@code metav1.LabelSelectorAsSelector}: the selector a {@code LabelSelector} object
     * ({@code matchLabels}, {@code matchExpressions}) stands for. A missing one (null) and an empty one
     * both give a selector whose {@link #toString()} is empty; kube's nil selector matches nothing, which
     * callers that care tell apart themselves.
     *
     * @throws IllegalArgumentException for an operator kube does not know or values it would refuse
     */
    public static LabelSelector fromObject(com.fasterxml.jackson.databind.JsonNode selector) {
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return EVERYTHING;
        }
        List<String> parts = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        for (com.fasterxml.jackson.databind.JsonNode e : selector.path("matchExpressions")) {
            String key = e.path("key").asText("");
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            String op = e.path("operator").asText("");
            // kube's NewRequirement, which the string form cannot check ("in ()" parses as one empty value)
            if ((op.equals("In") || op.equals("NotIn")) && values.isEmpty()) {
                throw new IllegalArgumentException("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
            }
            if ((op.equals("Exists") || op.equals("DoesNotExist")) && !values.isEmpty()) {
                throw new IllegalArgumentException("values: Invalid value: " + values + ": values set must be empty for exists and does not exist");
            }
            switch (op) {
                case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> parts.add(key);
                case "DoesNotExist" -> parts.add("!" + key);
                default -> throw new IllegalArgumentException("\"" + op + "\" is not a valid label selector operator");
            }
        }
        if (parts.isEmpty()) {
            return EVERYTHING;
        }
        try {
            return new LabelSelector(LabelParser.parse(String.join(",", parts)));
        } catch (LabelParser.ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }

    /** kube's {@code RequiresExactMatch}: the single value an =, == or one-valued in pins {@code label} to. */
    public Optional<String> requiresExactMatch(String label) {
        for (Requirement r : requirements) {
            if (r.key().equals(label)) {
                boolean exact = r.operator() == Operator.EQUALS || r.operator() == Operator.DOUBLE_EQUALS
                        || r.operator() == Operator.IN;
                return exact && r.values().size() == 1 ? Optional.of(r.values().get(0)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        requirements.forEach(r -> parts.add(r.toString()));
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }
}
