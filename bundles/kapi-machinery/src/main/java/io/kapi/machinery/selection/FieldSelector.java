package io.kapi.machinery.selection;

import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube's field selector ({@code k8s.io/apimachinery/pkg/fields}): terms {@code f=v}, {@code f==v},
 * {@code f!=v} joined by commas; in values, {@code \\}, {@code \,} and {@code \=} escape those characters.
 * Immutable and thread-safe. Whether a field may be selected on is the resource's business
 * (kube's "field label not supported"), not the parser's.
 */
public final class FieldSelector {
    /** One term: {@code equals} false means {@code !=}. */
    public record Term(String field, String value, boolean equals) {
        /** kube's semantics: a missing field reads as the empty string. */
        public boolean matches(Map<String, String> fields) {
            String v = fields.getOrDefault(field, "");
            return equals == v.equals(value);
        }
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /** Parses {@code ?fieldSelector=}; a bad one is a 400 BadRequest with kube's message. */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        // kube sorts the raw terms before parsing them, which fixes which bad term is reported first
        Collections.sort(parts);
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            int at = -1;
            String op = null;
            for (int i = 0; i < part.length() && op == null; i++) {
                for (String candidate : new String[] {"!=", "==", "="}) {
                    if (part.startsWith(candidate, i)) {
                        at = i;
                        op = candidate;
                        break;
                    }
                }
            }
            if (op == null) {
                throw StatusException.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            String value = unescapeValue(part.substring(at + op.length()));
            terms.add(new Term(part.substring(0, at), value, !op.equals("!=")));
        }
        return terms.isEmpty() ? EVERYTHING : new FieldSelector(terms);
    }

    /** Splits on commas not escaped by a backslash. */
    private static List<String> splitTerms(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** kube's {@code UnescapeValue}, with its error texts (an unescaped rune is printed as its code point). */
    static String unescapeValue(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf(',') < 0 && s.indexOf('=') < 0) {
            return s;
        }
        StringBuilder v = new StringBuilder();
        boolean inSlash = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (inSlash) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw StatusException.badRequest("invalid field selector: invalid escape sequence: \\" + Character.toString(c));
                }
                v.appendCodePoint(c);
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                throw StatusException.badRequest("invalid field selector: unescaped character in value: " + c);
            } else {
                v.appendCodePoint(c);
            }
        }
        if (inSlash) {
            throw StatusException.badRequest("invalid field selector: invalid escape sequence: \\");
        }
        return v.toString();
    }

    /** kube's {@code EscapeValue}: the inverse of the unescaping above. */
    public static String escapeValue(String s) {
        return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    public List<Term> terms() {
        return terms;
    }

    /** The field names the selector uses, in order, so a resource can reject the ones it does not support. */
    public List<String> fields() {
        List<String> out = new ArrayList<>();
        terms.forEach(t -> out.add(t.field()));
        return out;
    }

    public boolean matches(Map<String, String> fields) {
        Map<String, String> f = fields == null ? Map.of() : fields;
        for (Term t : terms) {
            if (!t.matches(f)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value an {@code =}/{@code ==} term pins {@code field} to, or null: kube's {@code RequiresExactMatch},
     * which turns {@code metadata.name=x} into a single get.
     */
    public String exactMatch(String field) {
        for (Term t : terms) {
            // as kube's andTerm: the first = term on the field wins, != terms pin nothing
            if (t.equals() && t.field().equals(field)) {
                return t.value();
            }
        }
        return null;
    }

    /** {@link #exactMatch} as an Optional. */
    public Optional<String> requiresExactMatch(String field) {
        return Optional.ofNullable(exactMatch(field));
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        terms.forEach(t -> parts.add(t.field() + (t.equals() ? "=" : "!=") + escapeValue(t.value())));
        return String.join(",", parts);
    }
}
