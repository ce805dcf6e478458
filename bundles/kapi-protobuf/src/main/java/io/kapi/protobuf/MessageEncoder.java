package io.kapi.protobuf;

import static io.kapi.protobuf.JsonFields.isInline;
import static io.kapi.protobuf.JsonFields.jsonName;
import static io.kapi.protobuf.SpecialTypes.FIELDS_V1;
import static io.kapi.protobuf.SpecialTypes.INT_OR_STRING;
import static io.kapi.protobuf.SpecialTypes.MICRO_TIME;
import static io.kapi.protobuf.SpecialTypes.QUANTITY;
import static io.kapi.protobuf.SpecialTypes.RAW_EXTENSION;
import static io.kapi.protobuf.SpecialTypes.TIME;
import static io.kapi.protobuf.SpecialTypes.VERBS;
import static io.kapi.protobuf.SpecialTypes.isSpecial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's JSON of an object as a protobuf message of the given type, walked through its descriptor: fields found
 * by JSON name (inline messages' fields among the enclosing object's), unknown fields and nulls skipped, special
 * messages ({@link SpecialTypes}) read from their JSON.
 *
 * <p>Safe to share between threads; it keeps each message type's fields by JSON name once computed.
 */
final class MessageEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A JSON object as the message {@code d}; unknown fields and nulls are skipped. */
    Message message(Descriptor d, JsonNode json) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        if (!json.isObject()) {
            throw StatusException.internal("expected a JSON object for " + d.getName() + ", found " + json.getNodeType());
        }
        FieldIndex index = fieldIndex(d);
        for (FieldDescriptor f : index.inline()) {
            // the embedded struct's fields are this object's; Go marshals the non-pointer embedded
            // message even when empty
            b.setField(f, message(f.getMessageType(), json));
        }
        Map<String, FieldDescriptor> byJsonName = index.byJsonName();
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            FieldDescriptor f = byJsonName.get(e.getKey());
            JsonNode v = e.getValue();
            if (f == null || v == null || v.isNull()) {
                continue;
            }
            if (f.isMapField()) {
                Descriptor entry = f.getMessageType();
                FieldDescriptor kf = entry.findFieldByNumber(1);
                FieldDescriptor vf = entry.findFieldByNumber(2);
                for (Map.Entry<String, JsonNode> x : v.properties()) {
                    // encoding/json stores a null map element as the value type's zero (the entry is
                    // kept: {"k": null} in a map[string]metav1.Time is k -> zero time), which gogo
                    // writes as an empty message / zero scalar
                    JsonNode xv = x.getValue();
                    Object value = xv.isNull() ? zero(vf) : protoValue(vf, xv);
                    b.addRepeatedField(f, DynamicMessage.newBuilder(entry).setField(kf, x.getKey())
                            .setField(vf, value == null ? zero(vf) : value).build());
                }
            } else if (f.isRepeated()) {
                for (JsonNode item : v) {
                    Object value = item.isNull() ? null : protoValue(f, item);
                    if (value != null) {
                        b.addRepeatedField(f, value);
                    }
                }
            } else {
                Object value = protoValue(f, v);
                if (value != null) {
                    b.setField(f, value);
                }
            }
        }
        return b.build();
    }

    /** A message's embedded (inline) fields and its other fields by JSON name. */
    private record FieldIndex(List<FieldDescriptor> inline, Map<String, FieldDescriptor> byJsonName) {
    }

    /** Computed once per message type: encoding a list would otherwise index every item's messages again. */
    private final Map<Descriptor, FieldIndex> fieldIndexes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The field of {@code d} whose JSON name is {@code name}, also among its inline messages' fields; null when none. */
    FieldDescriptor fieldByJsonName(Descriptor d, String name) {
        FieldIndex index = fieldIndex(d);
        FieldDescriptor f = index.byJsonName().get(name);
        for (int i = 0; f == null && i < index.inline().size(); i++) {
            f = fieldByJsonName(index.inline().get(i).getMessageType(), name);
        }
        return f;
    }

    private FieldIndex fieldIndex(Descriptor d) {
        return fieldIndexes.computeIfAbsent(d, k -> {
            List<FieldDescriptor> inline = new java.util.ArrayList<>();
            Map<String, FieldDescriptor> byJsonName = new HashMap<>();
            for (FieldDescriptor f : k.getFields()) {
                if (isInline(f)) {
                    inline.add(f);
                } else {
                    byJsonName.put(jsonName(f), f);
                }
            }
            return new FieldIndex(List.copyOf(inline), Map.copyOf(byJsonName));
        });
    }

    private static Object zero(FieldDescriptor f) {
        return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                ? DynamicMessage.getDefaultInstance(f.getMessageType()) : f.getDefaultValue();
    }

    Object protoValue(FieldDescriptor f, JsonNode v) {
        switch (f.getJavaType()) {
            case MESSAGE:
                return specialMessage(f.getMessageType(), v);
            case BYTE_STRING:
                if (v instanceof POJONode left && left.getPojo() instanceof ByteString placeholder) {
                    return placeholder; // a base64 string left in the JSON it was read from (Base64Spans)
                }
                try {
                    return UnsafeByteOperations.unsafeWrap(Base64.getDecoder().decode(v.asText())); // the decoded array is this value's alone: no second copy
                } catch (IllegalArgumentException e) {
                    throw StatusException.internal(f.getName() + " is not base64: " + e.getMessage());
                }
            case INT:
                return (int) integral(f, v);
            case LONG:
                return integral(f, v);
            case DOUBLE:
                return v.asDouble();
            case FLOAT:
                return (float) v.asDouble();
            case BOOLEAN:
                return v.asBoolean();
            case ENUM:
                return f.getEnumType().findValueByName(v.asText());
            default:
                return v.isValueNode() ? v.asText() : v.toString();
        }
    }

    private static long integral(FieldDescriptor f, JsonNode v) {
        if (v.isNumber()) {
            return v.asLong();
        }
        try {
            return Long.parseLong(v.asText());
        } catch (NumberFormatException e) {
            throw StatusException.internal(f.getName() + " is not an integer: " + v);
        }
    }

    /** The reverse of {@link MessageDecoder#special}; null when the JSON value stands for Go's zero. */
    private Message specialMessage(Descriptor d, JsonNode v) {
        if (!isSpecial(d)) {
            return message(d, v);
        }
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        switch (d.getFullName()) {
            case TIME:
            case MICRO_TIME: {
                if (v.asText().isEmpty()) {
                    return null;
                }
                Instant t = parseTime(v.asText());
                b.setField(d.findFieldByName("seconds"), t.getEpochSecond());
                // metav1.Time keeps whole seconds only; MicroTime keeps microseconds (Go writes nanos either way)
                b.setField(d.findFieldByName("nanos"),
                        d.getFullName().equals(TIME) ? 0 : t.truncatedTo(ChronoUnit.MICROS).getNano());
                return b.build();
            }
            case INT_OR_STRING:
                // Go writes all three fields; type 0 is an int, 1 a string
                if (v.isNumber()) {
                    return b.setField(d.findFieldByName("type"), 0L).setField(d.findFieldByName("intVal"), v.asInt())
                            .setField(d.findFieldByName("strVal"), "").build();
                }
                return b.setField(d.findFieldByName("type"), 1L).setField(d.findFieldByName("intVal"), 0)
                        .setField(d.findFieldByName("strVal"), v.asText()).build();
            case QUANTITY:
                return b.setField(d.findFieldByName("string"), v.asText()).build();
            case VERBS:
                return withStrings(b, d.findFieldByName("items"), v);
            case FIELDS_V1:
                return b.setField(d.findFieldByName("Raw"), json(v)).build();
            case RAW_EXTENSION:
                return b.setField(d.findFieldByName("raw"), json(v)).build();
            default:
                break;
        }
        if (d.getName().equals("ExtraValue")) {
            return withStrings(b, d.findFieldByName("items"), v);
        }
        if (d.getFile().getPackage().startsWith("k8s.io.apiextensions_apiserver.")) {
            switch (d.getName()) {
                case "JSON":
                    return b.setField(d.findFieldByName("raw"), json(v)).build();
                case "JSONSchemaPropsOrBool": {
                    // Go: a bool sets Allows; a schema sets Schema and Allows=true
                    if (v.isBoolean()) {
                        return b.setField(d.findFieldByName("allows"), v.booleanValue()).build();
                    }
                    FieldDescriptor schema = d.findFieldByName("schema");
                    return b.setField(d.findFieldByName("allows"), true)
                            .setField(schema, message(schema.getMessageType(), v)).build();
                }
                case "JSONSchemaPropsOrArray": {
                    FieldDescriptor schema = d.findFieldByName("schema");
                    if (v.isArray()) {
                        FieldDescriptor many = d.findFieldByName("jSONSchemas");
                        for (JsonNode item : v) {
                            b.addRepeatedField(many, message(many.getMessageType(), item));
                        }
                        return b.build();
                    }
                    return b.setField(schema, message(schema.getMessageType(), v)).build();
                }
                case "JSONSchemaPropsOrStringArray": {
                    FieldDescriptor schema = d.findFieldByName("schema");
                    if (v.isArray()) {
                        return withStrings(b, d.findFieldByName("property"), v);
                    }
                    return b.setField(schema, message(schema.getMessageType(), v)).build();
                }
                default:
                    break;
            }
        }
        throw new IllegalStateException(d.getFullName() + " is special but has no conversion");
    }

    private static Message withStrings(DynamicMessage.Builder b, FieldDescriptor f, JsonNode v) {
        for (JsonNode s : v) {
            b.addRepeatedField(f, s.asText());
        }
        return b.build();
    }

    private static ByteString json(JsonNode v) {
        try {
            return ByteString.copyFrom(MAPPER.writeValueAsBytes(v));
        } catch (IOException e) {
            throw StatusException.internal("cannot write JSON: " + e.getMessage());
        }
    }

    private static Instant parseTime(String s) {
        Instant utc = UtcSeconds.parse(s);
        if (utc != null) {
            return utc;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw StatusException.internal("\"" + s + "\" is not an RFC 3339 time");
        }
    }
}
