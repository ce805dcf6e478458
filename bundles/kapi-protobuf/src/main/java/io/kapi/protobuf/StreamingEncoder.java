package io.kapi.protobuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * {@link KubeProtobuf#encode}'s bytes written to a stream instead of built whole, as kube 1.33's streaming
 * protobuf list encoder does (KEP-5116): the {@code runtime.Unknown} envelope's {@code raw} length is
 * computed from the sizes of the list's metadata and items first, then they are encoded and written one
 * after the other. A list's items are encoded twice (once to size them, once to write them), except the
 * first ones up to {@link #KEEP_BYTES}, whose sizing encoding is kept and written as it is.
 */
final class StreamingEncoder {
    /** How many bytes of item encodings the sizing pass keeps for the writing pass. */
    static final int KEEP_BYTES = 256 * 1024;
    private static final int BUFFER = 8 * 1024;

    private final KubeProtobuf codec;

    StreamingEncoder(KubeProtobuf codec) {
        this.codec = codec;
    }

    void object(ObjectNode object, OutputStream out) throws IOException {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        Descriptor d = codec.encodable(apiVersion, kind);
        Message message = codec.message(d, object);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, BUFFER);
        header(cos, apiVersion, kind, message.getSerializedSize());
        message.writeTo(cos);
        trailer(cos);
        cos.flush();
    }

    /** {@link KubeProtobuf#encodeTo(byte[], Consumer, OutputStream)}. */
    void object(byte[] json, Consumer<ObjectNode> adjust, OutputStream out) throws IOException {
        Base64Spans reader = new Base64Spans(codec, json);
        ObjectNode object;
        try {
            object = reader.read();
        } catch (JsonProcessingException e) {
            throw StatusException.internal("the object is not JSON: " + e.getOriginalMessage());
        }
        adjust.accept(object);
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        Message message = codec.message(codec.encodable(apiVersion, kind), object);
        SpannedWriter writer = new SpannedWriter(reader.spans());
        CodedOutputStream cos = CodedOutputStream.newInstance(out, BUFFER);
        header(cos, apiVersion, kind, writer.size(message));
        writer.write(message, cos);
        trailer(cos);
        cos.flush();
    }

    void list(ObjectNode envelope, int count, IntFunction<? extends JsonNode> item, OutputStream out) throws IOException {
        String apiVersion = envelope.path("apiVersion").asText("");
        String kind = envelope.path("kind").asText("");
        Descriptor d = codec.encodable(apiVersion, kind);
        FieldDescriptor items = d.findFieldByName("items");
        if (!streamable(d, items) || envelope.has("items")) {
            // not a list in kube's form (ListMeta, then the repeated items last): encoded whole
            ObjectNode whole = envelope.objectNode();
            whole.setAll(envelope);
            ArrayNode all = whole.putArray("items");
            for (int i = 0; i < count; i++) {
                all.add(item.apply(i));
            }
            out.write(codec.encode(whole));
            return;
        }
        Message head = codec.message(d, envelope);
        int[] sizes = new int[count];
        byte[][] kept = new byte[count][];
        long total = head.getSerializedSize();
        long keptBytes = 0;
        int tagSize = CodedOutputStream.computeTagSize(items.getNumber());
        for (int i = 0; i < count; i++) {
            Message m = element(items, item.apply(i));
            if (m == null) {
                sizes[i] = -1;
                continue;
            }
            int n = m.getSerializedSize();
            sizes[i] = n;
            total += tagSize + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
            if (keptBytes + n <= KEEP_BYTES) {
                kept[i] = m.toByteArray();
                keptBytes += n;
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw StatusException.internal("the list is too large to encode as protobuf: " + total + " bytes");
        }
        CodedOutputStream cos = CodedOutputStream.newInstance(out, BUFFER);
        header(cos, apiVersion, kind, (int) total);
        head.writeTo(cos);
        for (int i = 0; i < count; i++) {
            if (sizes[i] < 0) {
                continue;
            }
            cos.writeTag(items.getNumber(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(sizes[i]);
            if (kept[i] != null) {
                cos.writeRawBytes(kept[i]);
                kept[i] = null;
                continue;
            }
            Message m = element(items, item.apply(i));
            if (m == null || m.getSerializedSize() != sizes[i]) {
                // the length prefix is out already: an item that changed between the passes cannot be written
                throw new IllegalStateException("item " + i + " of the " + kind + " changed while it was written");
            }
            m.writeTo(cos);
        }
        trailer(cos);
        cos.flush();
    }

    /** Whether the list's items are a repeated message field numbered after every other field. */
    private static boolean streamable(Descriptor d, FieldDescriptor items) {
        if (items == null || !items.isRepeated() || items.getJavaType() != FieldDescriptor.JavaType.MESSAGE || items.isMapField()) {
            return false;
        }
        for (FieldDescriptor f : d.getFields()) {
            if (f.getNumber() > items.getNumber()) {
                return false;
            }
        }
        return true;
    }

    /** An item's message as {@link KubeProtobuf#encode} adds it to the list: a null item is left out. */
    private Message element(FieldDescriptor items, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return (Message) codec.protoValue(items, v);
    }

    /** The magic, the envelope's typeMeta and the tag and length of its raw field (fields in number order). */
    private static void header(CodedOutputStream cos, String apiVersion, String kind, int rawSize) throws IOException {
        cos.writeRawBytes(KubeProtobuf.MAGIC);
        cos.writeMessage(KubeProtobuf.UNKNOWN_TYPE_META.getNumber(), DynamicMessage.newBuilder(KubeProtobuf.TYPE_META)
                .setField(KubeProtobuf.TYPE_META_API_VERSION, apiVersion).setField(KubeProtobuf.TYPE_META_KIND, kind).build());
        cos.writeTag(KubeProtobuf.UNKNOWN_RAW.getNumber(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
        cos.writeUInt32NoTag(rawSize);
    }

    /** contentEncoding and contentType, which Go always writes, empty. */
    private static void trailer(CodedOutputStream cos) throws IOException {
        cos.writeString(KubeProtobuf.UNKNOWN.findFieldByName("contentEncoding").getNumber(), "");
        cos.writeString(KubeProtobuf.UNKNOWN.findFieldByName("contentType").getNumber(), "");
    }
}
