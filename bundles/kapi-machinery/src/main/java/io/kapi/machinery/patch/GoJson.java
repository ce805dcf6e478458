package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What Go's {@code encoding/json} (and kube's fork of it) says about a body, so patch errors carry
 * kube-apiserver's exact text: the syntax checker reports the first bad byte with the scanner's
 * context ("invalid character 'x' looking for beginning of object key string"), and
 * {@link #format} prints a decoded value as Go's {@code %v} does.
 */
final class GoJson {
    private static final String EOF_MESSAGE = "unexpected end of JSON input";

    private final byte[] data;
    private int pos;

    private GoJson(byte[] data) {
        this.data = data;
    }

    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** Go's error for {@code data}, or null when it is one well-formed JSON value. */
    static String syntaxError(byte[] data) {
        GoJson g = new GoJson(data);
        try {
            g.skipSpace();
            g.value();
            g.skipSpace();
            if (g.pos < data.length) {
                throw g.invalid("after top-level value");
            }
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        }
    }

    /** Go's {@code UnmarshalTypeError} name for the JSON kind of {@code node}. */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "object";
            case ARRAY -> "array";
            case STRING, BINARY -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            default -> "null";
        };
    }

    private SyntaxError invalid(String context) {
        if (pos >= data.length) {
            return new SyntaxError(EOF_MESSAGE);
        }
        return new SyntaxError("invalid character " + quoteChar(data[pos] & 0xff) + " " + context);
    }

    /** Go's {@code quoteChar}: single quotes around strconv.Quote's escaping of the byte as a rune. */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        String q = io.kapi.machinery.validation.NameValidation.goQuote(Character.toString(c));
        return "'" + q.substring(1, q.length() - 1) + "'";
    }

    private int peek() {
        return pos < data.length ? data[pos] & 0xff : -1;
    }

    private void skipSpace() {
        while (pos < data.length) {
            int c = data[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    private void value() throws SyntaxError {
        int c = peek();
        switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw invalid("looking for beginning of value");
                }
            }
        }
    }

    private void object() throws SyntaxError {
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            if (peek() != '"') {
                throw invalid("looking for beginning of object key string");
            }
            string();
            skipSpace();
            if (peek() != ':') {
                throw invalid("after object key");
            }
            pos++;
            skipSpace();
            value();
            skipSpace();
            int c = peek();
            if (c == ',') {
                pos++;
                skipSpace();
            } else if (c == '}') {
                pos++;
                return;
            } else {
                throw invalid("after object key:value pair");
            }
        }
    }

    private void array() throws SyntaxError {
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            value();
            skipSpace();
            int c = peek();
            if (c == ',') {
                pos++;
                skipSpace();
            } else if (c == ']') {
                pos++;
                return;
            } else {
                throw invalid("after array element");
            }
        }
    }

    private void string() throws SyntaxError {
        pos++;
        while (true) {
            int c = peek();
            if (c < 0) {
                throw invalid("in string literal");
            }
            if (c == '"') {
                pos++;
                return;
            }
            if (c < 0x20) {
                throw invalid("in string literal");
            }
            pos++;
            if (c == '\\') {
                int e = peek();
                if (e < 0) {
                    throw invalid("in string escape code");
                }
                if ("bfnrt\\/\"".indexOf(e) >= 0) {
                    pos++;
                } else if (e == 'u') {
                    pos++;
                    for (int i = 0; i < 4; i++) {
                        int h = peek();
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                            throw invalid("in \\u hexadecimal character escape");
                        }
                        pos++;
                    }
                } else {
                    throw invalid("in string escape code");
                }
            }
        }
    }

    private void literal(String word) throws SyntaxError {
        pos++;
        for (int i = 1; i < word.length(); i++) {
            if (peek() != word.charAt(i)) {
                throw invalid("in literal " + word + " (expecting '" + word.charAt(i) + "')");
            }
            pos++;
        }
    }

    private void number() throws SyntaxError {
        if (peek() == '-') {
            pos++;
            if (!digit(peek())) {
                throw invalid("in numeric literal");
            }
        }
        if (peek() == '0') {
            pos++;
        } else {
            while (digit(peek())) {
                pos++;
            }
        }
        if (peek() == '.') {
            pos++;
            if (!digit(peek())) {
                throw invalid("after decimal point in numeric literal");
            }
            while (digit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digit(peek())) {
                throw invalid("in exponent of numeric literal");
            }
            while (digit(peek())) {
                pos++;
            }
        }
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Go's {@code %v} of a value decoded into {@code interface{}}: maps as {@code map[k:v ...]} with
     * sorted keys, slices as {@code [a b]}, null as {@code <nil>}; kube puts these in some errors.
     */
    static String format(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "<nil>";
        }
        if (n.isObject()) {
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            StringBuilder b = new StringBuilder("map[");
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    b.append(' ');
                }
                b.append(keys.get(i)).append(':').append(format(n.get(keys.get(i))));
            }
            return b.append(']').toString();
        }
        if (n.isArray()) {
            List<String> items = new ArrayList<>();
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                items.add(format(it.next()));
            }
            return "[" + String.join(" ", items) + "]";
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isNumber()) {
            return formatFloat(n.decimalValue());
        }
        return n.asText();
    }

    /** Go's %v of a float64: shortest form, exponent from 1e21 up and below 1e-4. */
    private static String formatFloat(BigDecimal d) {
        double v = d.doubleValue();
        if (v == Math.rint(v) && Math.abs(v) < 1e21) {
            return new BigDecimal(Double.toString(v)).toBigInteger().toString();
        }
        BigDecimal exact = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e21 || abs < 1e-4) {
            String digits = exact.unscaledValue().abs().toString();
            int exp = digits.length() - 1 - exact.scale();
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        return exact.toPlainString();
    }
}
