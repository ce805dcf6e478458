package io.kapi.machinery.patch;

import static io.kapi.machinery.patch.SmpElementOrder.indexOf;
import static io.kapi.machinery.patch.SmpElementOrder.normalizeElementOrder;
import static io.kapi.machinery.patch.SmpMapMerge.removeDirectives;
import static io.kapi.machinery.patch.StrategicMergePatch.DIRECTIVE;
import static io.kapi.machinery.patch.StrategicMergePatch.NODES;
import static io.kapi.machinery.patch.StrategicMergePatch.badArgType;
import static io.kapi.machinery.patch.StrategicMergePatch.goEquals;
import static io.kapi.machinery.patch.StrategicMergePatch.goError;
import static io.kapi.machinery.patch.StrategicMergePatch.goType;
import static io.kapi.machinery.patch.StrategicMergePatch.noMergeKey;
import static io.kapi.machinery.patch.StrategicMergePatch.unprocessable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges a patch list into an original list, as kube's {@code mergeSliceHandler} and {@code mergeSlice}
 * do: lists of maps by their merge key (with {@code $patch: replace|delete} items), lists of primitives
 * unioned or, for {@code $deleteFromPrimitiveList}, deleted from; the result is ordered by
 * {@link SmpElementOrder}.
 */
final class SmpListMerge {
    private final SmpMapMerge maps;
    private final boolean decodedOriginal;

    SmpListMerge(SmpMapMerge maps, boolean decodedOriginal) {
        this.maps = maps;
        this.decodedOriginal = decodedOriginal;
    }

    // ---- lists

    GoSlice slice(ArrayNode list) {
        return decodedOriginal ? GoSlice.appended(list(list)) : GoSlice.exact(list(list));
    }

    ArrayNode mergeSliceHandler(GoSlice original, ArrayNode patch, SmpSchema.FieldMeta meta, boolean deleteList, String path) {
        if ((meta != null && meta.strategy() == SmpSchema.Strategy.MERGE) || deleteList) {
            return mergeSlice(original, patch, meta == null ? "" : meta.mergeKey(), deleteList, path);
        }
        return (ArrayNode) removeDirectives(patch);
    }

    private ArrayNode mergeSlice(GoSlice original, ArrayNode patchNode, String mergeKey, boolean deleteList, String path) {
        if (original.len() == 0 && patchNode.isEmpty()) {
            return array(original.list());
        }
        List<JsonNode> patch = list(patchNode);
        String kind = sliceElementType(original.list(), patch);
        List<JsonNode> merged;
        GoSlice server = original;
        if (!kind.equals("map")) {
            if (deleteList) {
                return array(deleteFromSlice(original.list(), patch));
            }
            merged = deduplicateScalars(original.append(patch)).list();
        } else {
            if (mergeKey.isEmpty()) {
                throw goError("cannot merge lists without merge key for " + path);
            }
            List<JsonNode> patchWithout = new ArrayList<>();
            boolean replace = false;
            for (JsonNode v : patch) {
                JsonNode d = v.get(DIRECTIVE);
                if (d == null) {
                    patchWithout.add(v);
                    continue;
                }
                String directive = d.isTextual() ? d.asText() : "";
                switch (directive) {
                    case "delete" -> {
                        if (!v.has(mergeKey)) {
                            throw noMergeKey(v, mergeKey);
                        }
                        server = deleteMatching(server, mergeKey, v.get(mergeKey));
                    }
                    case "replace" -> replace = true;
                    case "merge" -> throw goError("merging lists cannot yet be specified in the patch");
                    default -> throw goError("unknown patch type: " + GoJson.format(d) + " in map: " + GoJson.format(v));
                }
            }
            if (replace) {
                server = GoSlice.appended(patchWithout);
                patch = new ArrayList<>();
            } else {
                patch = patchWithout;
            }
            GoSlice work = server;
            for (JsonNode v : patch) {
                if (!v.has(mergeKey)) {
                    throw noMergeKey(v, mergeKey);
                }
                int at = findByKey(work.list(), mergeKey, v.get(mergeKey));
                if (at >= 0) {
                    work.set(at, maps.mergeMap((ObjectNode) work.get(at), (ObjectNode) v, path));
                } else {
                    work = work.append(List.of(removeDirectives(v)));
                }
            }
            merged = work.list();
        }
        List<List<JsonNode>> parts = mergeKey.isEmpty() ? partitionPrimitives(merged, patch) : partitionMaps(merged, patch, mergeKey);
        return array(normalizeElementOrder(parts.get(0), parts.get(1), patch, server.list(), mergeKey, kind));
    }

    /** kube's sliceElementType: every item of every list has one Go type, and it is not a list. */
    static String sliceElementType(List<JsonNode> a, List<JsonNode> b) {
        String prev = null;
        for (List<JsonNode> s : List.of(a, b)) {
            for (JsonNode v : s) {
                String t = goType(v);
                if (prev == null) {
                    prev = t;
                    if (t.equals("slice")) {
                        throw unprocessable();
                    }
                } else if (!prev.equals(t)) {
                    throw goError("list element types are not identical: [" + GoJson.format(array(a)) + " " + GoJson.format(array(b)) + "]");
                }
            }
        }
        if (prev == null) {
            throw goError("no elements in any of the given slices");
        }
        return prev;
    }

    /** kube's deduplicateScalars: a duplicate is overwritten by the last item, in place. */
    private static GoSlice deduplicateScalars(GoSlice s) {
        int length = s.len() - 1;
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j <= length; j++) {
                if (goEquals(s.get(i), s.get(j))) {
                    s.set(j, s.get(length));
                    s = s.slice(0, length);
                    length--;
                    j--;
                }
            }
        }
        return s;
    }

    private static List<JsonNode> deleteFromSlice(List<JsonNode> current, List<JsonNode> toDelete) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode v : current) {
            if (indexOf(toDelete, v, "", false) < 0) {
                out.add(v);
            }
        }
        return out;
    }

    /** kube's deleteMatchingEntries: {@code append(s[:i], s[i+1:]...)}, which shifts the shared array. */
    private static GoSlice deleteMatching(GoSlice original, String mergeKey, JsonNode value) {
        GoSlice out = original;
        int at;
        while ((at = findByKey(out.list(), mergeKey, value)) >= 0) {
            out = out.slice(0, at).append(out.slice(at + 1, out.len()).list());
        }
        return out;
    }

    /** kube's findMapInSliceBasedOnKeyValue: every item must be a map. */
    private static int findByKey(List<JsonNode> items, String key, JsonNode value) {
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw goError("value for key " + i + " is not a map");
            }
            if (item.has(key) && goEquals(item.get(key), value)) {
                return i;
            }
        }
        return -1;
    }

    static List<List<JsonNode>> partitionPrimitives(List<JsonNode> merged, List<JsonNode> by) {
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode v : merged) {
            (indexOf(by, v, "", false) >= 0 ? inPatch : serverOnly).add(v);
        }
        return List.of(inPatch, serverOnly);
    }

    static List<List<JsonNode>> partitionMaps(List<JsonNode> merged, List<JsonNode> by, String mergeKey) {
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode v : merged) {
            if (!v.isObject()) {
                throw badArgType("map[string]interface {}", v);
            }
            if (!v.has(mergeKey)) {
                throw noMergeKey(v, mergeKey);
            }
            (findByKey(by, mergeKey, v.get(mergeKey)) >= 0 ? inPatch : serverOnly).add(v);
        }
        return List.of(inPatch, serverOnly);
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        if (array != null) {
            array.forEach(out::add);
        }
        return out;
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }
}
