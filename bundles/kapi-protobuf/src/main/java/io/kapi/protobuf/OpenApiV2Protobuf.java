package io.kapi.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An OpenAPI v2 (Swagger 2.0) document in the protobuf form kube-apiserver serves at
 * {@code /openapi/v2} for {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}: gnostic's
 * {@code openapi.v2.Document} (google/gnostic-models {@code openapiv2/OpenAPIv2.proto}), which
 * client-go and kubectl parse. No Java classes of that schema are published, so the messages are
 * written here field by field with protobuf's {@link CodedOutputStream}, following the .proto's field
 * numbers. As gnostic does when it parses kube's JSON, every {@code x-} extension and every
 * {@code default}, {@code example} and {@code enum} value is an {@code Any} carrying its value as YAML
 * text only (JSON text, which is YAML); proto3 defaults (empty strings, false, 0) are left out.
 * Stateless.
 */
public final class OpenApiV2Protobuf {
    private OpenApiV2Protobuf() {
    }

    /** Encodes a Swagger 2.0 document given as JSON. */
    public static byte[] encode(JsonNode document) {
        return message(out -> {
            str(out, 1, document, "swagger");
            obj(out, 2, document.get("info"), OpenApiV2Protobuf::info);
            str(out, 3, document, "host");
            str(out, 4, document, "basePath");
            strs(out, 5, document.get("schemes"));
            strs(out, 6, document.get("consumes"));
            strs(out, 7, document.get("produces"));
            obj(out, 8, document.get("paths"), OpenApiV2Protobuf::paths);
            obj(out, 9, document.get("definitions"), (o, n) -> named(o, 1, n, OpenApiV2Protobuf::schema));
            JsonNode security = document.get("security");
            if (security != null && security.isArray()) {
                for (JsonNode requirement : security) {
                    // SecurityRequirement: repeated NamedStringArray additional_properties = 1 (StringArray: repeated value = 1)
                    out.writeByteArray(12, message(o -> named(o, 1, requirement, (a, scopes) -> run(() -> strs(a, 1, scopes)))));
                }
            }
            // SecurityDefinitions: repeated NamedSecurityDefinitionsItem (name 1, SecurityDefinitionsItem 2)
            obj(out, 13, document.get("securityDefinitions"), (o, n) -> named(o, 1, n, OpenApiV2Protobuf::securityDefinition));
            vendor(out, 16, document);
        });
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sub-message field, written when the JSON value is present (an empty message too, as a oneof branch needs). */
    private static void obj(CodedOutputStream out, int field, JsonNode value, BiConsumer<CodedOutputStream, JsonNode> writer)
            throws IOException {
        if (value != null && !value.isNull()) {
            out.writeByteArray(field, message(o -> writer.accept(o, value)));
        }
    }

    private static void str(CodedOutputStream out, int field, JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
            out.writeString(field, v.asText());
        }
    }

    private static void strs(CodedOutputStream out, int field, JsonNode array) throws IOException {
        if (array != null) {
            for (JsonNode v : array) {
                out.writeString(field, v.asText());
            }
        }
    }

