package io.kapi.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {
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
        ObjectNode result = new SmpMapMerge(schema, decodedOriginal).mergeMap(base, p, "");
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

    static StatusException noMergeKey(JsonNode map, String key) {
        return goError("map: " + GoJson.format(map) + " does not contain declared merge key: " + key);
    }

    static StatusException badArgType(String expected, JsonNode actual) {
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
