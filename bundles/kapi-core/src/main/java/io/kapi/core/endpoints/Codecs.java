package io.kapi.core.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import io.kapi.protobuf.KubeProtobuf;
import java.io.IOException;

/** Decoding of request bodies and encoding of responses in JSON, YAML and kube protobuf. */
public final class Codecs {
    public static final KubeProtobuf PROTOBUF = new KubeProtobuf();

    private Codecs() {
    }

    /** Decodes a request body by its Content-Type into an object (kube's negotiated decoder). */
    public static ObjectNode decode(String contentType, byte[] body) {
        String type = contentType == null ? MediaType.JSON : MediaType.parse(contentType).type();
        try {
            JsonNode node;
            switch (type) {
                case MediaType.JSON, "application/json-patch+json", "application/merge-patch+json",
                        "application/strategic-merge-patch+json" -> node = Json.MAPPER.readTree(body);
                case MediaType.YAML, "application/apply-patch+yaml" -> node = YamlBodies.decode(body).value();
                case MediaType.PROTOBUF -> {
                    return PROTOBUF.decode(body);
                }
                default -> throw unsupportedBody();
            }
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw StatusException.badRequest("the body of the request was empty");
            }
            if (!(node instanceof ObjectNode o)) {
                throw StatusException.badRequest("the body of the request must be an object");
            }
            return o;
        } catch (IOException e) {
            throw StatusException.badRequest("the object provided is unrecognized: " + firstLine(e.getMessage()));
        }
    }

    /** kube's 415 for an object body in a form it does not decode. */
    static StatusException unsupportedBody() {
        return StatusException.unsupportedMediaType("the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static byte[] encode(String mediaType, JsonNode object) {
        try {
            return switch (mediaType) {
                case MediaType.YAML -> Json.YAML.writeValueAsBytes(object);
                case MediaType.PROTOBUF -> PROTOBUF.encode((ObjectNode) object);
                default -> Json.MAPPER.writeValueAsBytes(object);
            };
        } catch (JsonProcessingException e) {
            throw StatusException.internal(e.getMessage());
        }
    }
}
