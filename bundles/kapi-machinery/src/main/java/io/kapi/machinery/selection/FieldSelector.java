package io.kapi.machinery.selection;

import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kube's field selector: {@code f=v}, {@code f==v}, {@code f!=v} joined by commas, with backslash escapes. */
public final class FieldSelector {
    private record Term(String field, String value, boolean equals) {
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    public boolean matches(Map<String, String> fields) {
        for (Term t : terms) {
            String v = fields.get(t.field);
            if (t.equals != (v != null && v.equals(t.value))) {
                return false;
            }
        }
        return true;
    }

    /** The value an {@code =} term pins {@code field} to, or null. */
    public String exactMatch(String field) {
        for (Term t : terms) {
            if (t.equals && t.field.equals(field)) {
                return t.value;
            }
        }
        return null;
    }

    /** Fields of the selector that {@code allowed} does not contain, as kube rejects unknown field labels. */
    public List<String> fields() {
        List<String> out = new ArrayList<>();
        terms.forEach(t -> out.add(t.field));
        return out;
    }

    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : splitUnescaped(selector, ',')) {
            if (part.isBlank()) {
                continue;
            }
            int ne = indexUnescaped(part, "!=");
            int eq2 = indexUnescaped(part, "==");
            int eq = indexUnescaped(part, "=");
            if (ne >= 0) {
                terms.add(new Term(part.substring(0, ne).trim(), unescape(part.substring(ne + 2)), false));
            } else if (eq2 >= 0) {
                terms.add(new Term(part.substring(0, eq2).trim(), unescape(part.substring(eq2 + 2)), true));
            } else if (eq >= 0) {
                terms.add(new Term(part.substring(0, eq).trim(), unescape(part.substring(eq + 1)), true));
            } else {
                throw StatusException.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
        }
        return new FieldSelector(terms);
    }

    private static List<String> splitUnescaped(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static int indexUnescaped(String s, String op) {
        for (int i = 0; i <= s.length() - op.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (s.startsWith(op, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                sb.append(s.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
