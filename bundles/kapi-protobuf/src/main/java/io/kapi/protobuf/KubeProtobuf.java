package io.kapi.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kapi.api.rest.StatusException;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes and encodes kube protobuf bodies for every kind client-java-proto has a message for. The
 * registry of kinds is derived from the generated files' descriptors (proto package
 * {@code k8s.io.api.<group>.<version>}), not listed by hand. Immutable and thread-safe.
 */
public final class KubeProtobuf {
    /** The 4 bytes in front of every kube protobuf body. */
    static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** Proto package group names whose API group differs from the name. */
    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("core", ""), Map.entry("rbac", "rbac.authorization.k8s.io"),
            Map.entry("apps", "apps"), Map.entry("batch", "batch"), Map.entry("autoscaling", "autoscaling"),
            Map.entry("policy", "policy"), Map.entry("extensions", "extensions"));

    private final Map<String, Descriptor> kinds = new HashMap<>();

    public KubeProtobuf() {
        for (FileDescriptor file : files()) {
            String pkg = file.getPackage();
            String apiVersion = apiVersionOf(pkg);
            if (apiVersion == null) {
                continue;
            }
            for (Descriptor d : file.getMessageTypes()) {
                kinds.putIfAbsent(apiVersion + "/" + d.getName(), d);
            }
        }
        // meta.k8s.io kinds travel as v1 in responses (Status) and in any group (DeleteOptions)
        for (Descriptor d : io.kubernetes.client.proto.Meta.getDescriptor().getMessageTypes()) {
            kinds.putIfAbsent("v1/" + d.getName(), d);
            kinds.putIfAbsent("meta.k8s.io/v1/" + d.getName(), d);
        }
    }

    private static List<FileDescriptor> files() {
        return List.of(io.kubernetes.client.proto.V1.getDescriptor(), io.kubernetes.client.proto.V1Apps.getDescriptor(),
                io.kubernetes.client.proto.V1Authorization.getDescriptor(), io.kubernetes.client.proto.V1Authentication.getDescriptor(),
                io.kubernetes.client.proto.V1Rbac.getDescriptor(), io.kubernetes.client.proto.V1Batch.getDescriptor(),
                io.kubernetes.client.proto.V1Networking.getDescriptor(), io.kubernetes.client.proto.V1Policy.getDescriptor(),
                io.kubernetes.client.proto.V1Storage.getDescriptor(), io.kubernetes.client.proto.V1Scheduling.getDescriptor(),
                io.kubernetes.client.proto.V1Certificates.getDescriptor(), io.kubernetes.client.proto.V1Autoscaling.getDescriptor(),
                io.kubernetes.client.proto.V1Admissionregistration.getDescriptor(),
                io.kubernetes.client.proto.V1Apiextensions.getDescriptor());
    }

    /** {@code k8s.io.api.core.v1} → {@code v1}; {@code k8s.io.api.authorization.v1} → {@code authorization.k8s.io/v1}. */
    static String apiVersionOf(String protoPackage) {
        String[] p = protoPackage.split("\\.");
        if (p.length == 5 && p[0].equals("k8s") && p[1].equals("io") && p[2].equals("api")) {
            String group = GROUPS.getOrDefault(p[3], p[3] + ".k8s.io");
            return group.isEmpty() ? p[4] : group + "/" + p[4];
        }
        if (protoPackage.equals("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1")) {
            return "apiextensions.k8s.io/v1";
        }
        return null;
    }

    /** Whether a message exists for the kind, so a response can be protobuf. */
    public boolean canEncode(String apiVersion, String kind) {
        return kinds.containsKey(apiVersion + "/" + kind);
    }

    // ---- decoding

    public ObjectNode decode(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw StatusException.badRequest("the body of the request is not in kube's protobuf format: missing the k8s\\x00 prefix");
        }
        Runtime.Unknown envelope;
        try {
            envelope = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
        } catch (InvalidProtocolBufferException e) {
            throw StatusException.badRequest("the body of the request could not be decoded: " + e.getMessage());
        }
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        Descriptor d = kinds.get(apiVersion + "/" + kind);
        if (d == null) {
            throw StatusException.unsupportedMediaType("no protobuf message is known for " + apiVersion + ", Kind=" + kind
                    + "; send application/json or application/yaml");
        }
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(d, envelope.getRaw());
        } catch (InvalidProtocolBufferException e) {
            throw StatusException.badRequest("the " + kind + " in the body could not be decoded: " + e.getMessage());
        }
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        out.setAll(toJson(message));
        return out;
    }

    private ObjectNode toJson(Message message) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            JsonNode value;
            if (f.isMapField()) {
                ObjectNode map = NODES.objectNode();
                for (Object entry : (List<?>) e.getValue()) {
                    Message m = (Message) entry;
                    FieldDescriptor kf = m.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor vf = m.getDescriptorForType().findFieldByName("value");
                    map.set(String.valueOf(m.getField(kf)), scalar(vf, m.getField(vf)));
                }
                value = map;
            } else if (f.isRepeated()) {
                ArrayNode arr = NODES.arrayNode();
                for (Object item : (List<?>) e.getValue()) {
                    arr.add(scalar(f, item));
                }
                value = arr;
            } else {
                value = scalar(f, e.getValue());
            }
            // Go encodes its zero values ("" and the zero time) that JSON omits: drop them, as omitempty would
            if (value != null && !value.isNull() && !(value.isTextual() && value.asText().isEmpty())) {
                out.set(f.getName(), value);
            }
        }
        return out;
    }

    private JsonNode scalar(FieldDescriptor f, Object v) {
        switch (f.getJavaType()) {
            case MESSAGE:
                return special((Message) v);
            case BYTE_STRING:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case INT:
                return NODES.numberNode((Integer) v);
            case LONG:
                return NODES.numberNode((Long) v);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) v);
            case DOUBLE:
                return NODES.numberNode((Double) v);
            case FLOAT:
                return NODES.numberNode((Float) v);
            default:
                return NODES.textNode(String.valueOf(v));
        }
    }

    /** The messages whose JSON is not an object: times, int-or-string, quantities, raw extensions. */
    private JsonNode special(Message m) {
        String name = m.getDescriptorForType().getFullName();
        switch (name) {
            case META + "Time": {
                long seconds = (Long) field(m, "seconds");
                if (seconds == 0) {
                    return NODES.nullNode();
                }
                return NODES.textNode(SECONDS.format(Instant.ofEpochSecond(seconds)));
            }
            case META + "MicroTime": {
                long seconds = (Long) field(m, "seconds");
                int nanos = (Integer) field(m, "nanos");
                if (seconds == 0 && nanos == 0) {
                    return NODES.nullNode();
                }
                return NODES.textNode(MICRO.format(Instant.ofEpochSecond(seconds, nanos)));
            }
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString": {
                long type = (Long) field(m, "type");
                return type == 1 ? NODES.textNode((String) field(m, "strVal")) : NODES.numberNode((Integer) field(m, "intVal"));
            }
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return NODES.textNode((String) field(m, "string"));
            case "k8s.io.apimachinery.pkg.runtime.RawExtension": {
                ByteString raw = (ByteString) field(m, "raw");
                try {
                    return raw.isEmpty() ? NODES.nullNode() : MAPPER.readTree(raw.toByteArray());
                } catch (IOException e) {
                    throw StatusException.badRequest("an embedded object is not JSON: " + e.getMessage());
                }
            }
            default:
                return toJson(m);
        }
    }

    private static Object field(Message m, String name) {
        return m.getField(m.getDescriptorForType().findFieldByName(name));
    }

    // ---- encoding

    public byte[] encode(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Descriptor d = kinds.get(apiVersion + "/" + kind);
        if (d == null) {
            throw StatusException.notAcceptable("no protobuf message is known for " + apiVersion + ", Kind=" + kind);
        }
        Message message = fromJson(d, object);
        Runtime.Unknown envelope = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(message.toByteString()).setContentEncoding("").setContentType("").build();
        byte[] inner = envelope.toByteArray();
        byte[] out = new byte[MAGIC.length + inner.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(inner, 0, out, MAGIC.length, inner.length);
        return out;
    }

    private Message fromJson(Descriptor d, JsonNode json) {
        String name = d.getFullName();
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
        switch (name) {
            case META + "Time", META + "MicroTime" -> {
                if (json.isNull() || json.asText().isEmpty()) {
                    return b.build();
                }
                Instant t = Instant.parse(json.asText());
                b.setField(d.findFieldByName("seconds"), t.getEpochSecond());
                if (name.endsWith("MicroTime")) {
                    b.setField(d.findFieldByName("nanos"), (int) (t.truncatedTo(ChronoUnit.MICROS).getNano()));
                }
                return b.build();
            }
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
                if (json.isNumber()) {
                    b.setField(d.findFieldByName("type"), 0L);
                    b.setField(d.findFieldByName("intVal"), json.asInt());
                } else {
                    b.setField(d.findFieldByName("type"), 1L);
                    b.setField(d.findFieldByName("strVal"), json.asText());
                }
                return b.build();
            }
            case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
                b.setField(d.findFieldByName("string"), json.asText());
                return b.build();
            }
            case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> {
                try {
                    b.setField(d.findFieldByName("raw"), ByteString.copyFrom(MAPPER.writeValueAsBytes(json)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return b.build();
            }
            default -> {
            }
        }
        if (!json.isObject()) {
            return b.build();
        }
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldDescriptor f = d.findFieldByName(e.getKey());
            JsonNode v = e.getValue();
            if (f == null || v == null || v.isNull()) {
                continue;
            }
            if (f.isMapField()) {
                Descriptor entry = f.getMessageType();
                FieldDescriptor kf = entry.findFieldByName("key");
                FieldDescriptor vf = entry.findFieldByName("value");
                v.fields().forEachRemaining(kv -> b.addRepeatedField(f, DynamicMessage.newBuilder(entry)
                        .setField(kf, kv.getKey()).setField(vf, value(vf, kv.getValue())).build()));
            } else if (f.isRepeated()) {
                for (JsonNode item : v) {
                    b.addRepeatedField(f, value(f, item));
                }
            } else {
                b.setField(f, value(f, v));
            }
        }
        return b.build();
    }

    private Object value(FieldDescriptor f, JsonNode v) {
        return switch (f.getJavaType()) {
            case MESSAGE -> fromJson(f.getMessageType(), v);
            case BYTE_STRING -> ByteString.copyFrom(v.isTextual() ? Base64.getDecoder().decode(v.asText()) : new byte[0]);
            case INT -> v.asInt();
            case LONG -> v.asLong();
            case BOOLEAN -> v.asBoolean();
            case DOUBLE -> v.asDouble();
            case FLOAT -> (float) v.asDouble();
            case ENUM -> f.getEnumType().findValueByName(v.asText());
            default -> v.asText();
        };
    }
}
