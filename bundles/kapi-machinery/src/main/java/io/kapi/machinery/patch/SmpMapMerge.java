package io.kapi.machinery.patch;

import static io.kapi.machinery.patch.SmpElementOrder.applySetElementOrder;
import static io.kapi.machinery.patch.StrategicMergePatch.DELETE_FROM_PRIMITIVE_LIST;
import static io.kapi.machinery.patch.StrategicMergePatch.DIRECTIVE;
import static io.kapi.machinery.patch.StrategicMergePatch.ERR_PRIMITIVE_LIST;
import static io.kapi.machinery.patch.StrategicMergePatch.ERR_RETAIN_KEYS;
import static io.kapi.machinery.patch.StrategicMergePatch.NODES;
import static io.kapi.machinery.patch.StrategicMergePatch.RETAIN_KEYS;
import static io.kapi.machinery.patch.StrategicMergePatch.SET_ELEMENT_ORDER;
import static io.kapi.machinery.patch.StrategicMergePatch.badRequest;
import static io.kapi.machinery.patch.StrategicMergePatch.goError;
import static io.kapi.machinery.patch.StrategicMergePatch.goType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a patch map into an original map, as kube's {@code mergeMap} does: the {@code $patch} directive
 * on maps, {@code $retainKeys}, {@code $deleteFromPrimitiveList/<field>} keys, and values new to the
 * object; lists go to {@link SmpListMerge}, {@code $setElementOrder} to {@link SmpElementOrder}.
 */
final class SmpMapMerge {
    private final SmpSchema schema;
    private final SmpListMerge lists;

    SmpMapMerge(SmpSchema schema, boolean decodedOriginal) {
        this.schema = schema;
        this.lists = new SmpListMerge(this, decodedOriginal);
    }

    // ---- maps

    ObjectNode mergeMap(ObjectNode original, ObjectNode patch, String path) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if (directive.isTextual() && directive.asText().equals("replace")) {
                patch.remove(DIRECTIVE);
                return patch;
            }
            if (directive.isTextual() && directive.asText().equals("delete")) {
                return NODES.objectNode();
            }
            throw goError("unknown patch type: " + GoJson.format(directive) + " in map: " + GoJson.format(patch));
        }
        ObjectNode target = original == null ? NODES.objectNode() : original;
        applyRetainKeys(target, patch);
        applySetElementOrder(target, patch, path, schema, lists);

        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        patch.fields().forEachRemaining(entries::add);
        for (Map.Entry<String, JsonNode> e : entries) {
            String key = e.getKey();
            JsonNode patchValue = e.getValue();
            boolean deleteList = false;
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                key = extractKey(key, DELETE_FROM_PRIMITIVE_LIST, ERR_PRIMITIVE_LIST);
                deleteList = true;
            }
            if (patchValue.isNull()) {
                target.remove(key);
                continue;
            }
            JsonNode current = target.get(key);
            if (current == null || !goType(current).equals(goType(patchValue))) {
                if (!deleteList) {
                    putPatchValue(target, key, patchValue);
                }
                continue;
            }
            String childPath = schema.childPath(path, key);
            SmpSchema.FieldMeta meta = schema.field(childPath);
            if (current.isObject()) {
                if (meta != null && meta.strategy() == SmpSchema.Strategy.REPLACE) {
                    target.set(key, patchValue);
                } else {
                    target.set(key, mergeMap((ObjectNode) current, (ObjectNode) patchValue, childPath));
                }
            } else if (current.isArray()) {
                target.set(key, lists.mergeSliceHandler(lists.slice((ArrayNode) current), (ArrayNode) patchValue, meta, deleteList, childPath));
            } else {
                putPatchValue(target, key, patchValue);
            }
        }
        return target;
    }

    /** A value new to the object: nested nulls dropped and maps carrying a $patch left out, as kube does. */
    private static void putPatchValue(ObjectNode target, String key, JsonNode value) {
        MergePatch.pruneNulls(value);
        JsonNode clean = removeDirectives(value);
        if (clean == null) {
            target.remove(key);
        } else {
            target.set(key, clean);
        }
    }

    /** kube's removeDirectives: null when {@code value} is a map with a $patch, else the value minus such maps. */
    static JsonNode removeDirectives(JsonNode value) {
        if (value instanceof ObjectNode o) {
            if (o.has(DIRECTIVE)) {
                return null;
            }
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                JsonNode kept = removeDirectives(o.get(n));
                if (kept == null) {
                    o.remove(n);
                } else {
                    o.set(n, kept);
                }
            }
            return o;
        }
        if (value instanceof ArrayNode a) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode item : a) {
                JsonNode kept = removeDirectives(item);
                if (kept != null) {
                    out.add(kept);
                }
            }
            return out;
        }
        return value;
    }

    static String extractKey(String key, String prefix, String error) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw badRequest(error);
        }
        return key.substring(slash + 1);
    }

    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw badRequest(ERR_RETAIN_KEYS);
        }
        Set<String> keep = new HashSet<>();
        retain.forEach(k -> {
            if (k.isTextual()) {
                keep.add(k.asText());
            }
        });
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (e.getValue().isNull() || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!keep.contains(k)) {
                throw badRequest(ERR_RETAIN_KEYS);
            }
        }
        List<String> names = new ArrayList<>();
        original.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!keep.contains(n)) {
                original.remove(n);
            }
        }
    }
}
