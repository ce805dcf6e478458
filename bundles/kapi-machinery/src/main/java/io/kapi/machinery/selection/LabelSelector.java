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
