package io.kapi.machinery.selection;

import io.kapi.api.rest.StatusException;
import io.kapi.machinery.validation.NameValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube's label selector ({@code k8s.io/apimachinery/pkg/labels}): comma-separated requirements
 * {@code key}, {@code !key}, {@code key=v}, {@code key==v}, {@code key!=v}, {@code key in (a,b)},
 * {@code key notin (a,b)}. Immutable and thread-safe.
 */
public final class LabelSelector {
    enum Op { EXISTS, NOT_EXISTS, EQUALS, NOT_EQUALS, IN, NOT_IN }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EXISTS -> labels.containsKey(key);
                case NOT_EXISTS -> !labels.containsKey(key);
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
            };
        }
    }

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());
    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Parses a selector; a bad one is a 400 BadRequest with kube's parse message. */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        try {
            return new LabelSelector(new Parser(selector).parse());
        } catch (IllegalArgumentException e) {
            throw StatusException.badRequest("unable to parse requirement: " + e.getMessage());
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<Requirement> parse() {
            List<Requirement> out = new ArrayList<>();
            while (true) {
                skipSpace();
                out.add(requirement());
                skipSpace();
                if (pos >= s.length()) {
                    return out;
                }
                if (s.charAt(pos) != ',') {
                    throw new IllegalArgumentException("found '" + s.charAt(pos) + "', expected: ',' or 'end of string'");
                }
                pos++;
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private String identifier() {
            skipSpace();
            int start = pos;
            while (pos < s.length() && "=!(), ".indexOf(s.charAt(pos)) < 0 && !Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private Requirement requirement() {
            boolean not = false;
            if (pos < s.length() && s.charAt(pos) == '!') {
                not = true;
                pos++;
            }
            String key = identifier();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("found '" + (pos < s.length() ? s.charAt(pos) : "end of string") + "', expected: identifier");
            }
            validateKey(key);
            if (not) {
                return new Requirement(key, Op.NOT_EXISTS, Set.of());
            }
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) == ',') {
                return new Requirement(key, Op.EXISTS, Set.of());
            }
            if (s.startsWith("==", pos)) {
                pos += 2;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", pos)) {
                pos += 2;
                return new Requirement(key, Op.NOT_EQUALS, Set.of(value()));
            }
            if (s.charAt(pos) == '=') {
                pos++;
                return new Requirement(key, Op.EQUALS, Set.of(value()));
            }
            String word = identifier();
            if (word.equals("in") || word.equals("notin")) {
                return new Requirement(key, word.equals("in") ? Op.IN : Op.NOT_IN, set());
            }
            throw new IllegalArgumentException("found '" + word + "', expected: in, notin, =, ==, !=, gt, lt");
        }

        private String value() {
            String v = identifier();
            validateValue(v);
            return v;
        }

        private Set<String> set() {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '(') {
                throw new IllegalArgumentException("found '" + (pos < s.length() ? s.charAt(pos) : "end of string") + "', expected: '('");
            }
            pos++;
            Set<String> values = new TreeSet<>();
            while (true) {
                skipSpace();
                if (pos >= s.length()) {
                    throw new IllegalArgumentException("found 'end of string', expected: ')'");
                }
                if (s.charAt(pos) == ')') {
                    pos++;
                    return values;
                }
                values.add(value());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                }
            }
        }

        private static void validateKey(String key) {
            List<String> errs = NameValidator.qualifiedName(key);
            if (!errs.isEmpty()) {
                throw new IllegalArgumentException("invalid label key \"" + key + "\": " + String.join("; ", errs));
            }
        }

        private static void validateValue(String value) {
            List<String> errs = NameValidator.labelValue(value);
            if (!errs.isEmpty()) {
                throw new IllegalArgumentException("invalid label value: \"" + value + "\": at key: " + String.join("; ", errs));
            }
        }
    }
}
