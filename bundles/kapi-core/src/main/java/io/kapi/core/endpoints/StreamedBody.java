package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.IntFunction;

/**
 * A response body before it is encoded: an object whose {@code arrayField} (a list's {@code items}, a
 * Table's {@code rows}) is not held but produced element by element as it is written; the field's value
 * in {@code envelope} only marks its place among the others. A single object has no such field
 * ({@code arrayField} null) and is {@code envelope} itself.
 */
record StreamedBody(ObjectNode envelope, String arrayField, int count, IntFunction<? extends JsonNode> element) {
    static StreamedBody whole(ObjectNode object) {
        return new StreamedBody(object, null, 0, null);
    }

    String apiVersion() {
        return envelope.path("apiVersion").asText("");
    }

    String kind() {
        return envelope.path("kind").asText("");
    }

    /** The envelope without the streamed field (what protobuf's list encoder takes). */
    ObjectNode withoutArray() {
        ObjectNode copy = envelope.objectNode();
        envelope.properties().forEach(e -> {
            if (!e.getKey().equals(arrayField)) {
                copy.set(e.getKey(), e.getValue());
            }
        });
        return copy;
    }
}