    private static void bool(CodedOutputStream out, int field, JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v != null && v.asBoolean(false)) {
            out.writeBool(field, true);
        }
    }

    private static void int64(CodedOutputStream out, int field, JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v != null && v.isNumber() && v.asLong() != 0) {
            out.writeInt64(field, v.asLong());
        }
    }

    private static void dbl(CodedOutputStream out, int field, JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v != null && v.isNumber() && v.asDouble() != 0) {
            out.writeDouble(field, v.asDouble());
        }
    }

    /** gnostic's {@code Any}: {@code yaml} (field 2) holds the value's text; {@code value} stays unset. */
    private static byte[] any(JsonNode value) {
        return message(o -> o.writeString(2, value.toString() + "\n"));
    }

    private static void anyField(CodedOutputStream out, int field, JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v != null) {
            out.writeByteArray(field, any(v));
        }
    }

    /** The {@code x-} fields of an object as {@code repeated NamedAny vendor_extension}. */
    private static void vendor(CodedOutputStream out, int field, JsonNode node) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("x-")) {
                out.writeByteArray(field, message(o -> {
                    o.writeString(1, e.getKey());
                    o.writeByteArray(2, any(e.getValue()));
                }));
            }
        }
    }

    /** A JSON map as {@code repeated Named<T>} entries: {@code name} 1, {@code value} 2; x- keys skipped. */
    private static void named(CodedOutputStream out, int field, JsonNode map, BiConsumer<CodedOutputStream, JsonNode> writer) {
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("x-")) {
                    continue;
                }
                out.writeByteArray(field, message(o -> {
                    o.writeString(1, e.getKey());
                    o.writeByteArray(2, message(v -> writer.accept(v, e.getValue())));
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A SecurityDefinitionsItem: kube defines only an API key ({@code BearerToken}), branch 2 (ApiKeySecurity). */
    private static void securityDefinition(CodedOutputStream out, JsonNode item) {
        run(() -> {
            if ("apiKey".equals(item.path("type").asText())) {
                out.writeByteArray(2, message(o -> {
                    str(o, 1, item, "type");
                    str(o, 2, item, "name");
                    str(o, 3, item, "in");
                    str(o, 4, item, "description");
                    vendor(o, 5, item);
                }));
            }
        });
    }

    private static void info(CodedOutputStream out, JsonNode info) {
        run(() -> {
            str(out, 1, info, "title");
            str(out, 2, info, "version");
            str(out, 3, info, "description");
            vendor(out, 7, info);
        });
    }

    private static void paths(CodedOutputStream out, JsonNode paths) {
        run(() -> {
            vendor(out, 1, paths);
            named(out, 2, paths, OpenApiV2Protobuf::pathItem);
        });
    }

    private static void pathItem(CodedOutputStream out, JsonNode item) {
        run(() -> {
            str(out, 1, item, "$ref");
            String[] verbs = {"get", "put", "post", "delete", "options", "head", "patch"};
            for (int i = 0; i < verbs.length; i++) {
                obj(out, 2 + i, item.get(verbs[i]), OpenApiV2Protobuf::operation);
            }
            parameters(out, 9, item.get("parameters"));
            vendor(out, 10, item);
        });
    }

    private static void operation(CodedOutputStream out, JsonNode op) {
        run(() -> {
            strs(out, 1, op.get("tags"));
            str(out, 2, op, "summary");
            str(out, 3, op, "description");
            str(out, 5, op, "operationId");
            strs(out, 6, op.get("produces"));
            strs(out, 7, op.get("consumes"));
            parameters(out, 8, op.get("parameters"));
            obj(out, 9, op.get("responses"), OpenApiV2Protobuf::responses);
            strs(out, 10, op.get("schemes"));
            bool(out, 11, op, "deprecated");
            vendor(out, 13, op);
        });
    }

    /** {@code repeated ParametersItem}: a parameter (1), or a JSON reference (2) for {@code $ref}. */
    private static void parameters(CodedOutputStream out, int field, JsonNode params) throws IOException {
        if (params == null) {
            return;
        }
        for (JsonNode p : params) {
            out.writeByteArray(field, message(item -> {
                if (p.has("$ref")) {
                    item.writeByteArray(2, message(ref -> str(ref, 1, p, "$ref")));
                } else {
                    item.writeByteArray(1, message(param -> parameter(param, p)));
                }
            }));
        }
    }

    /** {@code Parameter}: a body parameter (1), or a non-body one (2) by where it goes. */
    private static void parameter(CodedOutputStream out, JsonNode p) throws IOException {
        String in = p.path("in").asText();
        if (in.equals("body")) {
            out.writeByteArray(1, message(b -> {
                str(b, 1, p, "description");
                str(b, 2, p, "name");
                str(b, 3, p, "in");
                bool(b, 4, p, "required");
                obj(b, 5, p.get("schema"), OpenApiV2Protobuf::schema);
                vendor(b, 6, p);
            }));
            return;
        }
        // NonBodyParameter: header 1, formData 2, query 3, path 4. Query and formData sub-schemas have
        // allowEmptyValue as field 5, so their later fields are one number higher than header's and path's.
        int branch = switch (in) {
            case "header" -> 1;
            case "formData" -> 2;
            case "path" -> 4;
            default -> 3;
        };
        boolean withAllowEmpty = branch == 2 || branch == 3;
        int shift = withAllowEmpty ? 1 : 0;
        out.writeByteArray(2, message(nb -> nb.writeByteArray(branch, message(s -> {
            bool(s, 1, p, "required");
            str(s, 2, p, "in");
            str(s, 3, p, "description");
            str(s, 4, p, "name");
            if (withAllowEmpty) {
                bool(s, 5, p, "allowEmptyValue");
            }
            str(s, 5 + shift, p, "type");
            str(s, 6 + shift, p, "format");
            str(s, 8 + shift, p, "collectionFormat");
            anyField(s, 9 + shift, p, "default");
            str(s, 16 + shift, p, "pattern");
            bool(s, 19 + shift, p, "uniqueItems");
            JsonNode en = p.get("enum");
            if (en != null) {
                for (JsonNode v : en) {
                    s.writeByteArray(20 + shift, any(v));
                }
            }
            vendor(s, 22 + shift, p);
        }))));
    }

    private static void responses(CodedOutputStream out, JsonNode responses) {
        run(() -> {
            named(out, 1, responses, (o, r) -> run(() -> {
                if (r.has("$ref")) {
                    o.writeByteArray(2, message(ref -> str(ref, 1, r, "$ref")));
                } else {
                    o.writeByteArray(1, message(resp -> {
                        str(resp, 1, r, "description");
                        // SchemaItem: schema (1)
                        obj(resp, 2, r.get("schema"), (si, s) -> run(() -> obj(si, 1, s, OpenApiV2Protobuf::schema)));
                        vendor(resp, 5, r);
                    }));
                }
            }));
            vendor(out, 2, responses);
        });
    }

    private static void schema(CodedOutputStream out, JsonNode s) {
        run(() -> {
            str(out, 1, s, "$ref");
            str(out, 2, s, "format");
            str(out, 3, s, "title");
            str(out, 4, s, "description");
            anyField(out, 5, s, "default");
            dbl(out, 6, s, "multipleOf");
            dbl(out, 7, s, "maximum");
            bool(out, 8, s, "exclusiveMaximum");
            dbl(out, 9, s, "minimum");
            bool(out, 10, s, "exclusiveMinimum");
            int64(out, 11, s, "maxLength");
            int64(out, 12, s, "minLength");
            str(out, 13, s, "pattern");
            int64(out, 14, s, "maxItems");
            int64(out, 15, s, "minItems");
            bool(out, 16, s, "uniqueItems");
            int64(out, 17, s, "maxProperties");
            int64(out, 18, s, "minProperties");
            strs(out, 19, s.get("required"));
            JsonNode en = s.get("enum");
            if (en != null) {
                for (JsonNode v : en) {
                    out.writeByteArray(20, any(v));
                }
            }
            JsonNode additional = s.get("additionalProperties");
            if (additional != null) {
                // AdditionalPropertiesItem: a schema (1) or a boolean (2), written even when false
                out.writeByteArray(21, message(a -> {
                    if (additional.isBoolean()) {
                        a.writeBool(2, additional.booleanValue());
                    } else {
                        a.writeByteArray(1, message(v -> schema(v, additional)));
                    }
                }));
            }
            JsonNode type = s.get("type");
            if (type != null) {
                out.writeByteArray(22, message(t -> {
                    if (type.isArray()) {
                        strs(t, 1, type);
                    } else {
                        t.writeString(1, type.asText());
                    }
                }));
            }
            JsonNode items = s.get("items");
            if (items != null) {
                // ItemsItem: repeated Schema (1)
                out.writeByteArray(23, message(it -> {
                    for (JsonNode i : items.isArray() ? items : java.util.List.of(items)) {
                        it.writeByteArray(1, message(v -> schema(v, i)));
                    }
                }));
            }
            JsonNode allOf = s.get("allOf");
            if (allOf != null) {
                for (JsonNode a : allOf) {
                    out.writeByteArray(24, message(v -> schema(v, a)));
                }
            }
            obj(out, 25, s.get("properties"), (o, props) -> named(o, 1, props, OpenApiV2Protobuf::schema));
            bool(out, 27, s, "readOnly");
            anyField(out, 30, s, "example");
            vendor(out, 31, s);
        });
    }

    private interface IoRunnable {
        void run() throws IOException;
    }

    private static void run(IoRunnable r) {
        try {
            r.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
