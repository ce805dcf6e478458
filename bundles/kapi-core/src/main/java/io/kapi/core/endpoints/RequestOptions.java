package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import io.kapi.machinery.patch.FieldValidation;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;

/**
 * The options of each verb as kube-apiserver reads them: its parameter codec
 * ({@code metainternalversionscheme.ParameterCodec}: the first value of a repeated parameter, Go's
 * query booleans and integers, slices from repeated parameters) and its validation of
 * {@code CreateOptions}, {@code UpdateOptions}, {@code PatchOptions} and {@code DeleteOptions}
 * (apimachinery's {@code metav1/validation}), with kube's statuses and messages. Stateless.
 */
public final class RequestOptions {
    private static final String META_GROUP = "meta.k8s.io";
    private static final int FIELD_MANAGER_MAX_LENGTH = 128;
    private static final List<String> PROPAGATION_POLICIES = List.of("Foreground", "Background", "Orphan");

    private RequestOptions() {
    }

    /**
     * What a write asked for, validated.
     *
     * @param dryRun the {@code dryRun} values: empty, or only {@code All}
     * @param fieldManager the {@code fieldManager} parameter, or null
     * @param fieldValidation the {@code fieldValidation} parameter (Warn when absent)
     * @param force {@code force} of an apply patch, null when absent
     */
    public record Write(List<String> dryRun, String fieldManager, FieldValidation fieldValidation, Boolean force) {
        /** kube's {@code dryrun.IsDryRun}: any value (validated to be {@code All}) makes the request a dry run. */
        public boolean isDryRun() {
            return !dryRun.isEmpty();
        }
    }

