package io.kapi.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.kapi.api.rest.StatusException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * kube's protobuf wire format ({@code application/vnd.kubernetes.protobuf}) to and from kube's JSON
 * form as a Jackson {@link ObjectNode}.
 *
 * <p>A body is the magic {@code k8s\0} followed by a {@code runtime.Unknown} whose {@code typeMeta}
 * names the kind and whose {@code raw} is the object's message (apimachinery
 * {@code pkg/runtime/serializer/protobuf}). The messages are those generated in
 * {@code io.kubernetes:client-java-proto}, plus kube's own for the four groups that artifact lacks
 * ({@link KubeGroupFiles}); they are walked through their descriptors, so every kind of every group
 * is handled without per-kind code. The proto field names are
 * kube's JSON names but for those listed in {@code json-names.txt} (renamed, or Go embedded structs
 * that JSON inlines); the few messages whose JSON is not an object (times, int-or-string,
 * quantities, embedded objects, apiextensions' schema unions) are converted specially.
 *
 * <p>Decoding gives the natural JSON of the object, unset fields left out. proto2 keeps presence,
 * but kube's Go marshaller writes every non-pointer field, zero or not, so presence alone does not
 * say what JSON would omit. The rules: an absent field, an empty repeated or map field, an empty
 * {@code Time} (Go's zero time) and a singular empty string (Go's {@code omitempty} zero) are
 * left out; numbers and booleans are kept even when zero, because for pointer fields
 * ({@code replicas}, {@code gracePeriodSeconds}, {@code automountServiceAccountToken}) zero
 * means something, except for the non-pointer {@code omitempty} fields of kube's types, listed in
 * {@code omit-zero.txt} (derived from k8s.io/api). Embedded messages
 * are kept even when empty ({@code "spec":{}}), as Go's JSON writes non-pointer structs. Strings
 * inside maps and lists are kept as they are.
 *
 * <p>Immutable after construction and safe to share between threads.
 */
public final class KubeProtobuf {
    /** The media type kube serves and accepts this format under. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    static final byte[] MAGIC = {'k', '8', 's', 0};
    /** Deepest chain of protobuf objects embedded in one another that decode accepts. */
    private static final int MAX_NESTING = 16;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String VERBS = META + "Verbs";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The generated files of client-java-proto that hold API groups. The jar has no index of its
     * files, and scanning a bundle's entries would tie this class to the OSGi framework, so the
     * outer classes are named here; everything else (group, version, kinds) comes from their
     * descriptors.
     */
    private static final List<FileDescriptor> CLIENT_JAVA_PROTO_GROUP_FILES = List.of(
            io.kubernetes.client.proto.V1.getDescriptor(),
            io.kubernetes.client.proto.V1Admission.getDescriptor(),
            io.kubernetes.client.proto.V1Admissionregistration.getDescriptor(),
            io.kubernetes.client.proto.V1Apiextensions.getDescriptor(),
            io.kubernetes.client.proto.V1Apps.getDescriptor(),
            io.kubernetes.client.proto.V1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1Authorization.getDescriptor(),
            io.kubernetes.client.proto.V1Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V1Batch.getDescriptor(),
            io.kubernetes.client.proto.V1Certificates.getDescriptor(),
            io.kubernetes.client.proto.V1Networking.getDescriptor(),
            io.kubernetes.client.proto.V1Policy.getDescriptor(),
            io.kubernetes.client.proto.V1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1Scheduling.getDescriptor(),
            io.kubernetes.client.proto.V1Storage.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Imagepolicy.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Scheduling.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Admission.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Admissionregistration.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Apiextensions.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Apps.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Authorization.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Batch.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Certificates.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Extensions.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Policy.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Storage.getDescriptor(),
            io.kubernetes.client.proto.V1beta2Apps.getDescriptor(),
            io.kubernetes.client.proto.V2Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V2beta1Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V2beta2Autoscaling.getDescriptor());

    /** client-java-proto's apimachinery files, which the group files import. */
    private static final List<FileDescriptor> MACHINERY_FILES = List.of(
            Meta.getDescriptor(), Runtime.getDescriptor(), io.kubernetes.client.proto.RuntimeSchema.getDescriptor(),
            io.kubernetes.client.proto.Resource.getDescriptor(), io.kubernetes.client.proto.IntStr.getDescriptor());

    /**
     * Every group's file: client-java-proto's, then those it lacks (coordination.k8s.io/v1,
     * discovery.k8s.io/v1, events.k8s.io/v1, node.k8s.io/v1), built from kube's own .proto files by
     * {@link KubeGroupFiles} and linked to client-java-proto's messages for the types they import.
     */
    private static final List<FileDescriptor> GROUP_FILES = groupFiles();

    private static List<FileDescriptor> groupFiles() {
        List<FileDescriptor> provided = new java.util.ArrayList<>(CLIENT_JAVA_PROTO_GROUP_FILES);
        provided.addAll(MACHINERY_FILES);
        List<FileDescriptor> all = new java.util.ArrayList<>(CLIENT_JAVA_PROTO_GROUP_FILES);
        all.addAll(KubeGroupFiles.load(provided));
        return List.copyOf(all);
    }

    /**
     * Proto package segments whose API group is not {@code <segment>.k8s.io}: the legacy groups
     * kube named without a suffix, the core group, and groups with a longer name. Proto files do
     * not carry the group name (it lives in Go's {@code +groupName} tag), so this cannot be derived.
     */
    private static final Map<String, String> GROUP_EXCEPTIONS = Map.of(
            "core", "", "apps", "apps", "batch", "batch", "autoscaling", "autoscaling", "policy", "policy",
            "extensions", "extensions", "rbac", "rbac.authorization.k8s.io",
            "flowcontrol", "flowcontrol.apiserver.k8s.io", "apiserverinternal", "internal.apiserver.k8s.io");

    /** metav1's {@code AddUnversionedTypes(Unversioned, ...)}: these always travel as {@code v1}. */
    private static final Set<String> UNVERSIONED_KINDS =
            Set.of("Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList");
    /** metav1's {@code AddToGroupVersion}: registered in every group version kube serves. */
    private static final Set<String> EVERY_GROUP_KINDS = Set.of(
            "WatchEvent", "ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions");
    /** metav1's own {@code meta.k8s.io/v1} kinds that have a message (Table has none, as in kube). */
    private static final Set<String> META_GROUP_KINDS =
            Set.of("PartialObjectMetadata", "PartialObjectMetadataList", "TableOptions");

    /**
     * Go struct fields that are not pointers, carry {@code omitempty} and whose zero kube's
     * protobuf marshaller writes anyway. The wire cannot tell them from pointer fields set to zero
     * (which must be kept: {@code replicas: 0}, {@code gracePeriodSeconds: 0}), so only these,
     * present in nearly every request, are dropped at zero to give the JSON kubectl would send.
     */
    private static final Map<String, Set<String>> OMIT_ZERO = omitZero();

    /**
     * {@code <message>.<proto field>} to JSON name, for the fields of kube's types whose
     * {@code protobuf:"name=..."} tag is not their {@code json:"..."} name ({@code uID}/{@code uid},
     * {@code aPIGroup}/{@code apiGroup}), and {@link #INLINE} for Go embedded structs tagged
     * {@code json:",inline"}: encoding/json writes their fields in the enclosing object, gogo protobuf
     * keeps them in a nested message ({@code Volume.volumeSource}). From {@code json-names.txt}.
     */
    private static final Map<String, String> JSON_NAMES = jsonNames();
    private static final String INLINE = "-inline";

    private static Map<String, String> jsonNames() {
        Map<String, String> out = new HashMap<>();
        try (java.io.InputStream in = KubeProtobuf.class.getResourceAsStream("json-names.txt")) {
            if (in == null) {
                throw new IllegalStateException("json-names.txt is missing from the bundle");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 3) {
                    out.put(parts[0] + "." + parts[1], parts[2]);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("json-names.txt cannot be read", e);
        }
        return Map.copyOf(out);
    }

    private static boolean isInline(FieldDescriptor f) {
        return INLINE.equals(JSON_NAMES.get(f.getFullName()));
    }

    /** The fields of {@code omit-zero.txt} (k8s.io/api's non-pointer omitempty numbers and booleans) and metav1's. */
    private static Map<String, Set<String>> omitZero() {
        Map<String, Set<String>> out = new HashMap<>();
        out.computeIfAbsent(META + "ObjectMeta", k -> new java.util.HashSet<>()).add("generation");
        try (java.io.InputStream in = KubeProtobuf.class.getResourceAsStream("omit-zero.txt")) {
            if (in == null) {
                throw new IllegalStateException("omit-zero.txt is missing from the bundle");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2) {
                    out.computeIfAbsent(parts[0], k -> new java.util.HashSet<>()).add(parts[1]);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("omit-zero.txt cannot be read", e);
        }
        out.replaceAll((k, v) -> Set.copyOf(v));
        return Map.copyOf(out);
    }

    /*
     * runtime.Unknown is used through its descriptor, like every other message: client-java-proto's
     * generated classes are pre-protobuf-22 gencode, which protobuf-java 4.x flags as vulnerable to
     * a denial of service when it parses (GHSA-h4h5-3hr4-j3g2) and can be told to refuse. Only the
     * outer class's descriptors are touched, never a generated message class.
     */
    static final Descriptor UNKNOWN = Runtime.getDescriptor().findMessageTypeByName("Unknown");
    static final FieldDescriptor UNKNOWN_TYPE_META = UNKNOWN.findFieldByName("typeMeta");
    static final FieldDescriptor UNKNOWN_RAW = UNKNOWN.findFieldByName("raw");
    static final Descriptor TYPE_META = UNKNOWN_TYPE_META.getMessageType();
    static final FieldDescriptor TYPE_META_API_VERSION = TYPE_META.findFieldByName("apiVersion");
    static final FieldDescriptor TYPE_META_KIND = TYPE_META.findFieldByName("kind");

    /** {@code apiVersion/kind} to message, for the kinds of the API groups. */
    private final Map<String, Descriptor> kinds;
    /** metav1 messages by kind, for the kinds kube registers outside any one group. */
    private final Map<String, Descriptor> metaKinds;

    public KubeProtobuf() {
        Map<String, Descriptor> byKind = new HashMap<>();
        for (FileDescriptor file : GROUP_FILES) {
            String apiVersion = apiVersionOf(file.getPackage());
            for (Descriptor d : file.getMessageTypes()) {
                byKind.putIfAbsent(apiVersion + "/" + d.getName(), d);
            }
        }
        Map<String, Descriptor> meta = new HashMap<>();
        for (Descriptor d : Meta.getDescriptor().getMessageTypes()) {
            meta.put(d.getName(), d);
        }
        this.kinds = Map.copyOf(byKind);
        this.metaKinds = Map.copyOf(meta);
    }

    /**
     * {@code k8s.io.api.core.v1} → {@code v1}; {@code k8s.io.api.authorization.v1} →
     * {@code authorization.k8s.io/v1}; {@code k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1}
     * → {@code apiextensions.k8s.io/v1}: the group is the segment before the version.
     */
    static String apiVersionOf(String protoPackage) {
        String[] p = protoPackage.split("\\.");
        String version = p[p.length - 1];
        String segment = p[p.length - 2];
        String group = GROUP_EXCEPTIONS.getOrDefault(segment, segment + ".k8s.io");
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** Whether the body starts with kube's protobuf magic. */
    public static boolean isProtobuf(byte[] body) {
        return body != null && body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Whether a message exists for the kind, so that an object of it can be encoded (and decoded).
     * When it is false the server should answer JSON, or 406 if the client accepts only protobuf,
     * as kube does for {@code Table} and for custom resources.
     */
    public boolean canEncode(String apiVersion, String kind) {
        return apiVersion != null && kind != null && descriptor(apiVersion, kind) != null;
    }

    Descriptor descriptor(String apiVersion, String kind) {
        Descriptor d = kinds.get(apiVersion + "/" + kind);
        if (d != null) {
            return d;
        }
        if (apiVersion.equals("v1") && UNVERSIONED_KINDS.contains(kind)
                || apiVersion.equals("meta.k8s.io/v1") && META_GROUP_KINDS.contains(kind)
                || !apiVersion.isEmpty() && EVERY_GROUP_KINDS.contains(kind)) {
            return metaKinds.get(kind);
        }
        return null;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes a request body into the object's JSON form, {@code apiVersion} and {@code kind}
     * taken from the envelope.
     *
     * @throws StatusException 400 when the body is not kube protobuf, names no kind or a kind
     *     without a message, or does not parse, with kube's messages for those cases
     */
    public ObjectNode decode(byte[] body) {
        return decode(body, 0);
    }

    private ObjectNode decode(byte[] body, int nesting) {
        // objects embedded as protobuf (RawExtension) are decoded eagerly, unlike Go's lazy Raw,
        // so their nesting is bounded to keep a crafted body from exhausting the stack
        if (nesting > MAX_NESTING) {
            throw StatusException.badRequest("objects are nested more than " + MAX_NESTING + " deep");
        }
        if (body == null || body.length == 0) {
            throw StatusException.badRequest("empty data");
        }
        if (!isProtobuf(body)) {
            throw StatusException.badRequest(
                    "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }
        if (body.length == MAGIC.length) {
            throw StatusException.badRequest("empty body");
        }
        DynamicMessage envelope;
        try {
            envelope = DynamicMessage.parseFrom(UNKNOWN,
                    CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length));
        } catch (IOException e) {
            throw StatusException.badRequest("the object provided is unrecognized: " + e.getMessage());
        }
        Message typeMeta = (Message) envelope.getField(UNKNOWN_TYPE_META);
        String apiVersion = (String) typeMeta.getField(TYPE_META_API_VERSION);
        String kind = (String) typeMeta.getField(TYPE_META_KIND);
        String typeMetaText = "runtime.TypeMeta{APIVersion:\"" + apiVersion + "\", Kind:\"" + kind + "\"}";
        if (kind.isEmpty()) {
            throw StatusException.badRequest("Object 'Kind' is missing in '" + typeMetaText + "'");
        }
        if (apiVersion.isEmpty()) {
            throw StatusException.badRequest("Object 'apiVersion' is missing in '" + typeMetaText + "'");
        }
        Descriptor d = descriptor(apiVersion, kind);
        if (d == null) {
            throw StatusException.badRequest(
                    "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\"");
        }
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(d, (ByteString) envelope.getField(UNKNOWN_RAW));
        } catch (InvalidProtocolBufferException e) {
            throw StatusException.badRequest(kind + " in version \"" + apiVersion.substring(apiVersion.indexOf('/') + 1)
                    + "\" cannot be handled as a " + kind + ": " + e.getMessage());
        }
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        out.setAll(object(message, nesting));
        return out;
    }

    /** A message as a JSON object: set fields only, in field-number order. */
    private ObjectNode object(Message message, int nesting) {
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
        if (isProtobuf(bytes)) {
            return decode(bytes, nesting + 1);
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

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes an object (for a response) as kube does: magic, then a {@code runtime.Unknown} with
     * the object's {@code apiVersion}/{@code kind} and its message. Fields the message does not
     * have are left out, as are nulls.
     *
     * @throws StatusException 406 when no message exists for the kind (see {@link #canEncode})
     */
    public byte[] encode(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        Descriptor d = encodable(apiVersion, kind);
        DynamicMessage envelope = DynamicMessage.newBuilder(UNKNOWN)
                .setField(UNKNOWN_TYPE_META, DynamicMessage.newBuilder(TYPE_META)
                        .setField(TYPE_META_API_VERSION, apiVersion).setField(TYPE_META_KIND, kind).build())
                .setField(UNKNOWN_RAW, message(d, object).toByteString())
                // Go always writes these two, empty; kept so that bytes match kube's
                .setField(UNKNOWN.findFieldByName("contentEncoding"), "")
                .setField(UNKNOWN.findFieldByName("contentType"), "")
                .build();
        return withMagic(envelope.toByteArray());
    }

    /** The message of the kind, or kube's 406 when there is none. */
    Descriptor encodable(String apiVersion, String kind) {
        Descriptor d = descriptor(apiVersion, kind);
        if (d == null) {
            throw StatusException.notAcceptable("the server cannot encode " + kind + " in version \"" + apiVersion
                    + "\" as " + MEDIA_TYPE + "; accept application/json instead");
        }
        return d;
    }

    /**
     * Writes {@link #encode}'s bytes to {@code out} without building them whole: the object's message is
     * written straight into the envelope (for a large object, no copies of its encoding).
     *
     * @throws StatusException 406 before anything is written when no message exists for the kind
     */
    public void encodeTo(ObjectNode object, OutputStream out) throws IOException {
        new StreamingEncoder(this).object(object, out);
    }

    /**
     * Writes {@link #encode}'s bytes of the object whose compact or indented JSON is {@code json}, after
     * {@code adjust} has seen its tree (it may set fields, but not the object's {@code apiVersion}, {@code kind}
     * or {@code bytes} fields). The base64 strings of the object's {@code bytes} fields are not read into the
     * tree: each is decoded from {@code json} as it is written, a few KiB at a time, so a large Secret is held
     * only as its JSON while it is encoded. The object must name its {@code apiVersion} and {@code kind} before
     * its other members for that; members before them are read as they are for {@link #encodeTo(ObjectNode,
     * OutputStream)}.
     *
     * @throws StatusException 406 before anything is written when no message exists for the kind; 500 when
     *     {@code json} is not a JSON object
     */
    public void encodeTo(byte[] json, Consumer<ObjectNode> adjust, OutputStream out) throws IOException {
        new StreamingEncoder(this).object(json, adjust, out);
    }

    /**
     * Writes {@link #encode}'s bytes of a list to {@code out} item by item, as kube's streaming protobuf list
     * encoder does: the items' sizes are computed first (for the length prefixes), then the list's
     * metadata and each item are encoded and written one after the other. {@code envelope} is the list
     * without its items ({@code apiVersion}, {@code kind}, {@code metadata}); {@code item} is asked for
     * each of the {@code count} items, possibly twice, and must answer the same each time.
     *
     * @throws StatusException 406 before anything is written when no message exists for the list's kind
     */
    public void encodeList(ObjectNode envelope, int count, IntFunction<? extends JsonNode> item, OutputStream out) throws IOException {
        new StreamingEncoder(this).list(envelope, count, item, out);
    }

    /**
     * One event of a protobuf watch ({@code application/vnd.kubernetes.protobuf;stream=watch}) as
     * kube writes it: a 4-byte big-endian length, then a bare {@code WatchEvent} message (kube's
     * raw stream serializer, no magic or envelope) whose object is the object's full encoding.
     */
    public byte[] encodeWatchEvent(String type, ObjectNode object) {
        Descriptor d = metaKinds.get("WatchEvent");
        FieldDescriptor objectField = d.findFieldByName("object");
        Descriptor raw = objectField.getMessageType();
        byte[] event = DynamicMessage.newBuilder(d)
                .setField(d.findFieldByName("type"), type)
                .setField(objectField, DynamicMessage.newBuilder(raw)
                        .setField(raw.findFieldByName("raw"), ByteString.copyFrom(encode(object))).build())
                .build().toByteArray();
        return ByteBuffer.allocate(4 + event.length).putInt(event.length).put(event).array();
    }

    private static byte[] withMagic(byte[] inner) {
        byte[] out = new byte[MAGIC.length + inner.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(inner, 0, out, MAGIC.length, inner.length);
        return out;
    }

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

    /** Messages whose JSON is not an object of their fields ({@link #specialMessage}), by full name. */
    private static final Set<String> SPECIAL = Set.of(TIME, MICRO_TIME, INT_OR_STRING, QUANTITY, VERBS, FIELDS_V1, RAW_EXTENSION);
    /** The same, of apiextensions' messages, by name. */
    private static final Set<String> SPECIAL_APIEXTENSIONS =
            Set.of("JSON", "JSONSchemaPropsOrBool", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrStringArray");

    /** Whether the JSON of {@code d} is converted specially, not read as an object of its fields. */
    static boolean isSpecial(Descriptor d) {
        return SPECIAL.contains(d.getFullName()) || d.getName().equals("ExtraValue")
                || d.getFile().getPackage().startsWith("k8s.io.apiextensions_apiserver.") && SPECIAL_APIEXTENSIONS.contains(d.getName());
    }

    /** The reverse of {@link #special}; null when the JSON value stands for Go's zero. */
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

    // ---------------------------------------------------------------- names

    /**
     * The JSON name of a field. kube's proto field names are its JSON names except for
     * {@code json-names.txt} and in
     * apiextensions' JSONSchemaProps, whose JSON names are not proto identifiers
     * ({@code $ref}, {@code x-kubernetes-list-type}).
     */
    private static String jsonName(FieldDescriptor f) {
        String renamed = JSON_NAMES.get(f.getFullName());
        if (renamed != null) {
            return renamed;
        }
        String name = f.getName();
        if (!f.getContainingType().getName().equals("JSONSchemaProps")) {
            return name;
        }
        if (name.equals("ref") || name.equals("schema")) {
            return "$" + name;
        }
        if (name.startsWith("xKubernetes")) {
            StringBuilder out = new StringBuilder("x");
            for (char c : name.substring(1).toCharArray()) {
                if (Character.isUpperCase(c)) {
                    out.append('-').append(Character.toLowerCase(c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return name;
    }
}
