package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's strategic merge patch as kube-apiserver applies it ({@code StrategicMergeMapPatch}: parallel
 * deletion lists merged, unmatched nulls ignored), on JSON trees, with the patch metadata from an
 * {@link SmpSchema}.
 *
 * <p>Maps merge recursively and {@code null} deletes a key; lists are replaced unless the schema tags
 * them {@code merge}: lists of maps then merge by their merge key, lists of primitives are unioned.
 * Directives: {@code $patch: replace|delete} on maps, {@code $patch: replace|delete} items in merge
 * lists, {@code $retainKeys}, {@code $deleteFromPrimitiveList/<field>} and
 * {@code $setElementOrder/<field>}. The item order follows kube's algorithm exactly.
 *
 * <p>Errors are kube-apiserver's answers: malformed directives are 400 BadRequest, lists of lists 422
 * Invalid, and what kube reports as a plain Go error (a missing merge key, an unknown {@code $patch})
 * is a 500 with kube's text and no reason, as kube-apiserver serves it.
 *
 * <p>One deliberate difference: kube converts the result back into a Go struct, which drops any
 * directive keys that survive in the patch's new content; here they are removed from the result.
 */
public final class StrategicMergePatch {
    static final String DIRECTIVE = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";

    static final String ERR_BAD_JSON_DOC = "invalid JSON document";
    static final String ERR_NO_LIST_OF_LISTS = "lists of lists are not supported";
    static final String ERR_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String ERR_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String ERR_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";
    static final String ERR_UNSUPPORTED = "strategic merge patch format is not supported";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SmpSchema schema;
    private final boolean decodedOriginal;

    private StrategicMergePatch(SmpSchema schema, boolean decodedOriginal) {
        this.schema = schema;
        this.decodedOriginal = decodedOriginal;
    }

    /**
     * Applies {@code patch} to {@code original}; neither argument is changed. A null schema stands for
     * kube's unstructured objects (custom resources), which kube refuses to strategic-merge.
     */
    public static ObjectNode apply(ObjectNode original, ObjectNode patch, SmpSchema schema) {
        return apply(original, patch, schema, false);
    }

    /**
     * {@code decodedOriginal}: the original's lists have the capacities encoding/json gives them (kube's
     * own tests decode the original from JSON) rather than kube-apiserver's exact ones.
     */
    static ObjectNode apply(ObjectNode original, ObjectNode patch, SmpSchema schema, boolean decodedOriginal) {
        if (schema == null) {
            throw StatusException.badRequest(ERR_UNSUPPORTED);
        }
        ObjectNode base = original == null ? NODES.objectNode() : original.deepCopy();
        ObjectNode p = patch == null ? NODES.objectNode() : patch.deepCopy();
        ObjectNode result = new StrategicMergePatch(schema, decodedOriginal).mergeMap(base, p, "");
        scrub(result);
        return result;
    }

    // ---- errors, as kube-apiserver's interpretStrategicMergePatchError and ErrorToAPIStatus give them

    static StatusException badRequest(String message) {
        return StatusException.badRequest(message);
    }

    static StatusException unprocessable() {
        return new StatusException(422, "Invalid", "the server rejected our request due to an error in our request");
    }

    /** A plain Go error: kube-apiserver answers 500 with reason Unknown (empty) and the error's text. */
    static StatusException goError(String message) {
        return new StatusException(500, "", message);
    }

    private static StatusException noMergeKey(JsonNode map, String key) {
        return goError("map: " + GoJson.format(map) + " does not contain declared merge key: " + key);
    }

    private static StatusException badArgType(String expected, JsonNode actual) {
        return goError("expected a " + expected + ", but received a " + goTypeName(actual));
    }