    /**
     * kube's query boolean ({@code runtime.Convert_Slice_string_To_bool}): only {@code 0} and a
     * case-insensitive {@code false} are false; any other value, the empty one included, is true.
     * An absent parameter (null) is false.
     */
    public static boolean bool(String value) {
        return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** {@link #bool(String)} for an optional field ({@code *bool}): null when the parameter is absent. */
    public static Boolean optionalBool(String value) {
        return value == null ? null : bool(value);
    }

    /**
     * kube's query integer ({@code strconv.ParseInt(s, 10, 64)}); absent is 0. A value Go cannot parse
     * is a 400 with Go's error text, as the handlers wrap the codec's error in {@code NewBadRequest}.
     */
    public static long int64(String value) {
        if (value == null) {
            return 0;
        }
        try {
            // Go accepts an optional sign and decimal digits only, as Long.parseLong does
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            boolean digits = value.matches("[+-]?[0-9]+");
            throw StatusException.badRequest("strconv.ParseInt: parsing " + NameValidation.goQuote(value) + ": "
                    + (digits ? "value out of range" : "invalid syntax"));
        }
    }

    /** The options of a POST (CreateOptions), validated as kube's {@code ValidateCreateOptions}. */
    public static Write create(HttpServletRequest http, String name) {
        return write(http, "CreateOptions", name, null, false);
    }

    /** The options of a PUT (UpdateOptions), validated as kube's {@code ValidateUpdateOptions}. */
    public static Write update(HttpServletRequest http, String name) {
        return write(http, "UpdateOptions", name, null, false);
    }

    /** The options of a PATCH (PatchOptions) of the given patch type, validated as kube's {@code ValidatePatchOptions}. */
    public static Write patch(HttpServletRequest http, String name, boolean apply) {
        return write(http, "PatchOptions", name, optionalBool(http.getParameter("force")), apply);
    }

    private static Write write(HttpServletRequest http, String kind, String name, Boolean force, boolean apply) {
        List<String> dryRun = values(http, "dryRun");
        String fieldManager = http.getParameter("fieldManager");
        String fieldValidation = http.getParameter("fieldValidation");
        List<FieldCause> causes = new ArrayList<>();
        if (kind.equals("PatchOptions")) {
            if (apply) {
                if (fieldManager == null || fieldManager.isEmpty()) {
                    // defaulted to "kubectl" by kubectl, but every other client has to name itself
                    causes.add(FieldCause.required("fieldManager", "is required for apply patch"));
                }
            } else if (force != null) {
                causes.add(FieldCause.forbidden("force", "may not be specified for non-apply patch"));
            }
        }
        validateFieldManager(fieldManager, causes);
        validateDryRun(dryRun, causes);
        FieldValidation validation = FieldValidation.WARN;
        if (fieldValidation != null && !fieldValidation.isEmpty()) {
            try {
                validation = FieldValidation.of(fieldValidation, kind);
            } catch (StatusException e) {
                causes.addAll(e.causes());
            }
        }
        if (!causes.isEmpty()) {
            throw StatusException.invalid(META_GROUP, kind, name, causes);
        }
        return new Write(dryRun, fieldManager, validation, force);
    }

    /** The values of a repeated parameter, as kube decodes a slice field: every occurrence, in order. */
    private static List<String> values(HttpServletRequest http, String name) {
        String[] values = http.getParameterValues(name);
        return values == null ? List.of() : List.of(values);
    }

    private static void validateFieldManager(String fieldManager, List<FieldCause> causes) {
        if (fieldManager == null) {
            return;
        }
        if (fieldManager.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FIELD_MANAGER_MAX_LENGTH) {
            causes.add(FieldCause.tooLong("fieldManager", FIELD_MANAGER_MAX_LENGTH));
        }
        int byteIndex = 0;
        for (int i = 0; i < fieldManager.length(); ) {
            int c = fieldManager.codePointAt(i);
            if (!isGoPrintable(c)) {
                causes.add(FieldCause.invalid("fieldManager", fieldManager,
                        String.format("invalid character U+%04X (at position %d)", c, byteIndex)));
            }
            byteIndex += new String(Character.toChars(c)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            i += Character.charCount(c);
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean isGoPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** kube's {@code ValidateDryRun}: {@code All} is the only value. */
    private static void validateDryRun(List<String> dryRun, List<FieldCause> causes) {
        for (String v : dryRun) {
            if (!v.equals("All")) {
                causes.add(new FieldCause("FieldValueNotSupported", "Unsupported value: " + goStringSlice(dryRun)
                        + ": supported values: \"All\"", "dryRun"));
                return;
            }
        }
    }

    /** Go's {@code %#v} of a {@code []string}. */
    private static String goStringSlice(List<String> values) {
        StringBuilder b = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(NameValidation.goQuote(values.get(i)));
        }
        return b.append('}').toString();
    }

    /**
     * The DeleteOptions of a DELETE, as kube's {@code DeleteResource} and {@code DeleteCollection}
     * read them: from the body when there is one (the query's options are then not read, kubectl
     * sends its {@code dryRun} and {@code propagationPolicy} there), from the query otherwise; then
     * {@code ValidateDeleteOptions}. The result is a DeleteOptions object holding only the fields set.
     */
    public static ObjectNode delete(HttpServletRequest http, byte[] body) {
        ObjectNode options = Json.object();
        if (body.length > 0) {
            ObjectNode decoded = Codecs.decode(http.getContentType(), body);
            String kind = Json.text(decoded, "kind");
            if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
                throw StatusException.badRequest("decoded object cannot be converted to DeleteOptions");
            }
            copyTyped(decoded, options);
        } else {
            String grace = http.getParameter("gracePeriodSeconds");
            if (grace != null) {
                options.put("gracePeriodSeconds", int64(grace));
            }
            String orphan = http.getParameter("orphanDependents");
            if (orphan != null) {
                options.put("orphanDependents", bool(orphan));
            }
            String policy = http.getParameter("propagationPolicy");
            if (policy != null) {
                options.put("propagationPolicy", policy);
            }
            List<String> dryRun = values(http, "dryRun");
            if (!dryRun.isEmpty()) {
                ArrayNode a = options.putArray("dryRun");
                dryRun.forEach(a::add);
            }
        }
        List<FieldCause> causes = new ArrayList<>();
        JsonNode policy = options.get("propagationPolicy");
        if (options.has("orphanDependents") && policy != null) {
            causes.add(FieldCause.invalid("propagationPolicy", policy.asText(), "orphanDependents and deletionPropagation cannot be both set"));
        }
        if (policy != null && !PROPAGATION_POLICIES.contains(policy.asText())) {
            causes.add(new FieldCause("FieldValueNotSupported", "Unsupported value: " + NameValidation.goQuote(policy.asText())
                    + ": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", "propagationPolicy"));
        }
        validateDryRun(dryRun(options), causes);
        if (!causes.isEmpty()) {
            throw StatusException.invalid(META_GROUP, "DeleteOptions", "", causes);
        }
        return options;
    }

    /** The {@code dryRun} values of validated DeleteOptions. */
    public static List<String> dryRun(ObjectNode deleteOptions) {
        List<String> out = new ArrayList<>();
        deleteOptions.path("dryRun").forEach(v -> out.add(v.asText()));
        return out;
    }

    /**
     * Copies the DeleteOptions fields of a decoded body, refusing a field of the wrong JSON type as
     * Go's decoder does; fields DeleteOptions does not have are dropped, as kube's lenient decoding does.
     */
    private static void copyTyped(ObjectNode from, ObjectNode to) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            switch (e.getKey()) {
                case "gracePeriodSeconds" -> to.set(e.getKey(), require(v, v.canConvertToLong() && v.isIntegralNumber(), "int64", e.getKey()));
                case "orphanDependents", "ignoreStoreReadErrorWithClusterBreakingPotential" ->
                        to.set(e.getKey(), require(v, v.isBoolean(), "bool", e.getKey()));
                case "propagationPolicy" -> to.set(e.getKey(), require(v, v.isTextual(), "v1.DeletionPropagation", e.getKey()));
                case "dryRun" -> {
                    require(v, v.isArray(), "[]string", e.getKey());
                    v.forEach(item -> require(item, item.isTextual(), "string", e.getKey()));
                    to.set(e.getKey(), v);
                }
                case "preconditions" -> {
                    require(v, v.isObject(), "v1.Preconditions", e.getKey());
                    v.fields().forEachRemaining(p -> {
                        if (!p.getValue().isNull()) {
                            require(p.getValue(), p.getValue().isTextual(), "string", "preconditions." + p.getKey());
                        }
                    });
                    to.set(e.getKey(), v);
                }
                default -> {
                    // kind, apiVersion and unknown fields carry nothing for the delete
                }
            }
        }
    }

    private static JsonNode require(JsonNode v, boolean ok, String goType, String field) {
        if (!ok) {
            throw StatusException.badRequest("json: cannot unmarshal " + jsonType(v) + " into Go struct field DeleteOptions."
                    + field + " of type " + goType);
        }
        return v;
    }

    private static String jsonType(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        return v.isArray() ? "array" : "object";
    }
}
