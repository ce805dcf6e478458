package io.kapi.machinery.patch;

import static io.kapi.machinery.patch.SmpListMerge.array;
import static io.kapi.machinery.patch.SmpListMerge.list;
import static io.kapi.machinery.patch.SmpListMerge.partitionMaps;
import static io.kapi.machinery.patch.SmpListMerge.partitionPrimitives;
import static io.kapi.machinery.patch.SmpListMerge.sliceElementType;
import static io.kapi.machinery.patch.SmpMapMerge.extractKey;
import static io.kapi.machinery.patch.SmpMapMerge.removeDirectives;
import static io.kapi.machinery.patch.StrategicMergePatch.DIRECTIVE;
import static io.kapi.machinery.patch.StrategicMergePatch.ERR_SET_ELEMENT_ORDER;
import static io.kapi.machinery.patch.StrategicMergePatch.SET_ELEMENT_ORDER;
import static io.kapi.machinery.patch.StrategicMergePatch.badArgType;
import static io.kapi.machinery.patch.StrategicMergePatch.goEquals;
import static io.kapi.machinery.patch.StrategicMergePatch.goError;
import static io.kapi.machinery.patch.StrategicMergePatch.noMergeKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of a merged list's items, as kube computes it: the {@code $setElementOrder/<field>}
 * directive ({@code mergePatchIntoOriginal}) and the final ordering of every merged list
 * ({@code normalizeElementOrder}: patch items, server-only items, then merged by the server's order).
 */
final class SmpElementOrder {
    private SmpElementOrder() {
    }

    static void applySetElementOrder(ObjectNode original, ObjectNode patch, String path, SmpSchema schema, SmpListMerge lists) {
        List<String> keys = new ArrayList<>();
        patch.fieldNames().forEachRemaining(k -> {
            if (k.startsWith(SET_ELEMENT_ORDER)) {
                keys.add(k);
            }
        });
        for (String directiveKey : keys) {
            JsonNode order = patch.remove(directiveKey);
            if (!order.isArray()) {
                throw badArgType("[]interface {}", order);
            }
            String field = extractKey(directiveKey, SET_ELEMENT_ORDER, ERR_SET_ELEMENT_ORDER);
            JsonNode originalList = original.get(field);
            JsonNode patchList = patch.get(field);
            if (originalList != null && !originalList.isArray()) {
                throw badArgType("[]interface {}", originalList);
            }
            if (patchList != null && !patchList.isArray()) {
                throw badArgType("[]interface {}", patchList);
            }
            String childPath = schema.childPath(path, field);
            SmpSchema.FieldMeta meta = schema.field(childPath);
            String mergeKey = meta == null ? "" : meta.mergeKey();
            validateAgainstOrder((ArrayNode) patchList, (ArrayNode) order, mergeKey);
            // the merge below may write into the original list's backing array; kube then reads the
            // original's order through that same array, so it is read back from the shared slice
            GoSlice originalSlice = originalList == null ? null : lists.slice((ArrayNode) originalList);
            ArrayNode merged;
            if (originalList != null && patchList == null) {
                merged = array(originalSlice.list());
            } else if (originalList == null && patchList != null) {
                merged = (ArrayNode) removeDirectives(patchList);
            } else if (originalList != null) {
                merged = lists.mergeSliceHandler(originalSlice, (ArrayNode) patchList, meta, false, childPath);
            } else {
                continue;
            }
            List<List<JsonNode>> parts = mergeKey.isEmpty()
                    ? partitionPrimitives(list(merged), list(order))
                    : partitionMaps(list(merged), list(order), mergeKey);
            List<JsonNode> originalOrder = originalSlice == null ? List.of() : originalSlice.list();
            String kind = sliceElementType(originalOrder, list(patchList));
            original.set(field, array(normalizeElementOrder(parts.get(0), parts.get(1), list(order), originalOrder, mergeKey, kind)));
            patch.remove(field);
        }
    }

    private static void validateAgainstOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
        if (order.isEmpty() || patchList == null || patchList.isEmpty()) {
            return;
        }
        List<JsonNode> nonDelete = mergeKey.isEmpty() ? list(patchList) : extractToDelete(list(patchList)).get(0);
        int p = 0;
        int s = 0;
        while (p < nonDelete.size() && s < order.size()) {
            if (nonDelete.get(p).isObject() && nonDelete.get(p).has(DIRECTIVE)) {
                p++;
                continue;
            }
            if (mergeKeyEqual(nonDelete.get(p), order.get(s), mergeKey)) {
                p++;
            }
            s++;
        }
        if (p < nonDelete.size() && s >= order.size()) {
            throw goError("The order in patch list:\n" + GoJson.format(patchList) + "\n doesn't match " + SET_ELEMENT_ORDER
                    + " list:\n" + GoJson.format(order) + "\n");
        }
    }

    private static boolean mergeKeyEqual(JsonNode left, JsonNode right, String mergeKey) {
        if (mergeKey.isEmpty()) {
            return goEquals(left, right);
        }
        if (!left.isObject()) {
            throw badArgType("map[string]interface {}", left);
        }
        if (!right.isObject()) {
            throw badArgType("map[string]interface {}", right);
        }
        if (!left.has(mergeKey)) {
            throw noMergeKey(left, mergeKey);
        }
        if (!right.has(mergeKey)) {
            throw noMergeKey(right, mergeKey);
        }
        return goEquals(left.get(mergeKey), right.get(mergeKey));
    }

    private static List<List<JsonNode>> extractToDelete(List<JsonNode> items) {
        List<JsonNode> nonDelete = new ArrayList<>();
        List<JsonNode> toDelete = new ArrayList<>();
        for (JsonNode v : items) {
            if (!v.isObject()) {
                throw badArgType("map[string]interface {}", v);
            }
            JsonNode d = v.get(DIRECTIVE);
            (d != null && d.isTextual() && d.asText().equals("delete") ? toDelete : nonDelete).add(v);
        }
        return List.of(nonDelete, toDelete);
    }

    // ---- order

    static List<JsonNode> normalizeElementOrder(List<JsonNode> patch, List<JsonNode> serverOnly, List<JsonNode> patchOrder,
                                                List<JsonNode> serverOrder, String mergeKey, String kind) {
        List<JsonNode> p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
        List<JsonNode> s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
        return mergeSorted(s, p, serverOrder, mergeKey, kind);
    }

    private static List<JsonNode> normalizeSliceOrder(List<JsonNode> toSort, List<JsonNode> order, String mergeKey, String kind) {
        List<JsonNode> sorted = new ArrayList<>(toSort);
        List<JsonNode> toDelete = List.of();
        boolean maps = kind.equals("map");
        if (maps) {
            for (List<JsonNode> l : List.of(toSort, order)) {
                for (JsonNode v : l) {
                    if (!v.isObject()) {
                        throw badArgType("map[string]interface {}", v);
                    }
                    if (!v.has(mergeKey)) {
                        throw noMergeKey(v, mergeKey);
                    }
                }
            }
            List<List<JsonNode>> split = extractToDelete(toSort);
            sorted = new ArrayList<>(split.get(0));
            toDelete = split.get(1);
        }
        GoSort.sliceStable(sorted, (d, i, j) -> {
            int ii = indexOf(order, d.get(i), mergeKey, maps);
            if (ii >= 0) {
                int ij = indexOf(order, d.get(j), mergeKey, maps);
                if (ij >= 0) {
                    return ii < ij;
                }
            }
            return true;
        });
        sorted.addAll(toDelete);
        return sorted;
    }

    /** Merges server-only items with patch items, keeping the server's relative order where both are known. */
    private static List<JsonNode> mergeSorted(List<JsonNode> left, List<JsonNode> right, List<JsonNode> serverOrder, String mergeKey, String kind) {
        boolean maps = kind.equals("map");
        List<JsonNode> out = new ArrayList<>(left.size() + right.size());
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = indexOf(serverOrder, left.get(i), mergeKey, maps);
                int ri = indexOf(serverOrder, right.get(j), mergeKey, maps);
                if (li >= 0 && ri >= 0 && li < ri) {
                    out.add(left.get(i++));
                } else {
                    out.add(right.get(j++));
                }
            }
        }
        return out;
    }

    /** kube's index(): items compare by merge key value for maps (a missing key reads as nil), by value otherwise. */
    static int indexOf(List<JsonNode> list, JsonNode value, String mergeKey, boolean maps) {
        JsonNode wanted = maps ? keyOf(value, mergeKey) : value;
        for (int i = 0; i < list.size(); i++) {
            JsonNode candidate = maps ? keyOf(list.get(i), mergeKey) : list.get(i);
            if (goEquals(wanted, candidate)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode keyOf(JsonNode item, String mergeKey) {
        return item != null && item.isObject() ? item.get(mergeKey) : null;
    }
}
