package io.kapi.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The core's ObjectMapper configuration (internal: group bundles use {@link io.kapi.api.json.Json}),
 * and the API's object helpers under the names the core's code uses. Thread-safe.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode resource(Class<?> owner, String name) {
        return io.kapi.api.json.Json.resource(owner, name);
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode parseObject(byte[] data) throws IOException {
        JsonNode node = MAPPER.readTree(data);
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw new IOException("not a JSON object");
    }

    public static String timestamp(Instant instant) {
        return io.kapi.api.json.Json.timestamp(instant);
    }

    public static String now() {
        return io.kapi.api.json.Json.now();
    }

    public static ObjectNode metadata(ObjectNode object) {
        return io.kapi.api.json.Json.metadata(object);
    }

    public static String text(JsonNode node, String field) {
        return io.kapi.api.json.Json.text(node, field);
    }

    public static String name(ObjectNode object) {
        return io.kapi.api.json.Json.name(object);
    }

    public static String namespace(ObjectNode object) {
        return io.kapi.api.json.Json.namespace(object);
    }

    public static Map<String, String> stringMap(JsonNode node) {
        return io.kapi.api.json.Json.stringMap(node);
    }

    public static Map<String, String> labels(ObjectNode object) {
        return io.kapi.api.json.Json.labels(object);
    }
}
