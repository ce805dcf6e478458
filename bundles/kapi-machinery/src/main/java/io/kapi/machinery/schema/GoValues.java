package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * JSON values as kube holds a decoded custom resource (Go's {@code int64}, {@code float64},
 * {@code string}, {@code bool}, {@code map[string]interface{}}, {@code []interface{}}), and how Go
 * prints them in field errors. Stateless.
 */
final class GoValues {
    private GoValues() {
    }

    /** kube-openapi's type name of a decoded value: null, boolean, string, integer, number, array, object. */
    static String kind(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        return v.isArray() ? "array" : v.isObject() ? "object" : "string";
    }

    /** Go's {@code %v} of a float64: shortest digits, exponent form below 1e-4 and from 1e21. */
    static String goFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp < -4 || exp >= 21) {
            String digits = b.unscaledValue().abs().toString();
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (d < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return b.toPlainString();
    }

    /** swag's {@code IsFloat64AJSONInteger}. */
    static boolean isJsonInteger(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f) || f < -9007199254740991d || f > 9007199254740991d) {
            return false;
        }
        double g = Math.rint(f);
        if (f == g) {
            return true;
        }
        double diff = Math.abs(f - g);
        return diff < 1e-9 || diff / Math.max(Math.abs(f), 1) < 1e-9;
    }

    /** A value as {@code field.Error} prints it: {@code %v} of numbers and bools, {@code %q} of strings, else {@code %#v}. */
    static String errorValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return FieldCause.goQuote(s);
        }
        if (v instanceof Long || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return goFloat(d);
        }
        JsonNode n = (JsonNode) v;
        switch (kind(n)) {
            case "null":
                return "null";
            case "string":
                return FieldCause.goQuote(n.asText());
            case "integer":
            case "boolean":
                return n.asText();
            case "number":
                return goFloat(n.asDouble());
            default:
                return sharpV(n, true);
        }
    }

    /** Go's {@code %#v} of a decoded value ({@code interface{}} elements print with their dynamic type). */
    static String sharpV(JsonNode n, boolean top) {
        switch (kind(n)) {
            case "null":
                return "interface {}(nil)";
            case "string":
                return FieldCause.goQuote(n.asText());
            case "number":
                return goFloat(n.asDouble());
            case "array": {
                List<String> parts = new ArrayList<>();
                n.forEach(e -> parts.add(sharpV(e, false)));
                return "[]interface {}{" + String.join(", ", parts) + "}";
            }
            case "object": {
                TreeMap<String, JsonNode> sorted = new TreeMap<>();
                n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
                List<String> parts = new ArrayList<>();
                sorted.forEach((k, e) -> parts.add(FieldCause.goQuote(k) + ":" + sharpV(e, false)));
                return "map[string]interface {}{" + String.join(", ", parts) + "}";
            }
            default:
                return n.asText();
        }
    }

    /** The Go value of a decoded JSON node that errors keep: Long, Double, Boolean, String or the node. */
    static Object goValue(JsonNode n) {
        switch (kind(n)) {
            case "null":
                return null;
            case "boolean":
                return n.asBoolean();
            case "string":
                return n.asText();
            case "integer":
                return n.asLong();
            case "number":
                return n.asDouble();
            default:
                return n;
        }
    }

    /**
     * kube-openapi's enum match: the value converted to the enum value's Go type (Go's conversion rules:
     * numbers to each other, truncating; an integer to a string as a rune), then {@code reflect.DeepEqual}.
     */
    static boolean enumMatches(JsonNode data, JsonNode enumValue) {
        String ek = kind(enumValue);
        String dk = kind(data);
        if (ek.equals("null") || dk.equals("null")) {
            return false;
        }
        switch (ek) {
            case "string":
                if (dk.equals("integer")) {
                    long r = data.asLong();
                    String s = r >= 0 && r <= Character.MAX_CODE_POINT && !(r >= 0xD800 && r <= 0xDFFF) ? new String(Character.toChars((int) r)) : "\uFFFD";
                    return s.equals(enumValue.asText());
                }
                return dk.equals("string") && data.asText().equals(enumValue.asText());
            case "integer":
                return (dk.equals("integer") || dk.equals("number")) && (long) data.asDouble() == enumValue.asLong()
                        && (dk.equals("number") || data.asLong() == enumValue.asLong());
            case "number":
                return (dk.equals("integer") || dk.equals("number")) && data.asDouble() == enumValue.asDouble();
            default:
                return dk.equals(ek) && deepEqual(data, enumValue);
        }
    }

    /** {@code reflect.DeepEqual} of two decoded values: int64 and float64 never equal each other. */
    static boolean deepEqual(JsonNode a, JsonNode b) {
        String ka = kind(a);
        if (!ka.equals(kind(b))) {
            return false;
        }
        switch (ka) {
            case "null":
                return true;
            case "integer":
                return a.asLong() == b.asLong();
            case "number":
                return a.asDouble() == b.asDouble();
            case "boolean":
                return a.asBoolean() == b.asBoolean();
            case "string":
                return a.asText().equals(b.asText());
            case "array": {
                if (a.size() != b.size()) {
                    return false;
                }
                for (int i = 0; i < a.size(); i++) {
                    if (!deepEqual(a.get(i), b.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            default: {
                if (a.size() != b.size()) {
                    return false;
                }
                for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!b.has(k) || !deepEqual(a.get(k), b.get(k))) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    /** An enum value as apiextensions lists it as supported: strings as they are, others as JSON. */
    static String supportedValue(JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isFloatingPointNumber()) {
            double d = v.asDouble();
            return isJsonInteger(d) && Math.abs(d) < 1e21 ? new BigDecimal(d).toPlainString() : goFloat(d);
        }
        return v.toString();
    }
}
