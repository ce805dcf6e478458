package io.kapi.machinery.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.function.Function;

/**
 * What Go's {@code encoding/json} makes of a JSON value decoded into the Go type an OpenAPI schema of a built-in kind
 * describes: whether the value fits ({@code type}, {@code format} {@code int32}/{@code int64}, the {@code oneOf} of
 * types of {@code Quantity} and {@code IntOrString}, {@code x-kubernetes-int-or-string}), and the names its
 * {@code UnmarshalTypeError} gives: the value's kind ({@code string}, {@code number}, {@code number 1.5} for a number
 * an integer cannot hold, {@code bool}, {@code array}, {@code object}) and the target's Go type ({@code int32},
 * {@code []v1.Container}, {@code map[string]string}, {@code v1.DeploymentSpec}; a schema defined elsewhere is named
 * by its package's last segment and its name, as Go prints a type). JSON null fits every type, as in Go.
 */
final class GoTypes {
    private static final String REF_PREFIX = "#/components/schemas/";
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private GoTypes() {
    }

    /**
     * The value kind of Go's error when the value at {@code token} does not fit {@code schema} (resolved), or null
     * when it fits or the schema says nothing of its type. With {@code wholeFloatsFit} a number with a fraction of
     * zero fits an integer: so it does when kube decodes a patch's result or a YAML body, which pass through Go's
     * {@code float64} first ({@code 3.0} is written back as {@code 3}).
     */
    static String mismatch(JsonParser p, JsonToken token, JsonNode schema, boolean wholeFloatsFit) throws IOException {
        if (schema == null || token == JsonToken.VALUE_NULL) {
            return null;
        }
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        JsonNode oneOf = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
        String type = schema.path("type").asText("");
        if (!intOrString && oneOf == null && type.isEmpty()) {
            return null;
        }
        String integerMismatch = null;
        for (String t : intOrString ? new String[] {"integer", "string"} : oneOf != null ? types(oneOf) : new String[] {type}) {
            if (t.isEmpty()) {
                return null;
            }
            if (t.equals("integer")) {
                integerMismatch = integerMismatch(p, token, schema.path("format").asText(""), wholeFloatsFit);
                if (integerMismatch == null) {
                    return null;
                }
            } else if (fits(t, token)) {
                return null;
            }
        }
        return integerMismatch != null && isNumber(token) ? integerMismatch : kind(token);
    }

    /**
     * Whether a number that fits {@code schema} (resolved) can only be an integer there: {@code type: integer}, or an
     * IntOrString ({@code x-kubernetes-int-or-string}, or a {@code oneOf} of integer and string), not a Quantity.
     */
    static boolean integerOnly(JsonNode schema) {
        if (schema == null) {
            return false;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return true;
        }
        JsonNode oneOf = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
        if (oneOf == null) {
            return schema.path("type").asText("").equals("integer");
        }
        boolean integer = false;
        for (String t : types(oneOf)) {
            if (t.equals("number")) {
                return false;
            }
            integer |= t.equals("integer");
        }
        return integer;
    }

    private static String[] types(JsonNode oneOf) {
        String[] out = new String[oneOf.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = oneOf.get(i).path("type").asText("");
        }
        return out;
    }

    private static boolean fits(String type, JsonToken token) {
        return switch (type) {
            case "string" -> token == JsonToken.VALUE_STRING;
            case "number" -> isNumber(token);
            case "boolean" -> token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
            case "object" -> token == JsonToken.START_OBJECT;
            case "array" -> token == JsonToken.START_ARRAY;
            default -> true;
        };
    }

