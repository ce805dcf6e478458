package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sizes apiserver's {@code SchemaDeclType} gives the nodes of a structural schema for kube's static
 * cost estimate: each node's {@code MaxElements} (maxItems, maxProperties, maxLength times 4, the longest
 * enum value, else the most a request of {@code MaxRequestSizeBytes} can hold) and {@code MinSerializedSize}
 * (the shortest JSON a value can have), and kube's worst case number of times a rule can run
 * ({@code maxCardinality}). Immutable.
 */
final class SchemaSizes {
    static final long MAX_REQUEST_SIZE_BYTES = 3L * 1024 * 1024;
    private static final long MAX_DURATION_SIZE_JSON = 32;
    private static final long MAX_DATETIME_SIZE_JSON = 32;
    private static final long MIN_DURATION_SIZE_JSON = 3;
    private static final long JSON_DATE_SIZE = 12;
    private static final long MIN_DATETIME_SIZE_JSON = 21;

    /** One node of kube's {@code DeclType} tree, as far as sizes go; fields keyed by escaped property name. */
    static final class Node {
        final long maxElements;
        final long minSerializedSize;
        final Map<String, Node> fields;
        final Node elem;
        final Node key;

        Node(long maxElements, long minSerializedSize, Map<String, Node> fields, Node elem, Node key) {
            this.maxElements = maxElements;
            this.minSerializedSize = minSerializedSize;
            this.fields = fields;
            this.elem = elem;
            this.key = key;
        }

        private static Node simple(long minSize, long maxElements) {
            return new Node(maxElements, minSize, Map.of(), null, null);
        }
    }

    /** The map key type (apiserver's {@code StringType}): no max length. */
    private static final Node MAP_KEY = Node.simple(2, 0);
    private final Map<JsonNode, Node> byNode = new IdentityHashMap<>();

    SchemaSizes(JsonNode root) {
        declType(root, true);
    }

    /** The size node of a schema node of this schema (null when kube has no CEL type there). */
    Node at(JsonNode schemaNode) {
        return byNode.get(schemaNode);
    }

    /**
     * apiextensions' {@code maxCardinality}: how often data of the node's minimum serialized size (plus a
     * comma) fits in a request; 1 when kube has no type for the node.
     */
    long maxCardinality(JsonNode schemaNode) {
        Node n = at(schemaNode);
        long minSize = n == null ? 0 : n.minSerializedSize;
        return MAX_REQUEST_SIZE_BYTES / (minSize + 1);
    }

    /**
     * apiextensions' {@code extractMaxElements}: how many times a child of {@code s} can occur per {@code s}
     * value, null when unbounded.
     */
    static Long maxElementsOfChildren(JsonNode s) {
        switch (s.path("type").asText("")) {
            case "object":
                if (s.has("additionalProperties") && !s.get("additionalProperties").isNull()) {
                    return s.path("maxProperties").isNumber() ? zeroIfNegative(s.get("maxProperties").asLong()) : null;
                }
                return 1L;
            case "array":
                return s.path("maxItems").isNumber() ? zeroIfNegative(s.get("maxItems").asLong()) : null;
            default:
                return 1L;
        }
    }

    private Node declType(JsonNode s, boolean resourceRoot) {
        if (s == null || !s.isObject()) {
            return null;
        }
        Node n = compute(s, resourceRoot);
        if (n != null) {
            byNode.put(s, n);
        }
        return n;
    }

