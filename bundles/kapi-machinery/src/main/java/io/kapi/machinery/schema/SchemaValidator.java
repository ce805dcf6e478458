package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * apiextensions' {@code ValidateCustomResource}: kube-openapi's {@code SchemaValidator} run over a value
 * with the CRD's schema, its errors turned into kube's field errors as
 * {@code kubeOpenAPIResultToFieldErrors} does (Required, NotSupported for enum, TooLong, TooMany,
 * TypeInvalid, else Invalid with kube-openapi's message; anyOf/oneOf/allOf/not failures at the path
 * the caller gives, {@code <nil>} when none). kube-openapi's paths join names with {@code .} and
 * indices as {@code [0]}; where Go walks a map (random order) this walks the object's fields in
 * document order and the schema's properties in declaration order. CEL rules
 * ({@code x-kubernetes-validations}) are not evaluated. On update, {@link #validateUpdate} ratchets as
 * kube's {@code RatchetingSchemaValidator} does (CRDValidationRatcheting, on in kube 1.32): every node
 * correlated to an old value (see {@link Correlation}) loses all its errors, its descendants' included,
 * when it is unchanged; nodes that cannot be correlated, the root's {@code apiVersion} and {@code kind}
 * and the schemas of anyOf/oneOf/allOf/not validate as on create. Thread-safe.
 */
public final class SchemaValidator {
    static final String IN = "body";
    private final StructuralSchema schema;

    public SchemaValidator(StructuralSchema schema) {
        this.schema = schema;
    }

    /** {@code ValidateCustomResource(nil, value, validator)}: errors at kube-openapi's paths, {@code <nil>} at the root. */
    public List<FieldCause> validate(JsonNode value) {
        return validate(value, null);
    }

    /**
     * {@code ValidateCustomResource(fldPath, value, validator)}: as {@link #validate(JsonNode)} with every
     * path under {@code fldPath} (e.g. {@code status} for the status subresource); null for none.
     */
    public List<FieldCause> validate(JsonNode value, String fldPath) {
        List<FieldCause> out = new ArrayList<>();
        if (schema == null) {
            return out;
        }
        Result r = validate(schema, "", value);
        for (Err e : r.errors) {
            out.add(toCause(e, fldPath));
        }
        return out;
    }

    /**
     * {@code ValidateCustomResourceUpdate(nil, new, old, validator, WithRatcheting(correlation))}: the
     * correlation's new value validated as {@link #validate(JsonNode)} does, without the errors that
     * unchanged values had already (kube's ratcheting); the correlation must be over this schema.
     */
    public List<FieldCause> validateUpdate(Correlation correlation) {
        List<FieldCause> out = new ArrayList<>();
        if (schema == null) {
            return out;
        }
        for (Err e : validate(schema, "", correlation.value(), correlation).errors) {
            out.add(toCause(e, null));
        }
        return out;
    }

    /** kube-openapi's error codes that apiextensions tells apart. */
    enum Code { COMPOSITE, TYPE, REQUIRED, TOO_LONG, ENUM, MAX_ITEMS, TOO_MANY_PROPERTIES, OTHER }

    /** One kube-openapi error: code, name (its path), message, the Go value it keeps, the limit. */
    record Err(Code code, String name, String message, Object value, long valid, List<JsonNode> enumValues) {
    }

    /** kube-openapi's {@code Result}: errors (each message once) and the match count anyOf/oneOf rank by. */
    static final class Result {
        final List<Err> errors = new ArrayList<>();
        int matchCount;

        void add(Err e) {
            for (Err x : errors) {
                if (x.message.equals(e.message)) {
                    return;
                }
            }
            errors.add(e);
        }

        Result merge(Result o) {
            if (o != null) {
                o.errors.forEach(this::add);
                matchCount += o.matchCount;
            }
            return this;
        }

        boolean valid() {
            return errors.isEmpty();
        }

        static Result of(Err e) {
            Result r = new Result();
            r.add(e);
            return r;
        }
    }

    private static FieldCause toCause(Err e, String fldPath) {
        String path = fldPath;
        if (e.code != Code.COMPOSITE && !e.name.isEmpty() && !e.name.equals(".")) {
            String child = e.name.startsWith(".") ? e.name.substring(1) : e.name;
            path = fldPath == null ? child : fldPath + "." + child;
        }
        String field = path == null ? "<nil>" : path;
        switch (e.code) {
            case COMPOSITE:
                return FieldCause.invalid(field, "", e.message);
            case REQUIRED:
                return FieldCause.required(field, "");
            case ENUM: {
                List<String> values = new ArrayList<>();
                e.enumValues.forEach(v -> values.add(GoValues.supportedValue(v)));
                FieldCause c = FieldCause.notSupported(field, "", values);
                String rest = c.message().substring("Unsupported value: \"\"".length());
                return new FieldCause(c.type(), "Unsupported value: " + GoValues.errorValue(e.value) + rest, field);
            }
            case TOO_LONG:
                return FieldCause.tooLong(field, (int) e.valid);
            case MAX_ITEMS:
            case TOO_MANY_PROPERTIES: {
                long actual = e.value instanceof Long l ? l : -1;
                return new FieldCause("FieldValueTooMany", "Too many: " + actual + ": must have at most " + e.valid + " items", field);
            }
            case TYPE:
                return new FieldCause("FieldValueTypeInvalid", "Invalid value: "
                        + GoValues.errorValue(e.value == null ? "" : e.value) + ": " + e.message, field);
            default:
                return FieldCause.invalidRendered(field, GoValues.errorValue(e.value == null ? "" : e.value), e.message);
        }
    }

    private static Err err(Code code, String name, String message, Object value) {
        return new Err(code, name, message, value, 0, List.of());
    }

    private static String in(String name, String format, Object... args) {
        Object[] all = new Object[args.length + 2];
        all[0] = name;
        all[1] = IN;
        System.arraycopy(args, 0, all, 2, args.length);
        return String.format(format, all);
    }

    /** kube-openapi's {@code errors.InvalidType} with a type name as the value. */
    static Err invalidType(String path, String typeName, String value) {
        return err(Code.TYPE, path, in(path, "%s in %s must be of type %s: %s", typeName, FieldCause.goQuote(value)), value);
    }

    /** kube-openapi's {@code SchemaValidator.Validate}: type, schema props, string, format, number, slice, enum, object. */
    static Result validate(StructuralSchema s, String path, JsonNode data) {
        return validate(s, path, data, null);
    }

    /**
     * As {@link #validate(StructuralSchema, String, JsonNode)}; with a correlation (kube's
     * {@code ratchetingValueValidator}) an unchanged value keeps the match count but none of the errors.
     */
    static Result validate(StructuralSchema s, String path, JsonNode data, Correlation correlation) {
        Result result = check(s, path, data, correlation);
        if (correlation != null && !result.valid() && correlation.unchanged()) {
            Result ratcheted = new Result();
            ratcheted.matchCount = result.matchCount;
            return ratcheted;
        }
        return result;
    }

    private static Result check(StructuralSchema s, String path, JsonNode data, Correlation correlation) {
        Result result = new Result();
        String kind = GoValues.kind(data);
        if (kind.equals("null")) {
            if (!s.types.isEmpty() || !s.format.isEmpty()) {
                result.merge(typeCheck(s, path, data, kind));
            }
            result.merge(enumCheck(s, path, data));
            return result;
        }
        if (!s.types.isEmpty() || !s.format.isEmpty()) {
            result.merge(typeCheck(s, path, data, kind)).matchCount++;
        }
        result.merge(Combinators.validate(s, path, data)).matchCount++;
        if (kind.equals("string")) {
            result.merge(Scalars.string(s, path, data.asText())).matchCount++;
            if (!s.format.isEmpty()) {
                result.merge(Formats.validate(s.format, path, data.asText())).matchCount++;
            }
        }
        if (kind.equals("integer") || kind.equals("number")) {
            result.merge(Scalars.number(s, path, data)).matchCount++;
        }
        if (kind.equals("array")) {
            result.merge(slice(s, path, data, correlation)).matchCount++;
        }
        result.merge(enumCheck(s, path, data)).matchCount++;
        if (kind.equals("object")) {
            result.merge(object(s, path, data, correlation)).matchCount++;
        }
        result.matchCount++;
        return result;
    }

    /** kube-openapi's {@code typeValidator}, with its handling of formats and float-valued integers. */
    private static Result typeCheck(StructuralSchema s, String path, JsonNode data, String schType) {
        List<String> t = s.types;
        if (schType.equals("null")) {
            if (!t.isEmpty() && !t.contains("null") && !s.nullable) {
                return Result.of(invalidType(path, String.join(",", t), "null"));
            }
            Result ok = new Result();
            ok.matchCount = 1;
            return ok;
        }
        String format = schType.equals("integer") ? "int64" : schType.equals("number") ? "float64" : "";
        boolean isFloatInt = schType.equals("number") && GoValues.isJsonInteger(data.asDouble()) && t.contains("integer");
        boolean isIntFloat = schType.equals("integer") && t.contains("number");
        boolean stringOrSlice = schType.equals("string") || schType.equals("array");
        if (!stringOrSlice && !s.format.isEmpty()
                && !(t.contains(schType) || format.equals(s.format) || isFloatInt || isIntFloat)) {
            return Result.of(invalidType(path, s.format, format));
        }
        Result ok = new Result();
        ok.matchCount = 1;
        if (!(t.contains("number") || t.contains("integer")) && !s.format.isEmpty() && stringOrSlice) {
            return ok;
        }
        if (!(t.contains(schType) || isFloatInt || isIntFloat)) {
            return Result.of(invalidType(path, String.join(",", t), schType));
        }
        return ok;
    }

    private static Result enumCheck(StructuralSchema s, String path, JsonNode data) {
        if (s.enumValues.isEmpty()) {
            return null;
        }
        for (JsonNode e : s.enumValues) {
            if (GoValues.enumMatches(data, e)) {
                return null;
            }
        }
        List<String> rendered = new ArrayList<>();
        s.enumValues.forEach(e -> rendered.add(e.isTextual() ? e.asText() : e.toString()));
        return Result.of(new Err(Code.ENUM, path, in(path, "%s in %s should be one of %s", "[" + String.join(" ", rendered) + "]"),
                GoValues.goValue(data), 0, s.enumValues));
    }

    /** kube-openapi's {@code schemaSliceValidator}. */
    private static Result slice(StructuralSchema s, String path, JsonNode data, Correlation correlation) {
        Result result = new Result();
        int size = data.size();
        if (s.items != null) {
            for (int i = 0; i < size; i++) {
                result.merge(validate(s.items, path + "[" + i + "]", data.get(i), correlation == null ? null : correlation.index(i)));
            }
        }
        if (s.minItems != null && size < s.minItems) {
            result.add(new Err(Code.OTHER, path, in(path, "%s in %s should have at least %d items", s.minItems), (long) size, s.minItems, List.of()));
        }
        if (s.maxItems != null && size > s.maxItems) {
            result.add(new Err(Code.MAX_ITEMS, path, in(path, "%s in %s should have at most %d items", s.maxItems), (long) size, s.maxItems, List.of()));
        }
        if (s.uniqueItems) {
            outer:
            for (int i = 0; i < size; i++) {
                for (int j = i + 1; j < size; j++) {
                    if (GoValues.deepEqual(data.get(i), data.get(j))) {
                        result.add(err(Code.OTHER, path, in(path, "%s in %s shouldn't contain duplicates"), null));
                        break outer;
                    }
                }
            }
        }
        result.matchCount++;
        return result;
    }

    /** kube-openapi's {@code objectValidator} (no patternProperties: structural schemas have none). */
    private static Result object(StructuralSchema s, String path, JsonNode data, Correlation correlation) {
        Result res = new Result();
        long numKeys = data.size();
        if (s.minProperties != null && numKeys < s.minProperties) {
            res.add(new Err(Code.OTHER, path, in(path, "%s in %s should have at least %d properties", s.minProperties), numKeys, s.minProperties, List.of()));
        }
        if (s.maxProperties != null && numKeys > s.maxProperties) {
            res.add(new Err(Code.TOO_MANY_PROPERTIES, path, in(path, "%s in %s should have at most %d properties", s.maxProperties), numKeys, s.maxProperties, List.of()));
        }
        if (s.additionalAllows != null && !s.additionalAllows) {
            for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!s.properties.containsKey(k)) {
                    res.add(err(Code.OTHER, path, String.format("%s.%s in %s is a forbidden property", path, k, IN), k));
                }
            }
        } else if (s.additionalSchema != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!s.properties.containsKey(e.getKey())) {
                    res.merge(validate(s.additionalSchema, path + "." + e.getKey(), e.getValue(), field(correlation, path, e.getKey())));
                }
            }
        }
        s.properties.forEach((name, ps) -> {
            if (data.has(name)) {
                res.merge(validate(ps, path.isEmpty() ? name : path + "." + name, data.get(name), field(correlation, path, name)));
            }
        });
        for (String k : s.required) {
            if (!data.has(k)) {
                res.add(err(Code.REQUIRED, path + "." + k, in(path + "." + k, "%s in %s is required"), null));
            }
        }
        return res;
    }

    /** kube's {@code SubPropertyValidator}: the field's correlation; none for the root's apiVersion and kind, whose change kube cannot see. */
    private static Correlation field(Correlation correlation, String path, String name) {
        if (correlation == null || (path.isEmpty() && (name.equals("apiVersion") || name.equals("kind")))) {
            return null;
        }
        return correlation.key(name);
    }

    /** Go's regexp compile error text for the few cases Java reports differently; else Java's description. */
    static Pattern compile(String pattern, String[] error) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            String d = e.getDescription();
            if (d.startsWith("Dangling meta character")) {
                error[0] = "error parsing regexp: missing argument to repetition operator: `" + pattern.charAt(Math.max(0, e.getIndex())) + "`";
            } else if (d.startsWith("Unclosed group")) {
                error[0] = "error parsing regexp: missing closing ): `" + pattern + "`";
            } else if (d.startsWith("Unclosed character class")) {
                error[0] = "error parsing regexp: missing closing ]: `" + pattern.substring(Math.max(0, pattern.lastIndexOf('['))) + "`";
            } else {
                error[0] = "error parsing regexp: " + d;
            }
            return null;
        }
    }
}
