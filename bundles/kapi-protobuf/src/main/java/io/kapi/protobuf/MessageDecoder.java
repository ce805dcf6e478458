package io.kapi.protobuf;

import static io.kapi.protobuf.JsonFields.OMIT_ZERO;
import static io.kapi.protobuf.JsonFields.isInline;
import static io.kapi.protobuf.JsonFields.jsonName;
import static io.kapi.protobuf.SpecialTypes.FIELDS_V1;
import static io.kapi.protobuf.SpecialTypes.INT_OR_STRING;
import static io.kapi.protobuf.SpecialTypes.MICRO_TIME;
import static io.kapi.protobuf.SpecialTypes.QUANTITY;
import static io.kapi.protobuf.SpecialTypes.RAW_EXTENSION;
import static io.kapi.protobuf.SpecialTypes.TIME;
import static io.kapi.protobuf.SpecialTypes.VERBS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A protobuf message as kube's JSON, by the rules of {@link KubeProtobuf}'s decoding: set fields under their
 * JSON names, Go's zeros that JSON omits left out, special messages ({@link SpecialTypes}) as their JSON, and
 * objects embedded as protobuf decoded through {@link KubeProtobuf#decode(byte[], int)}.
 *
 * <p>Immutable and safe to share between threads.
 */
final class MessageDecoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final KubeProtobuf codec;

    MessageDecoder(KubeProtobuf codec) {
        this.codec = codec;
    }

    /** A message as a JSON object: set fields only, in field-number order. */
    ObjectNode object(Message message, int nesting) {
        Descriptor type = message.getDescriptorForType();
        Set<String> omitZero = OMIT_ZERO.getOrDefault(type.getFullName(), Set.of());
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            JsonNode value;
            if (f.isMapField()) {
                ObjectNode map = NODES.objectNode();
                for (Object entry : (List<?>) e.getValue()) {
                    Message m = (Message) entry;
                    FieldDescriptor vf = f.getMessageType().findFieldByNumber(2);
                    JsonNode v = value(vf, m.getField(vf), nesting);
                    map.set(String.valueOf(m.getField(f.getMessageType().findFieldByNumber(1))),
                            v == null ? NODES.nullNode() : v);
                }
                value = map;
            } else if (f.isRepeated()) {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (List<?>) e.getValue()) {
                    JsonNode v = value(f, item, nesting);
                    array.add(v == null ? NODES.nullNode() : v);
                }
                value = array;
            } else {
                value = value(f, e.getValue(), nesting);
                // Go writes its zero "" for every non-pointer string; JSON's omitempty leaves them out
                if (value != null && value.isTextual() && value.textValue().isEmpty()) {
                    value = null;
                }
                if (value != null && omitZero.contains(f.getName()) && isZero(value)) {
                    value = null;
                }
            }
            if (value != null && isInline(f) && value.isObject()) {
                out.setAll((ObjectNode) value);
            } else if (value != null) {
                out.set(jsonName(f), value);
            }
        }
        return out;
    }

    private static boolean isZero(JsonNode v) {
        return v.isNumber() && v.asDouble() == 0 || v.isBoolean() && !v.booleanValue();
    }

    /** One value as JSON; null when the value stands for Go's nil or zero time (omitted). */
    private JsonNode value(FieldDescriptor f, Object v, int nesting) {
        switch (f.getJavaType()) {
            case MESSAGE:
                return special((Message) v, nesting);
            case BYTE_STRING:
                // JSON carries Go's []byte as standard base64, as in Secret.data
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case INT:
                return NODES.numberNode((Integer) v);
            case LONG:
                return number((Long) v);
            case DOUBLE:
            case FLOAT:
                return number(((Number) v).doubleValue());
            case BOOLEAN:
                return NODES.booleanNode((Boolean) v);
            case ENUM:
                return NODES.textNode(v.toString());
            default:
                return NODES.textNode((String) v);
        }
    }

    /** Integral values as the JSON parser would read them back (int when it fits), so trees compare equal. */
    private static JsonNode number(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    private static JsonNode number(double v) {
        // Go's encoding/json writes a whole float64 without a fraction: 10, not 10.0
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return number((long) v);
        }
        return NODES.numberNode(v);
    }

    /** Messages whose JSON is not a plain object. */
    private JsonNode special(Message m, int nesting) {
        Descriptor d = m.getDescriptorForType();
        switch (d.getFullName()) {
            case TIME: {
                // Go marshals the zero time as an empty message, so an absent seconds is "unset"
                FieldDescriptor seconds = d.findFieldByName("seconds");
                return m.hasField(seconds)
                        ? NODES.textNode(RFC3339.format(Instant.ofEpochSecond((Long) m.getField(seconds)))) : null;
            }
            case MICRO_TIME: {
                FieldDescriptor seconds = d.findFieldByName("seconds");
                FieldDescriptor nanos = d.findFieldByName("nanos");
                if (!m.hasField(seconds) && !m.hasField(nanos)) {
                    return null;
                }
                Instant t = Instant.ofEpochSecond((Long) m.getField(seconds), (Integer) m.getField(nanos));
                return NODES.textNode(RFC3339_MICRO.format(t));
            }
            case INT_OR_STRING:
                return (Long) field(m, "type") == 1 ? NODES.textNode((String) field(m, "strVal"))
                        : NODES.numberNode((Integer) field(m, "intVal"));
            case QUANTITY:
                return NODES.textNode((String) field(m, "string"));
            case VERBS:
                return strings(m, "items");
            case FIELDS_V1:
                return embeddedJson((ByteString) field(m, "Raw"));
            case RAW_EXTENSION:
                return embedded((ByteString) field(m, "raw"), nesting);
            default:
                break;
        }
        String simple = d.getName();
        if (simple.equals("ExtraValue")) {
            return strings(m, "items");
        }
        if (d.getFile().getPackage().startsWith("k8s.io.apiextensions_apiserver.")) {
            switch (simple) {
                case "JSON":
                    return embeddedJson((ByteString) field(m, "raw"));
                case "JSONSchemaPropsOrBool":
                    return m.hasField(d.findFieldByName("schema")) ? object((Message) field(m, "schema"), nesting)
                            : NODES.booleanNode((Boolean) field(m, "allows"));
                case "JSONSchemaPropsOrArray":
                    return m.getRepeatedFieldCount(d.findFieldByName("jSONSchemas")) > 0
                            ? array(m, "jSONSchemas", nesting)
                            : m.hasField(d.findFieldByName("schema")) ? object((Message) field(m, "schema"), nesting) : null;
                case "JSONSchemaPropsOrStringArray":
                    return m.getRepeatedFieldCount(d.findFieldByName("property")) > 0 ? strings(m, "property")
                            : m.hasField(d.findFieldByName("schema")) ? object((Message) field(m, "schema"), nesting) : null;
                default:
                    break;
            }
        }
        return object(m, nesting);
    }

    private static Object field(Message m, String name) {
        return m.getField(m.getDescriptorForType().findFieldByName(name));
    }

    private static ArrayNode strings(Message m, String name) {
        ArrayNode out = NODES.arrayNode();
        for (Object s : (List<?>) field(m, name)) {
            out.add((String) s);
        }
        return out;
    }

    private ArrayNode array(Message m, String name, int nesting) {
        ArrayNode out = NODES.arrayNode();
        for (Object s : (List<?>) field(m, name)) {
            out.add(object((Message) s, nesting));
        }
        return out;
    }

    /** A RawExtension: kube nests objects in protobuf bodies as protobuf, elsewhere as JSON. */
    private JsonNode embedded(ByteString raw, int nesting) {
        if (raw.isEmpty()) {
            return null;
        }
        byte[] bytes = raw.toByteArray();
        if (KubeProtobuf.isProtobuf(bytes)) {
            return codec.decode(bytes, nesting + 1);
        }
        return embeddedJson(raw);
    }

    private static JsonNode embeddedJson(ByteString raw) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.readTree(raw.toByteArray());
        } catch (IOException e) {
            throw StatusException.badRequest("an embedded object is neither protobuf nor JSON: " + e.getMessage());
        }
    }
}
