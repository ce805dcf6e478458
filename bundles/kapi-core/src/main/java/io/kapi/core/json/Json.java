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

    /**
     * {@code node} with its numbers in the node types parsing its JSON gives (an int where it fits,
     * else a long; doubles for fractions), changed in place: an object built in code then equals the
     * same object read back from storage, as kube's objects compare after its decoding.
     */
    public static JsonNode canonicalNumbers(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            var fields = o.fields();
            java.util.List<Map.Entry<String, JsonNode>> changed = new java.util.ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                JsonNode c = canonical(e.getValue());
                if (c != e.getValue()) {
                    changed.add(Map.entry(e.getKey(), c));
                }
            }
            changed.forEach(e -> o.set(e.getKey(), e.getValue()));
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode c = canonical(a.get(i));
                if (c != a.get(i)) {
                    a.set(i, c);
                }
            }
        }
        return node;
    }

    private static JsonNode canonical(JsonNode v) {
        if (v.isContainerNode()) {
            return canonicalNumbers(v);
        }
        if (v.isIntegralNumber() && !v.isInt()) {
            if (v.canConvertToInt()) {
                return NODES.numberNode(v.intValue());
            }
            if (!v.isLong() && v.canConvertToLong()) {
                return NODES.numberNode(v.longValue());
            }
        } else if (v.isFloat()) {
            return NODES.numberNode(v.doubleValue());
        }
        return v;
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
