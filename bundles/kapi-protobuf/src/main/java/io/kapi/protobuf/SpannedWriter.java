package io.kapi.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes and writes a message whose {@code bytes} values may be placeholders of base64 strings left in their
 * JSON ({@link Base64Spans}): the bytes a message's writeTo would give with the decoded strings in their
 * place, each decoded only as it is written, a few KiB at a time.
 *
 * <p>Only the messages on the way to a placeholder are walked here, field by field in number order as the
 * message's own writeTo goes; every other field is sized and written by protobuf-java itself, but for the
 * string key of a map entry that holds a placeholder.
 */
final class SpannedWriter {
    private static final int CHUNK = 8 * 1024;

    private final Map<ByteString, Base64Spans.Span> spans;
    /** The sizes of the messages that hold a placeholder, by identity; absent for those that hold none. */
    private final Map<Message, Integer> spannedSizes = new IdentityHashMap<>();
    private final Map<Message, Boolean> holdsSpan = new IdentityHashMap<>();

    SpannedWriter(Map<ByteString, Base64Spans.Span> spans) {
        this.spans = spans;
    }

    /** The size of {@code m} with its placeholders decoded. */
    int size(Message m) {
        if (!holdsSpan(m)) {
            return m.getSerializedSize();
        }
        Integer known = spannedSizes.get(m);
        if (known != null) {
            return known;
        }
        long total = 0;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (isMapKey(f)) {
                total += CodedOutputStream.computeStringSize(f.getNumber(), (String) e.getValue());
            } else if (!fieldHoldsSpan(f, e.getValue())) {
                total += alone(m, f, e.getValue()).getSerializedSize();
            } else if (f.isRepeated()) {
                for (Object v : (List<?>) e.getValue()) {
                    total += elementSize(f, v);
                }
            } else {
                total += elementSize(f, e.getValue());
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalStateException(m.getDescriptorForType().getName() + " is too large to encode: " + total + " bytes");
        }
        spannedSizes.put(m, (int) total);
        return (int) total;
    }

    /** Writes {@code m} with its placeholders decoded, {@link #size} bytes. */
    void write(Message m, CodedOutputStream out) throws IOException {
        if (!holdsSpan(m)) {
            m.writeTo(out);
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (isMapKey(f)) {
                out.writeString(f.getNumber(), (String) e.getValue());
            } else if (!fieldHoldsSpan(f, e.getValue())) {
                alone(m, f, e.getValue()).writeTo(out);
            } else if (f.isRepeated()) {
                for (Object v : (List<?>) e.getValue()) {
                    writeElement(f, v, out);
                }
            } else {
                writeElement(f, e.getValue(), out);
            }
        }
    }

    private boolean holdsSpan(Message m) {
        if (spans.isEmpty()) {
            return false; // nothing was left in place (most objects): the message writes itself
        }
        Boolean known = holdsSpan.get(m);
        if (known == null) {
            known = false;
            for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
                if (fieldHoldsSpan(e.getKey(), e.getValue())) {
                    known = true;
                    break;
                }
            }
            holdsSpan.put(m, known);
        }
        return known;
    }

    private boolean fieldHoldsSpan(FieldDescriptor f, Object value) {
        if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE && f.getJavaType() != FieldDescriptor.JavaType.BYTE_STRING) {
            return false;
        }
        if (f.isRepeated()) {
            for (Object v : (List<?>) value) {
                if (elementHoldsSpan(v)) {
                    return true;
                }
            }
            return false;
        }
        return elementHoldsSpan(value);
    }

    private boolean elementHoldsSpan(Object v) {
        return v instanceof Message m ? holdsSpan(m) : v instanceof ByteString b && spans.containsKey(b);
    }

    /**
     * The key of a map entry, a string ({@link Base64Spans} leaves values in place only in maps with string
     * keys, which all of kube's are). It is written here: an entry built with its key alone would also have its
     * value, since protobuf-java gives a map entry both fields, set or not, and writes both.
     */
    private static boolean isMapKey(FieldDescriptor f) {
        return f.getNumber() == 1 && f.getContainingType().getOptions().getMapEntry();
    }

    /** Field {@code f} of {@code m} alone in a message of its type: written, it is the field's bytes in {@code m}. */
    private static Message alone(Message m, FieldDescriptor f, Object value) {
        return DynamicMessage.newBuilder(m.getDescriptorForType()).setField(f, value).build();
    }

    /** One value of a field that holds a placeholder (one element when the field is repeated): a message or bytes. */
    private int elementSize(FieldDescriptor f, Object v) {
        int length = v instanceof Message m ? size(m) : bytesSize((ByteString) v);
        return CodedOutputStream.computeTagSize(f.getNumber()) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private int bytesSize(ByteString b) {
        Base64Spans.Span span = spans.get(b);
        return span == null ? b.size() : span.decodedSize();
    }

    private void writeElement(FieldDescriptor f, Object v, CodedOutputStream out) throws IOException {
        out.writeTag(f.getNumber(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
        if (v instanceof Message m) {
            out.writeUInt32NoTag(size(m));
            write(m, out);
            return;
        }
        ByteString b = (ByteString) v;
        Base64Spans.Span span = spans.get(b);
        if (span == null) {
            out.writeUInt32NoTag(b.size());
            out.writeRawBytes(b);
            return;
        }
        out.writeUInt32NoTag(span.decodedSize());
        if (span.length() <= CHUNK) {
            // a small value: decoded at once
            out.writeRawBytes(Base64.getDecoder().decode(ByteBuffer.wrap(span.json(), span.offset(), span.length())));
            return;
        }
        long written = 0;
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = Base64.getDecoder().wrap(new ByteArrayInputStream(span.json(), span.offset(), span.length()))) {
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                out.writeRawBytes(chunk, 0, n);
                written += n;
            }
        }
        if (written != span.decodedSize()) {
            // the length prefix is out already
            throw new IllegalStateException("a base64 value decoded to " + written + " bytes, not the " + span.decodedSize() + " announced");
        }
    }
}
