package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.TreeMap;

/**
 * An internal {@code MetricSpec} or {@code MetricStatus} as v1's {@code MetricSpec} or {@code MetricStatus},
 * as kube's {@code Convert_autoscaling_MetricSpec_To_v1_MetricSpec} and
 * {@code Convert_autoscaling_MetricStatus_To_v1_MetricStatus} convert it, in the field order and form
 * Go's encoder writes it in: a {@code resource.Quantity} always (the zero value as {@code "0"}), a
 * {@code *resource.Quantity} only when set.
 */
final class HpaMetricToV1 {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private HpaMetricToV1() {
    }

    static ObjectNode convert(JsonNode m, HpaMetricSide side) {
        String prefix = side.values;
        ObjectNode out = F.objectNode().put("type", m.path("type").asText(""));
        JsonNode o = m.get("object");
        if (o != null && o.isObject()) {
            JsonNode v = o.path(side.values);
            ObjectNode src = out.putObject("object");
            src.set("target", HpaConversion.reference(o.path("describedObject")));
            src.put("metricName", o.path("metric").path("name").asText(""));
            src.set(prefix + "Value", quantity(v.get("value")));
            putSelector(src, "selector", o.path("metric").get("selector"));
            putQuantityIfSet(src, "averageValue", v.get("averageValue"));
        }
        JsonNode p = m.get("pods");
        if (p != null && p.isObject()) {
            ObjectNode src = out.putObject("pods");
            src.put("metricName", p.path("metric").path("name").asText(""));
            src.set(prefix + "AverageValue", quantity(p.path(side.values).get("averageValue")));
            putSelector(src, "selector", p.path("metric").get("selector"));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            JsonNode r = m.get(kind);
            if (r != null && r.isObject()) {
                JsonNode v = r.path(side.values);
                ObjectNode src = out.putObject(kind).put("name", r.path("name").asText(""));
                if (v.hasNonNull("averageUtilization")) {
                    src.put(prefix + "AverageUtilization", v.get("averageUtilization").asInt());
                }
                putOptionalQuantity(side, src, prefix + "AverageValue", v.get("averageValue"));
                if (kind.equals("containerResource")) {
                    src.put("container", r.path("container").asText(""));
                }
            }
        }
        JsonNode e = m.get("external");
        if (e != null && e.isObject()) {
            JsonNode v = e.path(side.values);
            ObjectNode src = out.putObject("external");
            src.put("metricName", e.path("metric").path("name").asText(""));
            putSelector(src, "metricSelector", e.path("metric").get("selector"));
            putOptionalQuantity(side, src, prefix + "Value", v.get("value"));
            putQuantityIfSet(src, prefix + "AverageValue", v.get("averageValue"));
        }
        return out;
    }

    /** A quantity v1 holds as a pointer on the spec side, as a value on the status side ({@link HpaMetricSide#optionalValues}). */
    private static void putOptionalQuantity(HpaMetricSide side, ObjectNode o, String field, JsonNode v) {
        if (side.optionalValues) {
            putQuantityIfSet(o, field, v);
        } else {
            o.set(field, quantity(v));
        }
    }

    /** A quantity as Go writes a {@code resource.Quantity}: its {@code String()}; the zero value is {@code "0"}. */
    private static TextNode quantity(JsonNode v) {
        return TextNode.valueOf(v == null || v.isNull() ? "0" : HpaConversion.quantityString(v));
    }

    private static void putQuantityIfSet(ObjectNode o, String field, JsonNode v) {
        if (v != null && !v.isNull()) {
            o.set(field, quantity(v));
        }
    }

    private static void putSelector(ObjectNode o, String field, JsonNode selector) {
        ObjectNode s = selectorOut(selector);
        if (s != null) {
            o.set(field, s);
        }
    }

    /** A selector as Go writes a {@code metav1.LabelSelector}: labels sorted, empty parts left out; null for none. */
    private static ObjectNode selectorOut(JsonNode v) {
        if (v == null || !v.isObject()) {
            return null;
        }
        ObjectNode s = F.objectNode();
        JsonNode labels = v.get("matchLabels");
        if (labels != null && labels.isObject() && !labels.isEmpty()) {
            TreeMap<String, String> sorted = new TreeMap<>();
            labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText("")));
            ObjectNode ml = s.putObject("matchLabels");
            sorted.forEach(ml::put);
        }
        JsonNode expressions = v.get("matchExpressions");
        if (expressions != null && expressions.isArray() && !expressions.isEmpty()) {
            ArrayNode me = s.putArray("matchExpressions");
            for (JsonNode e : expressions) {
                ObjectNode req = me.addObject().put("key", e.path("key").asText("")).put("operator", e.path("operator").asText(""));
                if (e.path("values").isArray() && !e.path("values").isEmpty()) {
                    ArrayNode vs = req.putArray("values");
                    e.path("values").forEach(x -> vs.add(x.asText("")));
                }
            }
        }
        return s;
    }
}
