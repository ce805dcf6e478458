package io.kapi.machinery.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Decoding a JSON object into a kind that has a schema, as kube decodes a body into a built-in Go
 * type with {@code sigs.k8s.io/json}'s strict options: a field the schema does not know is dropped
 * (a Go struct has nowhere to keep it) and reported as {@code unknown field "spec.foo"}, a field that
 * occurs twice in one object keeps its last value and is reported as {@code duplicate field
 * "metadata.name"}. Paths join keys with {@code .} and array indices as {@code [0]}; errors come in
 * document order, each once, at most 100, as kube's decoder keeps them.
 *
 * <p>The schema is an OpenAPI v3 schema of the kind. An object schema with {@code properties} knows
 * those names; with {@code additionalProperties} (a map) every key; with
 * {@code x-kubernetes-preserve-unknown-fields} or without either (a raw extension) it keeps
 * everything. {@code $ref} (also the {@code allOf: [{$ref}]} form kube's documents use) is resolved
 * through {@code refs}. A null schema keeps every field and only duplicates are reported.
 *
 * <p>{@link #typed} also checks each value against its schema's type as Go's decoder would for the kind's Go
 * type, and reports the first that does not fit as Go's {@code UnmarshalTypeError} words it
 * ({@link Result#typeError()}): kube cannot decode such a body at all, whatever the field validation. Custom
 * resources, which kube keeps unstructured and checks against their schema instead, are decoded without it.
 * Thread-safe: instances hold no state.
 */
public final class StrictDecoding {
    private static final int MAX_ERRORS = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode schema;
    private final Function<String, JsonNode> refs;
    /** The Go struct of the kind ({@code Deployment}) when values are checked against their types, else null. */
    private final String rootStruct;

    /**
     * @param schema the kind's schema, or null for none
     * @param refs resolves a {@code $ref} value ({@code #/components/schemas/…}) to its schema; null if unknown
     */
    public StrictDecoding(JsonNode schema, Function<String, JsonNode> refs) {
        this(schema, refs, null);
    }

    private StrictDecoding(JsonNode schema, Function<String, JsonNode> refs, String rootStruct) {
        this.schema = schema;
        this.refs = refs;
        this.rootStruct = rootStruct;
    }

    /**
     * This decoding, also checking each value's type as Go decodes the kind's type, whose struct is named
     * {@code kind} ({@code Deployment}) in the errors.
     */
    public StrictDecoding typed(String kind) {
        return new StrictDecoding(schema, refs, kind);
    }

    /**
     * The decoded object (unknown fields dropped), the strict errors (empty when there were none) and, when the
     * decoding is {@link #typed}, Go's error for the first value whose type does not fit (null when all fit).
     */
    public record Result(ObjectNode object, List<String> errors, String typeError) {
        public Result(ObjectNode object, List<String> errors) {
            this(object, errors, null);
        }
    }

    /** Decodes a JSON object from a parser positioned before its first token. */
    public Result decode(JsonParser parser) throws IOException {
        return decode(parser, false);
    }

    private Result decode(JsonParser parser, boolean wholeFloatsFit) throws IOException {
        Walk walk = new Walk(wholeFloatsFit);
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new IOException("not a JSON object");
        }
        walk.struct = rootStruct;
        ObjectNode object = (ObjectNode) walk.value(parser, first, schema, new StringBuilder());
        return new Result(object, List.copyOf(walk.errors), walk.typeError);
    }

    /** Checks an already decoded object (a patch's result, a YAML document): only unknown fields can be found. */
    public Result decode(ObjectNode object, ObjectMapper mapper) {
        try (JsonParser p = mapper.treeAsTokens(object)) {
            // a tree is what kube decodes after Go's float64: a whole number with a fraction fits an integer there
            return decode(p, true);
        } catch (IOException e) {
            throw new IllegalStateException("walking a tree cannot fail", e);
        }
    }

    /** The message kube answers for strict errors under {@code fieldValidation=Strict} (a 400 BadRequest). */
    public static String strictDecodingError(List<String> errors) {
        return "strict decoding error: " + String.join(", ", errors);
    }

    private final class Walk {
        final Set<String> errors = new LinkedHashSet<>();
        /**
         * Go's error context: the struct being decoded (the kind's own, else the schema naming a nested one, named
         * only when an error needs it) and the names of the struct fields down to the value.
         */
        String struct;
        JsonNode structSchema;
        final List<String> fields = new ArrayList<>();
        String typeError;
        final boolean wholeFloatsFit;

        Walk(boolean wholeFloatsFit) {
            this.wholeFloatsFit = wholeFloatsFit;
        }

        void report(String type, CharSequence path) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(type + " " + FieldCause.goQuote(path.toString()));
            }
        }

        JsonNode value(JsonParser p, JsonToken token, JsonNode schema, StringBuilder path) throws IOException {
            JsonNode s = OpenApiRefs.resolve(schema, refs);
            if (rootStruct != null && !GoTypes.takesAnyJson(schema)) {
                String mismatch = GoTypes.mismatch(p, token, s, wholeFloatsFit);
                if (mismatch != null) {
                    // Go skips the value and reports the first such error once it has decoded the rest
                    if (typeError == null) {
                        String structName = structSchema == null ? struct : GoTypes.structName(GoTypes.refName(structSchema));
                        typeError = "json: cannot unmarshal " + mismatch + " into Go " + (fields.isEmpty() ? "value"
                                : "struct field " + structName + "." + String.join(".", fields)) + " of type " + GoTypes.goType(schema, refs);
                    }
                    p.skipChildren();
                    return NODES.nullNode();
                }
                if (token == JsonToken.VALUE_NUMBER_FLOAT && GoTypes.integerOnly(s)) {
                    // a whole number that fitted an integer (or an IntOrString): stored as the integer Go would write back
                    return NODES.numberNode((long) p.getDoubleValue());
                }
            }
            return switch (token) {
                case START_OBJECT -> object(p, schema, s, path);
                case START_ARRAY -> array(p, s == null ? null : s.get("items"), path);
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_NUMBER_INT -> numberInt(p);
                // as a default ObjectMapper reads trees: doubles
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(p.getEmbeddedObject());
                default -> throw new IOException("unexpected " + token);
            };
        }

        private JsonNode numberInt(JsonParser p) throws IOException {
            return switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
        }

        private ObjectNode object(JsonParser p, JsonNode schema, JsonNode s, StringBuilder path) throws IOException {
            ObjectNode out = NODES.objectNode();
            JsonNode properties = s == null ? null : s.get("properties");
            JsonNode additional = s == null ? null : s.get("additionalProperties");
            // a struct (named properties) is Go's error context for its fields; a map's entries stay in the enclosing one
            boolean isStruct = properties != null && additional == null;
            JsonNode outerStruct = structSchema;
            if (isStruct && !fields.isEmpty() && GoTypes.refersToDefinition(schema)) {
                structSchema = schema;
            }
            boolean keepAll = s == null || properties == null || additional != null
                    || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            Set<String> seen = new HashSet<>();
            int mark = path.length();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken valueToken = p.nextToken();
                if (mark > 0) {
                    path.append('.');
                }
                path.append(name);
                if (!seen.add(name)) {
                    report("duplicate field", path);
                }
                JsonNode fieldSchema = properties == null ? null : properties.get(name);
                if (fieldSchema == null && additional != null && additional.isObject()) {
                    fieldSchema = additional;
                }
                if (fieldSchema == null && !keepAll) {
                    report("unknown field", path);
                    p.skipChildren();
                } else {
                    if (isStruct) {
                        fields.add(name);
                    }
                    out.set(name, value(p, valueToken, fieldSchema, path));
                    if (isStruct) {
                        fields.remove(fields.size() - 1);
                    }
                }
                path.setLength(mark);
            }
            structSchema = outerStruct;
            return out;
        }

        private ArrayNode array(JsonParser p, JsonNode items, StringBuilder path) throws IOException {
            ArrayNode out = NODES.arrayNode();
            int mark = path.length();
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                path.append('[').append(i++).append(']');
                out.add(value(p, t, items, path));
                path.setLength(mark);
            }
            return out;
        }
    }
}
