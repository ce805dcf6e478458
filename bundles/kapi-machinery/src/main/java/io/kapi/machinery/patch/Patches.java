package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.kapi.api.rest.StatusException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three patch types kube-apiserver applies: JSON patch (RFC 6902, through zjsonpatch), JSON merge
 * patch (RFC 7386) and strategic merge patch. Always on a deep copy: a failing patch changes nothing.
 */
public final class Patches {
    public static final String JSON_PATCH = "application/json-patch+json";
    public static final String MERGE_PATCH = "application/merge-patch+json";
    public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Patches() {
    }

    public static ObjectNode apply(String contentType, ObjectNode current, byte[] body, SmpSchema schema) {
        JsonNode patch;
        try {
            patch = MAPPER.readTree(body);
        } catch (IOException e) {
            throw StatusException.badRequest("error decoding patch: " + firstLine(e.getMessage()));
        }
        if (patch == null || patch.isMissingNode()) {
            throw StatusException.badRequest("the body of the request was empty");
        }
        switch (contentType == null ? "" : contentType) {
            case JSON_PATCH -> {
                if (!patch.isArray()) {
                    throw StatusException.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                }
                requireTargets(current, (ArrayNode) patch);
                try {
                    JsonNode out = JsonPatch.apply(patch, current.deepCopy(), java.util.EnumSet.noneOf(com.flipkart.zjsonpatch.CompatibilityFlags.class));
                    if (!(out instanceof ObjectNode o)) {
                        throw new StatusException(422, "Invalid", "the patch did not produce an object");
                    }
                    return o;
                } catch (JsonPatchApplicationException e) {
                    throw new StatusException(422, "Invalid", e.getMessage());
                } catch (RuntimeException e) {
                    if (e instanceof StatusException s) {
                        throw s;
                    }
                    throw StatusException.badRequest("invalid JSON patch: " + e.getMessage());
                }
            }
            case MERGE_PATCH -> {
                requireObject(patch);
                return (ObjectNode) mergePatch(current.deepCopy(), patch);
            }
            case STRATEGIC_MERGE_PATCH -> {
                requireObject(patch);
                return (ObjectNode) strategic(current.deepCopy(), patch, schema, "");
            }
            default -> throw StatusException.unsupportedMediaType("the server does not support the patch type \""
                    + contentType + "\" yet: supported are " + JSON_PATCH + ", " + MERGE_PATCH + ", " + STRATEGIC_MERGE_PATCH);
        }
    }

    /**
     * kube's json-patch refuses remove/replace of a missing path ("Unable to remove nonexistent key");
     * zjsonpatch ignores it, so missing targets are checked first, op by op on a scratch copy.
     */
    private static void requireTargets(ObjectNode current, ArrayNode ops) {
        JsonNode scratch = current.deepCopy();
        for (JsonNode op : ops) {
            String kind = op.path("op").asText();
            String path = op.path("path").asText();
            if ((kind.equals("remove") || kind.equals("replace")) && scratch.at(com.fasterxml.jackson.core.JsonPointer.compile(path)).isMissingNode()) {
                String key = path.substring(path.lastIndexOf('/') + 1);
                throw new StatusException(422, "Invalid", "the server rejected our request due to an error in our request: "
                        + "Unable to " + kind + " nonexistent key: " + key + ": missing value");
            }
            try {
                ArrayNode one = JsonNodeFactory.instance.arrayNode();
                one.add(op);
                scratch = JsonPatch.apply(one, scratch, java.util.EnumSet.noneOf(com.flipkart.zjsonpatch.CompatibilityFlags.class));
            } catch (RuntimeException e) {
                return;
            }
        }
    }

    private static void requireObject(JsonNode patch) {
        if (!patch.isObject()) {
            throw StatusException.badRequest("json: cannot unmarshal " + patch.getNodeType().name().toLowerCase()
                    + " into Go value of type map[string]interface {}");
        }
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    /** RFC 7386. */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    /** Strategic merge patch of {@code patch} into {@code target} at {@code path}. */
    static JsonNode strategic(JsonNode target, JsonNode patch, SmpSchema schema, String path) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        JsonNode directive = patch.get("$patch");
        if (directive != null) {
            String d = directive.asText();
            if (d.equals("replace")) {
                ObjectNode copy = ((ObjectNode) patch).deepCopy();
                copy.remove("$patch");
                return copy;
            }
            if (d.equals("delete")) {
                return null;
            }
            if (!d.equals("merge")) {
                throw StatusException.badRequest("Unknown patch type: " + d);
            }
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
        List<String> retainKeys = null;
        if (patch.has("$retainKeys")) {
            retainKeys = new ArrayList<>();
            for (JsonNode k : patch.get("$retainKeys")) {
                retainKeys.add(k.asText());
            }
        }
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals("$patch") || key.equals("$retainKeys") || key.startsWith("$setElementOrder/")) {
                continue;
            }
            if (key.startsWith("$deleteFromPrimitiveList/")) {
                String field = key.substring("$deleteFromPrimitiveList/".length());
                JsonNode list = result.get(field);
                if (list != null && list.isArray()) {
                    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
                    for (JsonNode item : list) {
                        boolean drop = false;
                        for (JsonNode del : value) {
                            drop |= del.equals(item);
                        }
                        if (!drop) {
                            kept.add(item);
                        }
                    }
                    result.set(field, kept);
                }
                continue;
            }
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (value.isNull()) {
                result.remove(key);
            } else if (value.isObject()) {
                JsonNode merged = strategic(result.get(key), value, schema, childPath);
                if (merged == null) {
                    result.remove(key);
                } else {
                    result.set(key, merged);
                }
            } else if (value.isArray()) {
                String mergeKey = schema.mergeKey(childPath);
                JsonNode existing = result.get(key);
                if (mergeKey == null || existing == null || !existing.isArray()) {
                    result.set(key, stripDirectives((ArrayNode) value));
                } else if (mergeKey.isEmpty()) {
                    ArrayNode union = ((ArrayNode) existing).deepCopy();
                    for (JsonNode v : value) {
                        boolean present = false;
                        for (JsonNode x : union) {
                            present |= x.equals(v);
                        }
                        if (!present) {
                            union.add(v);
                        }
                    }
                    result.set(key, union);
                } else {
                    result.set(key, mergeByKey((ArrayNode) existing, (ArrayNode) value, mergeKey, schema, childPath));
                }
            } else {
                result.set(key, value);
            }
        }
        if (retainKeys != null) {
            List<String> names = new ArrayList<>();
            result.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (!retainKeys.contains(n)) {
                    result.remove(n);
                }
            }
        }
        return result;
    }

    private static ArrayNode stripDirectives(ArrayNode list) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : list) {
            if (item.isObject() && item.has("$patch")) {
                continue;
            }
            out.add(item);
        }
        return out;
    }

    private static ArrayNode mergeByKey(ArrayNode existing, ArrayNode patch, String mergeKey, SmpSchema schema, String path) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode item : existing) {
            byKey.put(item.path(mergeKey).asText(), item.deepCopy());
        }
        for (JsonNode item : patch) {
            String k = item.path(mergeKey).asText();
            if (item.isObject() && "delete".equals(item.path("$patch").asText())) {
                byKey.remove(k);
                continue;
            }
            JsonNode merged = strategic(byKey.get(k), item, schema, path);
            if (merged == null) {
                byKey.remove(k);
            } else {
                byKey.put(k, merged);
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        byKey.values().forEach(out::add);
        return out;
    }
}
