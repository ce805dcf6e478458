package io.kapi.api.rest;

/**
 * One field error of an Invalid status, as kube's {@code metav1.StatusCause} built from a
 * {@code field.Error}: {@code type} is the cause type ({@code FieldValueRequired},
 * {@code FieldValueInvalid}, {@code FieldValueNotSupported}, {@code FieldValueTooLong}, ...),
 * {@code message} the full text, {@code field} the path.
 */
public record FieldCause(String type, String message, String field) {
    public static FieldCause required(String field, String detail) {
        return new FieldCause("FieldValueRequired", "Required value" + (detail == null || detail.isEmpty() ? "" : ": " + detail), field);
    }

    public static FieldCause invalid(String field, Object value, String detail) {
        return new FieldCause("FieldValueInvalid", "Invalid value: " + quote(value) + ": " + detail, field);
    }

    public static FieldCause forbidden(String field, String detail) {
        return new FieldCause("FieldValueForbidden", "Forbidden: " + detail, field);
    }

    /**
     * kube's {@code field.Invalid} of a value that is not a string or a number, already rendered as kube
     * prints it (Go's {@code %#v}: {@code map[string]string{"app":"web"}}, {@code v1.LabelSelector{...}}).
     */
    public static FieldCause invalidRendered(String field, String rendered, String detail) {
        return new FieldCause("FieldValueInvalid", "Invalid value: " + rendered + ": " + detail, field);
    }

    /** kube's {@code field.NotSupported}: {@code Unsupported value: "x": supported values: "a", "b"}. */
    public static FieldCause notSupported(String field, Object value, java.util.List<String> supported) {
        StringBuilder b = new StringBuilder("Unsupported value: ").append(quote(value));
        if (!supported.isEmpty()) {
            b.append(": supported values: ");
            for (int i = 0; i < supported.size(); i++) {
                b.append(i > 0 ? ", " : "").append(goQuote(supported.get(i)));
            }
        }
        return new FieldCause("FieldValueNotSupported", b.toString(), field);
    }

    /** kube's {@code field.Duplicate}: {@code Duplicate value: "x"}. */
    public static FieldCause duplicate(String field, Object value) {
        return new FieldCause("FieldValueDuplicate", "Duplicate value: " + quote(value), field);
    }

    /** kube's {@code field.NotFound}: {@code Not found: "x"}. */
    public static FieldCause notFound(String field, Object value) {
        return new FieldCause("FieldValueNotFound", "Not found: " + quote(value), field);
    }

    public static FieldCause tooLong(String field, int max) {
        return new FieldCause("FieldValueTooLong", "Too long: may not be more than " + max + " bytes", field);
    }

    private static String quote(Object value) {
        return value instanceof String s ? goQuote(s) : String.valueOf(value);
    }

    /**
     * Go's {@code %q} of a string ({@code strconv.Quote}), which kube's field errors use for string values: double
     * quotes; a backslash before quotes and backslashes; every character Go's {@code unicode.IsPrint} accepts as it
     * is, every other one escaped: Go's single-letter escapes (newline, tab, …), then two hex digits after
     * backslash-x for the rest of ASCII, four after backslash-u in the basic plane and eight after backslash-U above.
     */
    public static String goQuote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case 11 -> b.append("\\v");
                default -> {
                    if (goIsPrint(c)) {
                        b.appendCodePoint(c);
                    } else if (Character.getType(c) == Character.SURROGATE) {
                        b.append('\ufffd'); // a lone surrogate: Go's JSON decoder makes it U+FFFD, which prints as it is
                    } else if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else if (c > 0xffff) {
                        b.append(String.format("\\U%08x", c));
                    } else {
                        b.append(String.format("\\u%04x", c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation and symbols, and the ASCII space; not the
     * other spaces (U+00A0, U+2028), format characters (U+200B, U+FEFF), controls, private use or unassigned code
     * points. By the JDK's Unicode tables, which may lag Go's by a version for characters assigned since.
     */
    static boolean goIsPrint(int c) {
        if (c < 0x7f) {
            return c >= 0x20;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** The text kube puts in the aggregated message: {@code field: message}. */
    public String describe() {
        return field + ": " + message;
    }
}
