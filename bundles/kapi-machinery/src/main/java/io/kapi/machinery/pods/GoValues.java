package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values as kube's field errors print them when they are not strings or numbers: Go's {@code %#v}
 * of the API type ({@code map[string]string{"app":"web", "tier":"db"}}, map keys sorted, as Go prints
 * maps).
 */
public final class GoValues {
    private GoValues() {
    }

    /** {@code map[string]string{"a":"b"}}; a missing map is Go's nil map, {@code map[string]string(nil)}. */
    public static String stringMap(JsonNode map) {
        if (map == null || map.isNull() || !map.isObject()) {
            return "map[string]string(nil)";
        }
        Map<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        StringBuilder b = new StringBuilder("map[string]string{");
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            b.append(first ? "" : ", ").append(FieldCause.goQuote(e.getKey())).append(':').append(FieldCause.goQuote(e.getValue()));
            first = false;
        }
        return b.append('}').toString();
    }

    /**
     * A {@code metav1.LabelSelector} as {@code %#v} prints it:
     * {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}.
     */
    public static String labelSelector(JsonNode selector) {
        JsonNode labels = selector == null ? null : selector.get("matchLabels");
        JsonNode expressions = selector == null ? null : selector.get("matchExpressions");
        StringBuilder b = new StringBuilder("v1.LabelSelector{MatchLabels:").append(stringMap(labels)).append(", MatchExpressions:");
        if (expressions == null || !expressions.isArray()) {
            b.append("[]v1.LabelSelectorRequirement(nil)");
        } else {
            b.append("[]v1.LabelSelectorRequirement{");
            List<String> items = new ArrayList<>();
            for (JsonNode e : expressions) {
                StringBuilder r = new StringBuilder("v1.LabelSelectorRequirement{Key:").append(FieldCause.goQuote(e.path("key").asText("")))
                        .append(", Operator:").append(FieldCause.goQuote(e.path("operator").asText(""))).append(", Values:");
                JsonNode values = e.get("values");
                if (values == null || !values.isArray()) {
                    r.append("[]string(nil)");
                } else {
                    List<String> vs = new ArrayList<>();
                    values.forEach(v -> vs.add(FieldCause.goQuote(v.asText())));
                    r.append("[]string{").append(String.join(", ", vs)).append('}');
                }
                items.add(r.append('}').toString());
            }
            b.append(String.join(", ", items)).append('}');
        }
        return b.append('}').toString();
    }

    /** The entries of a JSON object in order, for callers walking a map. */
    static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode map) {
        return map == null || !map.isObject() ? java.util.Collections.emptyIterator() : map.fields();
    }
}
