package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.TreeMap;

/**
 * {@code Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler}: an internal object
 * (v2's shape, defaulted) in autoscaling/v1, with the annotations for what v1 cannot hold (the
 * round-trip annotations the object had are replaced), encoded as Go's {@code json.Marshal} writes them,
 * and annotations sorted as Go writes a map.
 */
final class HpaInternalToV1 {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private HpaInternalToV1() {
    }

    static ObjectNode convert(ObjectNode internal) {
        ObjectNode out = HpaConversion.header(internal, "v1");
        JsonNode in = internal.path("spec");
        JsonNode st = internal.path("status");

        ObjectNode spec = HpaConversion.putSharedSpec(out, in);
        ArrayNode otherMetrics = F.arrayNode();
        boolean cpuSeen = false;
        for (JsonNode m : in.path("metrics")) {
            JsonNode r = m.get("resource");
            boolean cpuUtilization = m.path("type").asText("").equals("Resource") && r != null && !r.isNull()
                    && r.path("name").asText("").equals("cpu") && r.path("target").hasNonNull("averageUtilization");
            if (cpuUtilization) {
                if (!cpuSeen) {
                    spec.put("targetCPUUtilizationPercentage", r.path("target").get("averageUtilization").asInt());
                    cpuSeen = true;
                }
                continue;
            }
            otherMetrics.add(HpaMetricToV1.convert(m, HpaMetricSide.SPEC));
        }

        ObjectNode status = out.putObject("status");
        HpaConversion.copyIfSet(st, status, "observedGeneration");
        HpaConversion.copyIfSet(st, status, "lastScaleTime");
        status.put("currentReplicas", st.path("currentReplicas").asInt(0));
        status.put("desiredReplicas", st.path("desiredReplicas").asInt(0));
        ArrayNode currentMetrics = F.arrayNode();
        Integer cpuCurrent = null;
        for (JsonNode m : st.path("currentMetrics")) {
            JsonNode r = m.get("resource");
            if (m.path("type").asText("").equals("Resource") && r != null && !r.isNull() && r.path("name").asText("").equals("cpu")
                    && r.path("current").hasNonNull("averageUtilization")) {
                cpuCurrent = r.path("current").get("averageUtilization").asInt();
            }
            currentMetrics.add(HpaMetricToV1.convert(m, HpaMetricSide.STATUS));
        }
        if (cpuCurrent != null) {
            status.put("currentCPUUtilizationPercentage", cpuCurrent);
        }
        ArrayNode conditions = F.arrayNode();
        for (JsonNode c : st.path("conditions")) {
            conditions.add(conditionToV1(c));
        }

        TreeMap<String, String> added = new TreeMap<>();
        if (!otherMetrics.isEmpty()) {
            added.put(HpaConversion.METRIC_SPECS, GoJson.marshal(otherMetrics));
        }
        if (!currentMetrics.isEmpty()) {
            added.put(HpaConversion.METRIC_STATUSES, GoJson.marshal(currentMetrics));
        }
        if (in.get("behavior") instanceof ObjectNode behavior) {
            added.put(HpaConversion.BEHAVIOR, GoJson.marshal(behaviorToInternalJson(behavior)));
        }
        if (!conditions.isEmpty()) {
            added.put(HpaConversion.CONDITIONS, GoJson.marshal(conditions));
        }
        if (!added.isEmpty()) {
            ObjectNode m = out.get("metadata") instanceof ObjectNode mm ? mm : out.putObject("metadata");
            TreeMap<String, JsonNode> all = new TreeMap<>();
            if (m.get("annotations") instanceof ObjectNode a) {
                a.fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue()));
            }
            added.forEach((k, v) -> all.put(k, TextNode.valueOf(v)));
            ObjectNode annotations = F.objectNode();
            all.forEach(annotations::set);
            m.set("annotations", annotations);
        }
        return HpaConversion.reorder(out, "apiVersion", "kind", "metadata", "spec", "status");
    }

    /** A condition as v1's annotation holds it: a time that does not parse kept as given, none as null. */
    private static ObjectNode conditionToV1(JsonNode c) {
        ObjectNode out = F.objectNode().put("type", c.path("type").asText("")).put("status", c.path("status").asText(""));
        String t = c.path("lastTransitionTime").asText("");
        String formatted = t.isEmpty() ? null : HpaConversion.time(t);
        if (formatted != null) {
            out.put("lastTransitionTime", formatted);
        } else if (!t.isEmpty()) {
            out.put("lastTransitionTime", t);
        } else {
            out.putNull("lastTransitionTime");
        }
        if (!c.path("reason").asText("").isEmpty()) {
            out.put("reason", c.path("reason").asText());
        }
        if (!c.path("message").asText("").isEmpty()) {
            out.put("message", c.path("message").asText());
        }
        return out;
    }

    /** The behavior as kube's annotation holds it: the internal type with Go's field names, nil as null. */
    private static ObjectNode behaviorToInternalJson(ObjectNode behavior) {
        ObjectNode out = F.objectNode();
        out.set("ScaleUp", rulesToInternalJson(behavior.get("scaleUp")));
        out.set("ScaleDown", rulesToInternalJson(behavior.get("scaleDown")));
        return out;
    }

    private static JsonNode rulesToInternalJson(JsonNode rules) {
        if (rules == null || !rules.isObject()) {
            return F.nullNode();
        }
        ObjectNode out = F.objectNode();
        JsonNode w = rules.get("stabilizationWindowSeconds");
        out.set("StabilizationWindowSeconds", w == null || w.isNull() ? F.nullNode() : F.numberNode(w.asInt()));
        JsonNode s = rules.get("selectPolicy");
        out.set("SelectPolicy", s == null || s.isNull() ? F.nullNode() : TextNode.valueOf(s.asText("")));
        JsonNode policies = rules.get("policies");
        if (policies == null || !policies.isArray()) {
            out.putNull("Policies");
        } else {
            ArrayNode ps = out.putArray("Policies");
            for (JsonNode p : policies) {
                ps.addObject().put("Type", p.path("type").asText("")).put("Value", p.path("value").asInt(0))
                        .put("PeriodSeconds", p.path("periodSeconds").asInt(0));
            }
        }
        return out;
    }
}