    /** Go parses an integer from the number's literal: a fraction, an exponent or a value out of range fails. */
    private static String integerMismatch(JsonParser p, JsonToken token, String format, boolean wholeFloatsFit) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            boolean whole = wholeFloatsFit && d == Math.rint(d) && !Double.isInfinite(d)
                    && (format.equals("int32") ? d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE : d >= Long.MIN_VALUE && d <= Long.MAX_VALUE);
            return whole ? null : "number " + p.getText();
        }
        if (token != JsonToken.VALUE_NUMBER_INT) {
            return kind(token);
        }
        BigInteger v = p.getBigIntegerValue();
        boolean inRange = format.equals("int32") ? v.compareTo(INT32_MIN) >= 0 && v.compareTo(INT32_MAX) <= 0
                : v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0;
        return inRange ? null : "number " + p.getText();
    }

    private static boolean isNumber(JsonToken token) {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** Go's name of a JSON value's kind in its unmarshal errors. */
    static String kind(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "bool";
            case START_ARRAY -> "array";
            default -> "object";
        };
    }

    /**
     * Whether the Go type behind {@code schema} (not resolved) keeps any JSON as it came, whatever its schema says:
     * {@code runtime.RawExtension} and {@code metav1.FieldsV1}, whose own decoders take every value.
     */
    static boolean takesAnyJson(JsonNode schema) {
        // on every value of a body: compares the reference as the schema holds it, allocating nothing
        String ref = ref(schema);
        return ref != null && (ref.equals(RAW_EXTENSION_REF) || ref.equals(FIELDS_V1_REF));
    }

    private static final String RAW_EXTENSION_REF = REF_PREFIX + "io.k8s.apimachinery.pkg.runtime.RawExtension";
    private static final String FIELDS_V1_REF = REF_PREFIX + "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";

    /** The definition a schema refers to ({@code io.k8s.api.apps.v1.DeploymentSpec}), or null when it is inline. */
    static String refName(JsonNode schema) {
        String ref = ref(schema);
        return ref == null || !ref.startsWith(REF_PREFIX) ? null : ref.substring(REF_PREFIX.length());
    }

    /** Whether {@code schema} refers to a definition, as {@link #refName} would name one, allocating nothing. */
    static boolean refersToDefinition(JsonNode schema) {
        String ref = ref(schema);
        return ref != null && ref.startsWith(REF_PREFIX);
    }

    /** The reference of {@code schema} ({@code $ref}, or the one of a single {@code allOf}) as it holds it, or null. */
    private static String ref(JsonNode schema) {
        if (schema == null) {
            return null;
        }
        JsonNode ref = schema.get("$ref");
        JsonNode allOf = schema.get("allOf");
        if (ref == null && allOf != null && allOf.size() == 1) {
            ref = allOf.get(0).get("$ref");
        }
        return ref == null ? null : ref.asText();
    }

    /** A Go struct's own name from its definition's name: {@code DeploymentSpec}. */
    static String structName(String definition) {
        return definition.substring(definition.lastIndexOf('.') + 1);
    }

    /** The Go type {@code schema} (not resolved) decodes into, as Go prints it. */
    static String goType(JsonNode schema, Function<String, JsonNode> refs) {
        if (schema == null) {
            return "interface {}";
        }
        String ref = refName(schema);
        JsonNode s = OpenApiRefs.resolve(schema, refs);
        if (s == null) {
            return "interface {}";
        }
        String type = s.path("type").asText("");
        if (ref != null && !type.equals("string") && !type.equals("integer") && !type.equals("number") && !type.equals("boolean")) {
            // a named type; a named scalar (metav1.Time) fails inside its own UnmarshalJSON, on the scalar
            int cut = ref.lastIndexOf('.');
            String pkg = ref.substring(0, cut);
            return pkg.substring(pkg.lastIndexOf('.') + 1) + "." + ref.substring(cut + 1);
        }
        return switch (type) {
            case "integer" -> s.path("format").asText("").equals("int32") ? "int32" : "int64";
            case "number" -> "float64";
            case "boolean" -> "bool";
            case "string" -> "string";
            case "array" -> "[]" + goType(s.get("items"), refs);
            case "object" -> s.path("additionalProperties").isObject() ? "map[string]" + goType(s.get("additionalProperties"), refs) : "struct";
            default -> "interface {}";
        };
    }
}
