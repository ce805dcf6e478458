package io.kapi.core.endpoints;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Encodes a {@link StreamedBody} onto a stream as kube 1.33's streaming collection encoders do (KEP-5116):
 * in JSON or YAML the envelope's fields in their order, and in place of the streamed field each element
 * encoded and written one after the other; in protobuf the list's sizes first, then its metadata and
 * items one by one ({@link io.kapi.protobuf.KubeProtobuf#encodeList}). The bytes are those of the whole
 * object encoded at once ({@link Codecs#encode}).
 */
final class BodyEncoder {
    private BodyEncoder() {
    }

    static void encode(StreamedBody body, String media, OutputStream out) throws IOException {
        switch (media) {
            case MediaType.PROTOBUF -> protobuf(body, out);
            case MediaType.YAML -> tree(Json.YAML, body, out);
            default -> tree(Json.MAPPER, body, out);
        }
    }

    private static void tree(ObjectMapper mapper, StreamedBody body, OutputStream out) throws IOException {
        // each node is serialized as ObjectMapper.writeValue would, but without its flush after every value
        SerializerProvider serializers = mapper.getSerializerProviderInstance();
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (body.arrayField() == null) {
                write(g, body.envelope(), serializers);
                return;
            }
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> e : body.envelope().properties()) {
                g.writeFieldName(e.getKey());
                if (!e.getKey().equals(body.arrayField())) {
                    write(g, e.getValue(), serializers);
                    continue;
                }
                g.writeStartArray();
                for (int i = 0; i < body.count(); i++) {
                    write(g, body.element().apply(i), serializers);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }

    private static void write(JsonGenerator g, JsonNode node, SerializerProvider serializers) throws IOException {
        if (node == null) {
            g.writeNull();
        } else {
            node.serialize(g, serializers);
        }
    }

    private static void protobuf(StreamedBody body, OutputStream out) throws IOException {
        if (body.arrayField() == null) {
            Codecs.PROTOBUF.encodeTo(body.envelope(), out);
        } else if (body.arrayField().equals("items")) {
            Codecs.PROTOBUF.encodeList(body.withoutArray(), body.count(), body.element(), out);
        } else {
            out.write(Codecs.PROTOBUF.encode(whole(body)));
        }
    }

    /** The body as one object, its elements gathered (what {@link Codecs#encode} takes). */
    static ObjectNode whole(StreamedBody body) {
        if (body.arrayField() == null) {
            return body.envelope();
        }
        ObjectNode o = body.envelope().objectNode();
        for (Map.Entry<String, JsonNode> e : body.envelope().properties()) {
            if (e.getKey().equals(body.arrayField())) {
                ArrayNode a = o.putArray(e.getKey());
                for (int i = 0; i < body.count(); i++) {
                    a.add(body.element().apply(i));
                }
            } else {
                o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }
}
