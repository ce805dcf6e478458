package io.kapi.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading and shaping kube objects held as {@code ObjectNode}s. Stateless and thread-safe. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Json() {
    }

    /**
     * A JSON object shipped as a class-path resource next to {@code owner} (a kind's OpenAPI schema, a
     * fixed document), read afresh on each call.
     *
     * @throws IllegalStateException when the resource is missing or not a JSON object
     */
    public static ObjectNode resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " of " + owner.getName());
            }
            JsonNode node = MAPPER.readTree(in);
            if (!(node instanceof ObjectNode o)) {
                throw new IllegalStateException("resource " + name + " of " + owner.getName() + " is not a JSON object");
            }
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty object. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** RFC 3339 with second precision, as kube's {@code metav1.Time}. */
    public static String timestamp(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@link #timestamp} of now. */
    public static String now() {
        return timestamp(Instant.now());
    }

    /** The object's {@code metadata}, created when absent. */
    public static ObjectNode metadata(ObjectNode object) {
        JsonNode m = object.get("metadata");
        if (m instanceof ObjectNode o) {
            return o;
        }
        return object.putObject("metadata");
    }

    /** The text of {@code node.field}; "" when the node, the field or its value is missing or null. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return "";
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** {@code metadata.name}, or "". */
    public static String name(ObjectNode object) {
        return text(object.get("metadata"), "name");
    }

    /** {@code metadata.namespace}, or "". */
    public static String namespace(ObjectNode object) {
        return text(object.get("metadata"), "namespace");
    }

    /** A JSON object of strings as a map in its order; empty for anything else. */
    public static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /** {@code metadata.labels}. */
    public static Map<String, String> labels(ObjectNode object) {
        JsonNode m = object.get("metadata");
        return m == null ? Map.of() : stringMap(m.get("labels"));
    }
}
