package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Go side of kube's checks on JSON: what a field decodes to (nil or not), Go's byte length of a
 * string, kube's {@code equality.Semantic.DeepEqual} of slices and maps (nil and empty are equal), and
 * the {@code %#v} forms kube's field errors print.
 */
final class GoForms {
    private GoForms() {
    }

    /** Whether the field decodes to a nil pointer, slice or map: absent or JSON null. */
    static boolean isNil(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** The string a field decodes to ("" when absent or null). */
    static String text(JsonNode parent, String field) {
        JsonNode v = parent == null ? null : parent.get(field);
        return isNil(v) ? "" : v.asText();
    }

    /** kube 1.32's {@code IsQualifiedName}. */
    static List<String> qualifiedNameErrors(String value) {
        return NameValidation.isQualifiedName(value);
    }

    /** Go's {@code len} of a string: its UTF-8 bytes. */
    static int len(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * kube's {@code equality.Semantic.DeepEqual} of two {@code []string} (or string-kind) fields: a nil
     * and an empty slice are equal, else the items in order.
     */
    static boolean stringSlicesEqual(JsonNode a, JsonNode b) {
        return strings(a).equals(strings(b));
    }

    /**
     * kube's {@code equality.Semantic.DeepEqual} of two {@code map[string]string} fields: a nil and an
     * empty map are equal, else the entries.
     */
    static boolean stringMapsEqual(JsonNode a, JsonNode b) {
        return stringMap(a).equals(stringMap(b));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.isNull() ? "" : v.asText()));
        }
        return out;
    }

    static Map<String, String> stringMap(JsonNode map) {
        Map<String, String> m = new HashMap<>();
        if (map != null && map.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        }
        return m;
    }

    /** {@code %#v} of a {@code []T} of strings: {@code []string{"a", "b"}}, {@code []string{}}, {@code []string(nil)}. */
    static String stringSlice(String type, JsonNode array) {
        if (isNil(array) || !array.isArray()) {
            return "[]" + type + "(nil)";
        }
        List<String> items = new ArrayList<>();
        array.forEach(v -> items.add(FieldCause.goQuote(v.asText())));
        return "[]" + type + "{" + String.join(", ", items) + "}";
    }
}
