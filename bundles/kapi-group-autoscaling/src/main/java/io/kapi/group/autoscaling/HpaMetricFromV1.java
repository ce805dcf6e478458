package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.TreeMap;

/**
 * A v1 {@code MetricSpec} or {@code MetricStatus} of an annotation, decoded by Go ({@link GoJson}, a
 * {@link GoJson.DecodeException} where Go's decoder fails) and converted to the internal version, as
 * kube's {@code Convert_v1_MetricSpec_To_autoscaling_MetricSpec} and
 * {@code Convert_v1_MetricStatus_To_autoscaling_MetricStatus} do. Quantities stay as the text they were
 * given in ({@link HpaConversion#ZERO_QUANTITY} for a v1 {@code resource.Quantity} that was absent).
 */
final class HpaMetricFromV1 {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private HpaMetricFromV1() {
    }

    static ObjectNode convert(JsonNode node, HpaMetricSide side) {
        ObjectNode m = GoJson.object(node);
        ObjectNode out = F.objectNode().put("type", m == null ? "" : GoJson.string(GoJson.field(m, "type")));
        if (m == null) {
            return out;
        }
        String prefix = side.values;
        ObjectNode o = GoJson.object(GoJson.field(m, "object"));
        if (o != null) {
            ObjectNode ref = decodeReference(GoJson.field(o, "target"));
            String name = GoJson.string(GoJson.field(o, "metricName"));
            TextNode value = GoJson.quantity(GoJson.field(o, prefix + "Value"));
            ObjectNode selector = decodeSelector(GoJson.field(o, "selector"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(o, "averageValue"));
            ObjectNode src = F.objectNode();
            src.set("describedObject", ref);
            src.set(side.values, values(side, averageValue == null ? "Value" : "AverageValue", value, averageValue, null));
            src.set("metric", identifier(name, selector));
            out.set("object", HpaConversion.reorder(src, side.objectFields));
        }
        ObjectNode p = GoJson.object(GoJson.field(m, "pods"));
        if (p != null) {
            String name = GoJson.string(GoJson.field(p, "metricName"));
            TextNode averageValue = GoJson.quantity(GoJson.field(p, prefix + "AverageValue"));
            ObjectNode selector = decodeSelector(GoJson.field(p, "selector"));
            ObjectNode src = out.putObject("pods");
            src.set("metric", identifier(name, selector));
            src.set(side.values, values(side, "AverageValue", null, averageValue, null));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            ObjectNode r = GoJson.object(GoJson.field(m, kind));
            if (r != null) {
                String name = GoJson.string(GoJson.field(r, "name"));
                Integer utilization = GoJson.int32(GoJson.field(r, prefix + "AverageUtilization"));
                TextNode averageValue = optionalQuantity(side, GoJson.field(r, prefix + "AverageValue"));
                String container = kind.equals("containerResource") ? GoJson.string(GoJson.field(r, "container")) : null;
                ObjectNode src = out.putObject(kind).put("name", name);
                src.set(side.values, values(side, utilization == null ? "AverageValue" : "Utilization", null, averageValue, utilization));
                if (container != null) {
                    src.put("container", container);
                }
            }
        }
        ObjectNode e = GoJson.object(GoJson.field(m, "external"));
        if (e != null) {
            String name = GoJson.string(GoJson.field(e, "metricName"));
            ObjectNode selector = decodeSelector(GoJson.field(e, "metricSelector"));
            TextNode value = optionalQuantity(side, GoJson.field(e, prefix + "Value"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(e, prefix + "AverageValue"));
            ObjectNode src = out.putObject("external");
            src.set("metric", identifier(name, selector));
            src.set(side.values, values(side, value == null ? "AverageValue" : "Value", value, averageValue, null));
        }
        return HpaConversion.reorder(out, "type", "object", "pods", "resource", "containerResource", "external");
    }

    /** A quantity v1 holds as a pointer on the spec side, as a value on the status side ({@link HpaMetricSide#optionalValues}). */
    private static TextNode optionalQuantity(HpaMetricSide side, JsonNode v) {
        return side.optionalValues ? GoJson.quantityPointer(v) : GoJson.quantity(v);
    }

    /**
     * The internal {@code MetricTarget} (with its {@code type}) or {@code MetricValueStatus}, each value
     * present when set.
     */
    private static ObjectNode values(HpaMetricSide side, String type, TextNode value, TextNode averageValue, Integer averageUtilization) {
        ObjectNode t = F.objectNode();
        if (side.typed()) {
            t.put("type", type);
        }
        if (value != null) {
            t.set("value", value);
        }
        if (averageValue != null) {
            t.set("averageValue", averageValue);
        }
        if (averageUtilization != null) {
            t.put("averageUtilization", averageUtilization);
        }
        return t;
    }

    private static ObjectNode identifier(String name, ObjectNode selector) {
        ObjectNode id = F.objectNode().put("name", name);
        if (selector != null) {
            id.set("selector", selector);
        }
        return id;
    }

    /** A v1 {@code CrossVersionObjectReference} decoded by Go. */
    private static ObjectNode decodeReference(JsonNode ref) {
        ObjectNode o = GoJson.object(ref);
        ObjectNode r = F.objectNode();
        r.put("kind", o == null ? "" : GoJson.string(GoJson.field(o, "kind")));
        r.put("name", o == null ? "" : GoJson.string(GoJson.field(o, "name")));
        String apiVersion = o == null ? "" : GoJson.string(GoJson.field(o, "apiVersion"));
        if (!apiVersion.isEmpty()) {
            r.put("apiVersion", apiVersion);
        }
        return r;
    }

    /** A {@code metav1.LabelSelector} decoded by Go and written back as Go writes it (map keys sorted); null for nil. */
    private static ObjectNode decodeSelector(JsonNode v) {
        ObjectNode o = GoJson.object(v);
        if (o == null) {
            return null;
        }
        ObjectNode s = F.objectNode();
        ObjectNode labels = GoJson.object(GoJson.field(o, "matchLabels"));
        if (labels != null && !labels.isEmpty()) {
            TreeMap<String, String> sorted = new TreeMap<>();
            labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), GoJson.string(e.getValue())));
            ObjectNode ml = s.putObject("matchLabels");
            sorted.forEach(ml::put);
        }
        ArrayNode expressions = GoJson.array(GoJson.field(o, "matchExpressions"));
        if (expressions != null && !expressions.isEmpty()) {
            ArrayNode me = s.putArray("matchExpressions");
            for (JsonNode e : expressions) {
                ObjectNode r = GoJson.object(e);
                ObjectNode req = me.addObject();
                req.put("key", r == null ? "" : GoJson.string(GoJson.field(r, "key")));
                req.put("operator", r == null ? "" : GoJson.string(GoJson.field(r, "operator")));
                ArrayNode values = r == null ? null : GoJson.array(GoJson.field(r, "values"));
                if (values != null && !values.isEmpty()) {
                    ArrayNode vs = req.putArray("values");
                    values.forEach(x -> vs.add(GoJson.string(x)));
                }
            }
        }
        return s;
    }
}