    private Node compute(JsonNode s, boolean resourceRoot) {
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return Node.simple(1, MAX_REQUEST_SIZE_BYTES - 2);
        }
        switch (s.path("type").asText("")) {
            case "array": {
                JsonNode items = s.get("items");
                if (items == null || !items.isObject()) {
                    return null;
                }
                Node it = declType(items, embedded(items));
                if (it == null) {
                    return null;
                }
                long maxItems = s.path("maxItems").isNumber() ? zeroIfNegative(s.get("maxItems").asLong())
                        : (MAX_REQUEST_SIZE_BYTES - 2) / (it.minSerializedSize + 1);
                return new Node(maxItems, 2, Map.of(), it, null);
            }
            case "object": {
                JsonNode ap = s.get("additionalProperties");
                if (ap != null && ap.isObject()) {
                    Node vt = declType(ap, embedded(ap));
                    if (vt == null) {
                        return null;
                    }
                    long maxProps = s.path("maxProperties").isNumber() ? zeroIfNegative(s.get("maxProperties").asLong())
                            : (MAX_REQUEST_SIZE_BYTES - 2) / (vt.minSerializedSize + 6);
                    return new Node(maxProps, 2, Map.of(), vt, MAP_KEY);
                }
                return object(s, resourceRoot);
            }
            case "string":
                return string(s);
            case "boolean":
                return Node.simple(4, 0);
            case "number":
            case "integer":
                return Node.simple(1, 0);
            default:
                return null;
        }
    }

    private Node object(JsonNode s, boolean resourceRoot) {
        Set<String> required = new HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        Map<String, JsonNode> props = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            props.put(e.getKey(), e.getValue());
        }
        if (resourceRoot && !hasTypeAndObjectMeta(s)) {
            // kube's WithTypeAndObjectMeta: kind, apiVersion and metadata.name/generateName (unbounded strings)
            JsonNode string = JsonNodeFactory.instance.objectNode().put("type", "string");
            ObjectNode meta = JsonNodeFactory.instance.objectNode().put("type", "object");
            ObjectNode metaProps = meta.putObject("properties");
            metaProps.set("name", string);
            metaProps.set("generateName", string);
            props.put("kind", string);
            props.put("apiVersion", string);
            props.put("metadata", meta);
        }
        Map<String, Node> fields = new HashMap<>();
        long minSize = 2;
        for (Map.Entry<String, JsonNode> e : props.entrySet()) {
            JsonNode prop = e.getValue();
            Node ft = declType(prop, embedded(prop));
            if (ft == null) {
                continue;
            }
            String escaped = CelNames.escape(e.getKey());
            if (escaped != null) {
                fields.put(escaped, ft);
            }
            if (required.contains(e.getKey()) && !prop.has("default")) {
                minSize += e.getKey().length() + ft.minSerializedSize + 4;
            }
        }
        return new Node(0, minSize, fields, null, null);
    }

    private static boolean hasTypeAndObjectMeta(JsonNode s) {
        JsonNode p = s.path("properties");
        JsonNode meta = p.path("metadata");
        return isType(p.path("kind"), "string") && isType(p.path("apiVersion"), "string") && isType(meta, "object")
                && isType(meta.path("properties").path("name"), "string")
                && isType(meta.path("properties").path("generateName"), "string");
    }

    private static boolean isType(JsonNode s, String type) {
        return type.equals(s.path("type").asText(null));
    }

    private static Node string(JsonNode s) {
        switch (s.path("format").asText("")) {
            case "byte":
                return Node.simple(2, s.path("maxLength").isNumber() ? zeroIfNegative(s.get("maxLength").asLong())
                        : MAX_REQUEST_SIZE_BYTES - 2);
            case "duration":
                return Node.simple(MIN_DURATION_SIZE_JSON, MAX_DURATION_SIZE_JSON);
            case "date":
                return Node.simple(JSON_DATE_SIZE, JSON_DATE_SIZE);
            case "date-time":
                return Node.simple(MIN_DATETIME_SIZE_JSON, MAX_DATETIME_SIZE_JSON);
            default:
                break;
        }
        long max;
        if (s.path("maxLength").isNumber()) {
            // maxLength counts code points, kube's sizes bytes (up to 4 a code point)
            max = zeroIfNegative(s.get("maxLength").asLong()) * 4;
        } else if (s.path("enum").isArray() && !s.path("enum").isEmpty()) {
            max = 0;
            for (JsonNode v : s.get("enum")) {
                if (v.isTextual()) {
                    // Go's len: UTF-8 bytes
                    max = Math.max(max, v.asText().getBytes(StandardCharsets.UTF_8).length);
                }
            }
        } else {
            max = MAX_REQUEST_SIZE_BYTES - 2;
        }
        return Node.simple(2, max);
    }

    private static boolean embedded(JsonNode s) {
        return s.path("x-kubernetes-embedded-resource").asBoolean(false);
    }

    private static long zeroIfNegative(long v) {
        return Math.max(v, 0);
    }

    /**
     * kube's {@code sizeEstimator.EstimateSize}: the size of the value at a cost path (a variable, then
     * field names, {@code @items}, {@code @keys}, {@code @values}) from {@code root}; null when the path
     * leaves the schema.
     */
    static CostEstimator.Range sizeAt(Node root, List<String> path) {
        if (root == null || path == null || path.isEmpty()) {
            return null;
        }
        Node current = root;
        for (String name : path.subList(1, path.size())) {
            switch (name) {
                case "@items":
                case "@values":
                    current = current.elem;
                    break;
                case "@keys":
                    current = current.key;
                    break;
                default:
                    current = current.fields.get(name);
                    break;
            }
            if (current == null) {
                return null;
            }
        }
        return new CostEstimator.Range(0, current.maxElements);
    }
}
