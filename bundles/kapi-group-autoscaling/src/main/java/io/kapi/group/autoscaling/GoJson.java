package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kapi.machinery.quantity.Quantity;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Go's {@code encoding/json} as kube's autoscaling/v1 conversion uses it for its annotations:
 * {@link #marshal} writes a value compactly, escaping as Go does ({@code <}, {@code >}, {@code &} as
 * {@code \u003c} ...); the readers decode a value into a Go struct's field as {@code json.Unmarshal} does
 * (field names matched without regard to case, null leaving a field at its zero value), throwing
 * {@link DecodeException} where Go reports an error, which makes kube ignore the whole annotation.
 */
final class GoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /** A value Go's {@code json.Unmarshal} refuses (a syntax error, a value of the wrong type). */
    static final class DecodeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecodeException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses an annotation's text; a syntax error is a {@link DecodeException}. */
    static JsonNode parse(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new DecodeException("unexpected end of JSON input");
            }
            return n;
        } catch (IOException e) {
            throw new DecodeException(e.getMessage());
        }
    }

    /**
     * The value of a Go struct field named {@code name} in a JSON object: the last key equal to it
     * without regard to case, as Go's decoder assigns every matching key in turn; null when none.
     */
    static JsonNode field(JsonNode object, String name) {
        JsonNode found = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                found = e.getValue();
            }
        }
        return found;
    }

    static boolean isNull(JsonNode v) {
        return v == null || v.isNull();
    }

    /** A JSON object (null for a nil pointer). */
    static ObjectNode object(JsonNode v) {
        if (isNull(v)) {
            return null;
        }
        if (v instanceof ObjectNode o) {
            return o;
        }
        throw new DecodeException("cannot unmarshal into an object");
    }

    /** A JSON array (null for a nil slice). */
    static ArrayNode array(JsonNode v) {
        if (isNull(v)) {
            return null;
        }
        if (v instanceof ArrayNode a) {
            return a;
        }
        throw new DecodeException("cannot unmarshal into a slice");
    }

    /** A string field: "" for null or missing. */
    static String string(JsonNode v) {
        if (isNull(v)) {
            return "";
        }
        if (!v.isTextual()) {
            throw new DecodeException("cannot unmarshal into a string");
        }
        return v.asText();
    }

    /** An {@code int32} (or {@code *int32}) field: null for null or missing. */
    static Integer int32(JsonNode v) {
        if (isNull(v)) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new DecodeException("cannot unmarshal into an int32");
        }
        return v.asInt();
    }

    /**
     * A {@code resource.Quantity} field: its text when {@code ParseQuantity} takes it,
     * {@link HpaConversion#ZERO_QUANTITY} for null or missing (the zero value), a {@link DecodeException}
     * for anything else.
     */
    static TextNode quantity(JsonNode v) {
        if (isNull(v)) {
            return TextNode.valueOf(HpaConversion.ZERO_QUANTITY);
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new DecodeException(Quantity.ERR_FORMAT_WRONG);
        }
        String text = HpaConversion.quantityText(v);
        try {
            HpaConversion.parseQuantity(text);
        } catch (Quantity.InvalidQuantityException e) {
            throw new DecodeException(e.getMessage());
        }
        return TextNode.valueOf(text);
    }

    /** A {@code *resource.Quantity} field: null for null or missing. */
    static TextNode quantityPointer(JsonNode v) {
        return isNull(v) ? null : quantity(v);
    }

    /** Go's compact {@code json.Marshal} of a value whose objects are already in the struct's field order. */
    static String marshal(JsonNode node) {
        StringBuilder b = new StringBuilder();
        write(node, b);
        return b.toString();
    }

    private static void write(JsonNode n, StringBuilder b) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            b.append("null");
        } else if (n.isObject()) {
            b.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(e.getKey(), b);
                b.append(':');
                write(e.getValue(), b);
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(n.get(i), b);
            }
            b.append(']');
        } else if (n.isTextual()) {
            string(n.asText(), b);
        } else if (n.isIntegralNumber()) {
            b.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            b.append(n.decimalValue().toPlainString());
        } else if (n.isBoolean()) {
            b.append(n.asBoolean());
        } else {
            string(n.asText(), b);
        }
    }

    /** Go's {@code encoding/json} string: HTML-safe, with its short escapes. */
    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(c, b);
                default -> {
                    if (c < 0x20) {
                        unicode(c, b);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        b.append("\\ufffd");
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static void unicode(char c, StringBuilder b) {
        b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
