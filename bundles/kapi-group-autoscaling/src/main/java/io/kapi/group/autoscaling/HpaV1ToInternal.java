package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * {@code Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler}: a v1 object in the
 * internal version (v2's shape, apiVersion autoscaling/v2), without v2's defaults, with quantities as
 * the text they were given in ({@link HpaConversion#ZERO_QUANTITY} for a v1 quantity that was absent), so
 * that validation sees them as kube's does. The round-trip annotations are decoded as Go decodes them
 * and become fields; an annotation Go cannot decode is ignored, as kube ignores it.
 */
final class HpaV1ToInternal {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private HpaV1ToInternal() {
    }

    static ObjectNode convert(ObjectNode v1) {
        ObjectNode out = HpaConversion.header(v1, "v2");
        JsonNode in = v1.path("spec");
        ArrayNode metrics = null;
        if (in.hasNonNull("targetCPUUtilizationPercentage")) {
            metrics = F.arrayNode().add(HpaConversion.cpuUtilizationMetric(in.get("targetCPUUtilizationPercentage").asInt()));
        }
        JsonNode st = v1.path("status");
        ArrayNode currentMetrics = null;
        if (st.hasNonNull("currentCPUUtilizationPercentage")) {
            ObjectNode cpu = F.objectNode().put("type", "Resource");
            cpu.putObject("resource").put("name", "cpu").putObject("current")
                    .put("averageUtilization", st.get("currentCPUUtilizationPercentage").asInt());
            currentMetrics = F.arrayNode().add(cpu);
        }

        ArrayNode specs = decodeList(v1, HpaConversion.METRIC_SPECS, m -> HpaMetricFromV1.convert(m, HpaMetricSide.SPEC));
        if (specs != null) {
            // the annotation's metrics first, the v1 CPU target last
            if (metrics != null) {
                specs.add(metrics.get(0));
            }
            metrics = specs;
        }
        ObjectNode behavior = null;
        String enc = annotation(v1, HpaConversion.BEHAVIOR);
        if (enc != null) {
            try {
                behavior = behaviorFromInternalJson(GoJson.parse(enc));
            } catch (GoJson.DecodeException ignored) {
                // kube ignores an annotation it cannot decode
            }
        }
        ArrayNode statuses = decodeList(v1, HpaConversion.METRIC_STATUSES, m -> HpaMetricFromV1.convert(m, HpaMetricSide.STATUS));
        if (statuses != null) {
            currentMetrics = statuses;
        }
        if (metrics == null || metrics.isEmpty()) {
            metrics = F.arrayNode().add(HpaConversion.cpuUtilizationMetric(HpaConversion.DEFAULT_CPU_UTILIZATION));
        }
        ArrayNode conditions = decodeList(v1, HpaConversion.CONDITIONS, HpaV1ToInternal::conditionFromV1);

        ObjectNode spec = HpaConversion.putSharedSpec(out, in);
        spec.set("metrics", metrics);
        if (behavior != null) {
            spec.set("behavior", behavior);
        }
        ObjectNode status = out.putObject("status");
        HpaConversion.copyIfSet(st, status, "observedGeneration");
        HpaConversion.copyIfSet(st, status, "lastScaleTime");
        if (st.path("currentReplicas").asInt(0) != 0) {
            status.put("currentReplicas", st.path("currentReplicas").asInt(0));
        }
        status.put("desiredReplicas", st.path("desiredReplicas").asInt(0));
        if (currentMetrics != null) {
            status.set("currentMetrics", currentMetrics);
        }
        if (conditions != null && !conditions.isEmpty()) {
            status.set("conditions", conditions);
        }
        return out;
    }

    private static String annotation(ObjectNode object, String key) {
        JsonNode v = object.path("metadata").path("annotations").get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /**
     * The list annotation {@code key} decoded by Go, each item converted by {@code item} (empty for a JSON
     * null); null when the object has no such annotation or Go cannot decode it, which kube ignores.
     */
    private static ArrayNode decodeList(ObjectNode v1, String key, Function<JsonNode, ObjectNode> item) {
        String enc = annotation(v1, key);
        if (enc == null) {
            return null;
        }
        try {
            ArrayNode decoded = GoJson.array(GoJson.parse(enc));
            ArrayNode converted = F.arrayNode();
            if (decoded != null) {
                for (JsonNode n : decoded) {
                    converted.add(item.apply(n));
                }
            }
            return converted;
        } catch (GoJson.DecodeException ignored) {
            // kube ignores an annotation it cannot decode
            return null;
        }
    }

    /** A v1 condition of the annotation, decoded by Go (a time must be RFC 3339), in v2's shape. */
    private static ObjectNode conditionFromV1(JsonNode node) {
        ObjectNode c = GoJson.object(node);
        ObjectNode out = F.objectNode();
        out.put("type", c == null ? "" : GoJson.string(GoJson.field(c, "type")));
        out.put("status", c == null ? "" : GoJson.string(GoJson.field(c, "status")));
        JsonNode t = c == null ? null : GoJson.field(c, "lastTransitionTime");
        if (!GoJson.isNull(t)) {
            if (!t.isTextual()) {
                throw new GoJson.DecodeException("cannot unmarshal into a time");
            }
            String formatted = HpaConversion.time(t.asText());
            if (formatted == null) {
                throw new GoJson.DecodeException("parsing time " + t.asText());
            }
            out.put("lastTransitionTime", formatted);
        }
        String reason = c == null ? "" : GoJson.string(GoJson.field(c, "reason"));
        String message = c == null ? "" : GoJson.string(GoJson.field(c, "message"));
        if (!reason.isEmpty()) {
            out.put("reason", reason);
        }
        if (!message.isEmpty()) {
            out.put("message", message);
        }
        return out;
    }

    /**
     * The behavior annotation, kube's internal {@code HorizontalPodAutoscalerBehavior} marshalled without
     * JSON tags, decoded by Go and written in v2's shape; null when it sets neither rule.
     */
    private static ObjectNode behaviorFromInternalJson(JsonNode node) {
        ObjectNode b = GoJson.object(node);
        if (b == null) {
            return null;
        }
        ObjectNode up = rulesFromInternalJson(GoJson.field(b, "ScaleUp"));
        ObjectNode down = rulesFromInternalJson(GoJson.field(b, "ScaleDown"));
        if (up == null && down == null) {
            return null;
        }
        ObjectNode out = F.objectNode();
        if (up != null) {
            out.set("scaleUp", up);
        }
        if (down != null) {
            out.set("scaleDown", down);
        }
        return out;
    }

    private static ObjectNode rulesFromInternalJson(JsonNode node) {
        ObjectNode r = GoJson.object(node);
        if (r == null) {
            return null;
        }
        Integer window = GoJson.int32(GoJson.field(r, "StabilizationWindowSeconds"));
        JsonNode select = GoJson.field(r, "SelectPolicy");
        String selectPolicy = GoJson.isNull(select) ? null : GoJson.string(select);
        ArrayNode policies = GoJson.array(GoJson.field(r, "Policies"));
        ObjectNode out = F.objectNode();
        if (window != null) {
            out.put("stabilizationWindowSeconds", window);
        }
        if (selectPolicy != null) {
            out.put("selectPolicy", selectPolicy);
        }
        if (policies != null && !policies.isEmpty()) {
            ArrayNode ps = out.putArray("policies");
            for (JsonNode p : policies) {
                ObjectNode po = GoJson.object(p);
                String type = po == null ? "" : GoJson.string(GoJson.field(po, "Type"));
                Integer value = po == null ? null : GoJson.int32(GoJson.field(po, "Value"));
                Integer period = po == null ? null : GoJson.int32(GoJson.field(po, "PeriodSeconds"));
                ps.addObject().put("type", type).put("value", value == null ? 0 : value)
                        .put("periodSeconds", period == null ? 0 : period);
            }
        } else if (policies != null) {
            // an empty list is set, though v2's JSON omits it: kept so that validation sees it
            out.putArray("policies");
        }
        return out;
    }
}
