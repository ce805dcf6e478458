package io.kapi.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kapi.api.rest.StatusException;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * <p>This class frames the body (magic and envelope); {@link KubeKinds} finds the kind's message,
 * {@link MessageDecoder} and {@link MessageEncoder} convert it.
 *
 * <p>Immutable after construction and safe to share between threads.
 */
public final class KubeProtobuf {
    /** The media type kube serves and accepts this format under. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    static final byte[] MAGIC = {'k', '8', 's', 0};
    /** Deepest chain of protobuf objects embedded in one another that decode accepts. */
    private static final int MAX_NESTING = 16;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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

    /** The messages of the kinds. */
    private final KubeKinds kinds;
    /** Objects as their messages. */
    private final MessageEncoder encoder;
    /** Messages as their objects. */
    private final MessageDecoder decoder;

    public KubeProtobuf() {
        this.kinds = new KubeKinds();
        this.encoder = new MessageEncoder();
        this.decoder = new MessageDecoder(this);
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
        return apiVersion != null && kind != null && kinds.descriptor(apiVersion, kind) != null;
    }

    /** {@link KubeKinds#descriptor}. */
    Descriptor descriptor(String apiVersion, String kind) {
        return kinds.descriptor(apiVersion, kind);
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

    /** {@link #decode(byte[])} of an object embedded {@code nesting} deep in the body being decoded. */
    ObjectNode decode(byte[] body, int nesting) {
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
        Descriptor d = kinds.descriptor(apiVersion, kind);
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
        out.setAll(decoder.object(message, nesting));
        return out;
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
                .setField(UNKNOWN_RAW, encoder.message(d, object).toByteString())
                // Go always writes these two, empty; kept so that bytes match kube's
                .setField(UNKNOWN.findFieldByName("contentEncoding"), "")
                .setField(UNKNOWN.findFieldByName("contentType"), "")
                .build();
        return withMagic(envelope.toByteArray());
    }

    /** The message of the kind, or kube's 406 when there is none. */
    Descriptor encodable(String apiVersion, String kind) {
        Descriptor d = kinds.descriptor(apiVersion, kind);
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
        Descriptor d = kinds.metaKind("WatchEvent");
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

    /** {@link MessageEncoder#message}. */
    Message message(Descriptor d, JsonNode json) {
        return encoder.message(d, json);
    }

    /** {@link MessageEncoder#fieldByJsonName}. */
    FieldDescriptor fieldByJsonName(Descriptor d, String name) {
        return encoder.fieldByJsonName(d, name);
    }

    /** {@link MessageEncoder#protoValue}. */
    Object protoValue(FieldDescriptor f, JsonNode v) {
        return encoder.protoValue(f, v);
    }

    /** {@link SpecialTypes#isSpecial}. */
    static boolean isSpecial(Descriptor d) {
        return SpecialTypes.isSpecial(d);
    }
}