    private static String goTypeName(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "%!s(<nil>)";
        }
        return switch (goType(n)) {
            case "map" -> "map[string]interface {}";
            case "slice" -> "[]interface {}";
            default -> goType(n);
        };
    }

    /** The Go type a decoded value has (ints are int64: kube decodes patches preserving integers). */
    static String goType(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "nil";
        }
        if (n.isObject()) {
            return "map";
        }
        if (n.isArray()) {
            return "slice";
        }
        if (n.isTextual()) {
            return "string";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return n.isIntegralNumber() ? "int64" : "float64";
    }

    /** Go's == on two decoded scalars: same type and same value. */
    static boolean goEquals(JsonNode a, JsonNode b) {
        String ta = goType(a);
        if (!ta.equals(goType(b))) {
            return false;
        }
        return switch (ta) {
            case "nil" -> true;
            case "int64" -> a.bigIntegerValue().equals(b.bigIntegerValue());
            case "float64" -> a.doubleValue() == b.doubleValue();
            case "string", "bool" -> a.asText().equals(b.asText());
            default -> a.equals(b);
        };
    }

    // ---- maps

    private ObjectNode mergeMap(ObjectNode original, ObjectNode patch, String path) {
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
        applySetElementOrder(target, patch, path);

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
                target.set(key, mergeSliceHandler(slice((ArrayNode) current), (ArrayNode) patchValue, meta, deleteList, childPath));
            } else {
                putPatchValue(target, key, patchValue);
            }
        }
        return target;
    }

    /** A value new to the object: nested nulls dropped and maps carrying a $patch left out, as kube does. */
    private static void putPatchValue(ObjectNode target, String key, JsonNode value) {
        discardNulls(value);
        JsonNode clean = removeDirectives(value);
        if (clean == null) {
            target.remove(key);
        } else {
            target.set(key, clean);
        }
    }

    private static void discardNulls(JsonNode value) {
        if (value instanceof ObjectNode o) {
            List<String> nulls = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                } else {
                    discardNulls(e.getValue());
                }
            });
            o.remove(nulls);
        } else if (value instanceof ArrayNode a) {
            a.forEach(StrategicMergePatch::discardNulls);
        }
    }

    /** kube's removeDirectives: null when {@code value} is a map with a $patch, else the value minus such maps. */
    private static JsonNode removeDirectives(JsonNode value) {
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

    private static String extractKey(String key, String prefix, String error) {
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

    private void applySetElementOrder(ObjectNode original, ObjectNode patch, String path) {
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
            GoSlice originalSlice = originalList == null ? null : slice((ArrayNode) originalList);
            ArrayNode merged;
            if (originalList != null && patchList == null) {
                merged = array(originalSlice.list());
            } else if (originalList == null && patchList != null) {
                merged = (ArrayNode) removeDirectives(patchList);
            } else if (originalList != null) {
                merged = mergeSliceHandler(originalSlice, (ArrayNode) patchList, meta, false, childPath);
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

    // ---- lists

    private GoSlice slice(ArrayNode list) {
        return decodedOriginal ? GoSlice.appended(list(list)) : GoSlice.exact(list(list));
    }

    private ArrayNode mergeSliceHandler(GoSlice original, ArrayNode patch, SmpSchema.FieldMeta meta, boolean deleteList, String path) {
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
                    work.set(at, mergeMap((ObjectNode) work.get(at), (ObjectNode) v, path));
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
    private static String sliceElementType(List<JsonNode> a, List<JsonNode> b) {
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

    private static List<List<JsonNode>> partitionPrimitives(List<JsonNode> merged, List<JsonNode> by) {
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode v : merged) {
            (indexOf(by, v, "", false) >= 0 ? inPatch : serverOnly).add(v);
        }
        return List.of(inPatch, serverOnly);
    }

    private static List<List<JsonNode>> partitionMaps(List<JsonNode> merged, List<JsonNode> by, String mergeKey) {
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

    private static List<JsonNode> normalizeElementOrder(List<JsonNode> patch, List<JsonNode> serverOnly, List<JsonNode> patchOrder,
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
    private static int indexOf(List<JsonNode> list, JsonNode value, String mergeKey, boolean maps) {
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

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        if (array != null) {
            array.forEach(out::add);
        }
        return out;
    }

    private static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    /** Removes directive keys left in new content (see the class comment). */
    private static void scrub(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            Map<String, JsonNode> keep = new LinkedHashMap<>();
            o.fields().forEachRemaining(e -> {
                String k = e.getKey();
                if (k.equals(DIRECTIVE) || k.equals(RETAIN_KEYS) || k.startsWith(SET_ELEMENT_ORDER + "/")
                        || k.startsWith(DELETE_FROM_PRIMITIVE_LIST + "/")) {
                    drop.add(k);
                } else {
                    keep.put(k, e.getValue());
                }
            });
            o.remove(drop);
            keep.values().forEach(StrategicMergePatch::scrub);
        } else if (node instanceof ArrayNode a) {
            a.forEach(StrategicMergePatch::scrub);
        }
    }
}
