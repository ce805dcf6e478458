package io.kapi.protobuf;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reads a JSON document's bytes into a tree for {@link KubeProtobuf#message}, except the base64 strings of the
 * object's protobuf {@code bytes} fields (a Secret's {@code data}, a ConfigMap's {@code binaryData}): each is
 * left where it is in the bytes, as a {@link Span}, and the tree holds a placeholder {@link ByteString} that
 * {@link SpannedWriter} replaces with the decoded bytes as it writes them. A 1 MiB Secret is then never held
 * as a 1 MiB string, nor as its 768 KiB of decoded bytes, beside the JSON it comes from.
 *
 * <p>The reader follows the messages' descriptors from the top-level {@code apiVersion} and {@code kind}
 * (members before them are read as plain JSON); values it has no field for, and the messages whose JSON is
 * converted specially ({@link KubeProtobuf#isSpecial}), are read as plain JSON. A string that is not strict
 * base64 without escapes stays a string, so that encoding reports it as it would have.
 *
 * <p>One instance reads one document; not safe to share between threads.
 */
final class Base64Spans {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A base64 string in {@code json} at {@code [offset, offset + length)} that decodes to {@code decodedSize} bytes. */
    record Span(byte[] json, int offset, int length, int decodedSize) {
    }

    private final KubeProtobuf codec;
    private final byte[] json;
    /** The placeholders the tree holds, by identity, to the strings they stand for. */
    private final Map<ByteString, Span> spans = new IdentityHashMap<>();

    Base64Spans(KubeProtobuf codec, byte[] json) {
        this.codec = codec;
        this.json = json;
    }

    /** The spans of the placeholders in the tree that {@link #read} gave. */
    Map<ByteString, Span> spans() {
        return spans;
    }

    /**
     * The document as a tree, its bytes fields' strings left in place.
     *
     * @throws JsonParseException when the bytes are not one JSON object
     */
    ObjectNode read() throws IOException {
        try (JsonParser p = MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "not a JSON object");
            }
            ObjectNode o = NODES.objectNode();
            Descriptor d = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                o.set(name, d == null ? plain(p) : value(p, t, codec.fieldByJsonName(d, name)));
                if (d == null && o.path("apiVersion").isTextual() && o.path("kind").isTextual()) {
                    d = codec.descriptor(o.get("apiVersion").asText(), o.get("kind").asText());
                }
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "more than one JSON value");
            }
            return o;
        }
    }

    private ObjectNode object(JsonParser p, Descriptor d) throws IOException {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            o.set(name, value(p, t, codec.fieldByJsonName(d, name)));
        }
        return o;
    }

    /** The value at {@code t} of field {@code f} (null: one the message does not have). */
    private JsonNode value(JsonParser p, JsonToken t, FieldDescriptor f) throws IOException {
        if (f == null) {
            return plain(p);
        }
        if (f.isMapField() && t == JsonToken.START_OBJECT) {
            if (f.getMessageType().findFieldByNumber(1).getType() != FieldDescriptor.Type.STRING) {
                return plain(p); // SpannedWriter writes the keys of entries it walks as strings
            }
            // each value as the entry's value field, a singular field
            FieldDescriptor valueField = f.getMessageType().findFieldByNumber(2);
            ObjectNode o = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                o.set(key, element(p, p.nextToken(), valueField));
            }
            return o;
        }
        if (f.isRepeated() && !f.isMapField() && t == JsonToken.START_ARRAY) {
            ArrayNode a = NODES.arrayNode();
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                a.add(element(p, e, f));
            }
            return a;
        }
        return element(p, t, f);
    }

    /** One value of {@code f} (one element when it is repeated). */
    private JsonNode element(JsonParser p, JsonToken t, FieldDescriptor f) throws IOException {
        if (f.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING && t == JsonToken.VALUE_STRING) {
            return span(p);
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && t == JsonToken.START_OBJECT && !f.isMapField()
                && !KubeProtobuf.isSpecial(f.getMessageType())) {
            return object(p, f.getMessageType());
        }
        return plain(p);
    }

    /**
     * The value at the parser as Jackson's tree reader would give it (an ObjectMapper's readTree per value costs
     * a deserialization context each time, more than the value itself for the small ones most objects are made of).
     */
    private static JsonNode plain(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, plain(p));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(plain(p));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new JsonParseException(p, "unexpected " + t);
        }
    }

    /**
     * The string at the parser as a placeholder of its span, its characters not read by the parser (which then
     * skips them); the string itself when it is not strict base64 (an escape, a character outside the standard
     * alphabet, padding out of place).
     */
    private JsonNode span(JsonParser p) throws IOException {
        long quote = p.currentTokenLocation().getByteOffset();
        if (quote < 0 || quote >= json.length || json[(int) quote] != '"') {
            return NODES.textNode(p.getText());
        }
        int start = (int) quote + 1;
        int end = start;
        while (end < json.length && json[end] != '"') {
            end++;
        }
        int decoded = end < json.length ? decodedSize(json, start, end) : -1;
        if (decoded < 0) {
            return NODES.textNode(p.getText());
        }
        ByteString placeholder = ByteString.copyFrom(new byte[] {0}); // a new instance: its identity names the span
        spans.put(placeholder, new Span(json, start, end - start, decoded));
        return new POJONode(placeholder);
    }

    /**
     * How many bytes the base64 of {@code bytes[from, to)} decodes to, as Java's basic decoder reads it (the
     * standard alphabet, padding optional but only at the end); -1 when it would not decode.
     */
    static int decodedSize(byte[] bytes, int from, int to) {
        int padding = 0;
        while (to - padding > from && padding < 2 && bytes[to - padding - 1] == '=') {
            padding++;
        }
        int chars = to - from - padding;
        for (int i = from; i < from + chars; i++) {
            byte c = bytes[i];
            boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!alphabet) {
                return -1;
            }
        }
        int rest = chars % 4;
        if (rest == 1 || padding > 0 && (chars + padding) % 4 != 0) {
            return -1;
        }
        return chars / 4 * 3 + (rest == 0 ? 0 : rest - 1);
    }
}
