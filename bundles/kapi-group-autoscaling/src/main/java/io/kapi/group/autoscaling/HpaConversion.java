package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kapi.api.rest.VersionConverter;
import io.kapi.machinery.quantity.Quantity;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.TreeMap;

/**
 * HorizontalPodAutoscalers between autoscaling/v1 and autoscaling/v2, as kube converts them through its
 * internal version (pkg/apis/autoscaling/v1/conversion.go and v2/conversion.go). autoscaling/v2 has the
 * internal version's shape: it is the "internal" form here. autoscaling/v1 keeps what it cannot hold in
 * annotations: the metrics other than a CPU utilization target ({@value #METRIC_SPECS}, v1 MetricSpecs), the
 * current metrics ({@value #METRIC_STATUSES}, v1 MetricStatuses), the behavior ({@value #BEHAVIOR}, the
 * internal type marshalled without JSON tags, so with Go's field names) and the conditions
 * ({@value #CONDITIONS}); a v1 object read back has them turned into fields again and the annotations
 * dropped. The v1 CPU target is {@code spec.targetCPUUtilizationPercentage}; a v1 object without any
 * metric gets kube's implicit CPU utilization target of 80%.
 */
final class HpaConversion implements VersionConverter {
    static final String GROUP = "autoscaling";
    static final String KIND = "HorizontalPodAutoscaler";
    static final String METRIC_SPECS = "autoscaling.alpha.kubernetes.io/metrics";
    static final String METRIC_STATUSES = "autoscaling.alpha.kubernetes.io/current-metrics";
    static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
    /**
     * Stands, in a converted object, for Go's zero {@code resource.Quantity{}}: the value an absent
     * non-pointer quantity of autoscaling/v1 takes. It prints as {@code 0} but is not the parsed "0".
     */
    static final String ZERO_QUANTITY = "\u0000zero";
    static final List<String> ROUND_TRIP_ANNOTATIONS = List.of(METRIC_SPECS, BEHAVIOR, METRIC_STATUSES, CONDITIONS);
    /** {@code autoscaling.DefaultCPUUtilization}. */
    static final int DEFAULT_CPU_UTILIZATION = 80;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    @Override
    public ObjectNode convert(ObjectNode object, String toVersion) {
        String from = version(object);
        if (from.equals(toVersion)) {
            object.put("apiVersion", GROUP + "/" + toVersion);
            return object;
        }
        if (toVersion.equals("v2")) {
            return toV2(object);
        }
        if (toVersion.equals("v1")) {
            return toV1(object);
        }
        throw new IllegalArgumentException("no version " + toVersion + " of " + GROUP);
    }

    /**
     * The version of an object's {@code apiVersion} ({@code autoscaling/v1} is v1); without one, the
     * version its shape shows (only a v2 object has {@code spec.metrics}, which v2's defaults always set).
     */
    static String version(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        if (apiVersion.equals(GROUP + "/v1") || apiVersion.equals(GROUP + "/v2")) {
            return apiVersion.substring(GROUP.length() + 1);
        }
        return object.path("spec").has("metrics") ? "v2" : "v1";
    }

    /**
     * A v1 object as kube stores it in autoscaling/v2: converted to the internal version, then
     * written and read back in v2, whose decoding applies v2's defaults. Quantities take their
     * canonical form, as kube prints them.
     */
    static ObjectNode toV2(ObjectNode v1) {
        ObjectNode v2 = v1ToInternal(v1);
        canonicalizeQuantities(v2);
        if (v2.path("spec").get("behavior") instanceof ObjectNode behavior) {
            // Go's JSON leaves an empty policy list out: read back, it is unset
            for (JsonNode rules : behavior) {
                if (rules instanceof ObjectNode r && r.path("policies").isArray() && r.path("policies").isEmpty()) {
                    r.remove("policies");
                }
            }
        }
        applyV2Defaults(v2);
        return v2;
    }

    /** A v2 object (defaulted as decoding it does, its round-trip annotations dropped) in autoscaling/v1. */
    static ObjectNode toV1(ObjectNode v2) {
        ObjectNode internal = v2.deepCopy();
        dropRoundTripAnnotations(internal);
        applyV2Defaults(internal);
        return internalToV1(internal);
    }

    // ---- v2 defaults (pkg/apis/autoscaling/v2/defaults.go)

    /**
     * kube's v2 defaults: {@code minReplicas} 1; a CPU utilization target of 80% when there is no
     * metric; and when a behavior is given, every unset part of both its rules: scale up with no
     * stabilization window, policy {@code Max} of 4 pods or 100% every 15 seconds; scale down with policy
     * {@code Max} of 100% every 15 seconds and no window (the controller's flag, 300 s by default, applies).
     */
    static void applyV2Defaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (!spec.hasNonNull("minReplicas")) {
            spec.put("minReplicas", 1);
        }
        JsonNode metrics = spec.get("metrics");
        if (metrics == null || metrics.isNull() || (metrics.isArray() && metrics.isEmpty())) {
            spec.set("metrics", F.arrayNode().add(cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)));
        }
        if (spec.get("behavior") instanceof ObjectNode behavior) {
            behavior.set("scaleUp", scalingRules(behavior.get("scaleUp"), 0, List.of(policy("Pods", 4, 15), policy("Percent", 100, 15))));
            behavior.set("scaleDown", scalingRules(behavior.get("scaleDown"), null, List.of(policy("Percent", 100, 15))));
        }
    }

    private static ObjectNode scalingRules(JsonNode given, Integer window, List<ObjectNode> policies) {
        ObjectNode from = given instanceof ObjectNode o ? o : null;
        ObjectNode rules = F.objectNode();
        JsonNode w = from == null ? null : from.get("stabilizationWindowSeconds");
        if (w != null && !w.isNull()) {
            rules.set("stabilizationWindowSeconds", w);
        } else if (window != null) {
            rules.put("stabilizationWindowSeconds", window);
        }
        JsonNode select = from == null ? null : from.get("selectPolicy");
        rules.set("selectPolicy", select != null && !select.isNull() ? select : TextNode.valueOf("Max"));
        JsonNode p = from == null ? null : from.get("policies");
        rules.set("policies", p != null && !p.isNull() ? p : F.arrayNode().addAll(policies));
        return rules;
    }

    private static ObjectNode policy(String type, int value, int period) {
        return F.objectNode().put("type", type).put("value", value).put("periodSeconds", period);
    }

    static ObjectNode cpuUtilizationMetric(int utilization) {
        ObjectNode m = F.objectNode().put("type", "Resource");
        m.putObject("resource").put("name", "cpu").putObject("target").put("type", "Utilization")
                .put("averageUtilization", utilization);
        return m;
    }

    // ---- annotations

    /**
     * kube's {@code DropRoundTripHorizontalPodAutoscalerAnnotations}: the four v1 round-trip annotations
     * go (any object in v2, or in the internal version, holds them as fields); annotations left empty go
     * too, as Go omits an empty map.
     */
    static void dropRoundTripAnnotations(ObjectNode object) {
        if (!(object.get("metadata") instanceof ObjectNode m) || !(m.get("annotations") instanceof ObjectNode a)) {
            return;
        }
        boolean any = false;
        for (String k : ROUND_TRIP_ANNOTATIONS) {
            any |= a.remove(k) != null;
        }
        if (any && a.isEmpty()) {
            m.remove("annotations");
        }
    }

    private static String annotation(ObjectNode object, String key) {
        JsonNode v = object.path("metadata").path("annotations").get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    // ---- v1 -> internal

    /**
     * {@code Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler}: the internal
     * object (in v2's shape, apiVersion autoscaling/v2), without v2's defaults, with quantities as the
     * text they were given in ({@link #ZERO_QUANTITY} for a v1 quantity that was absent), so that
     * validation sees them as kube's does. An annotation Go cannot decode is ignored, as kube ignores it.
     */
    static ObjectNode v1ToInternal(ObjectNode v1) {
        ObjectNode out = F.objectNode();
        out.put("apiVersion", GROUP + "/v2");
        out.put("kind", v1.path("kind").asText(KIND).isEmpty() ? KIND : v1.path("kind").asText(KIND));
        if (v1.get("metadata") instanceof ObjectNode m) {
            out.set("metadata", m.deepCopy());
        }
        JsonNode in = v1.path("spec");
        ArrayNode metrics = null;
        if (in.hasNonNull("targetCPUUtilizationPercentage")) {
            metrics = F.arrayNode().add(cpuUtilizationMetric(in.get("targetCPUUtilizationPercentage").asInt()));
        }
        JsonNode st = v1.path("status");
        ArrayNode currentMetrics = null;
        if (st.hasNonNull("currentCPUUtilizationPercentage")) {
            ObjectNode cpu = F.objectNode().put("type", "Resource");
            cpu.putObject("resource").put("name", "cpu").putObject("current")
                    .put("averageUtilization", st.get("currentCPUUtilizationPercentage").asInt());
            currentMetrics = F.arrayNode().add(cpu);
        }

        String enc = annotation(v1, METRIC_SPECS);
        if (enc != null) {
            try {
                ArrayNode decoded = GoJson.array(GoJson.parse(enc));
                ArrayNode merged = F.arrayNode();
                if (decoded != null) {
                    for (JsonNode m : decoded) {
                        merged.add(metricSpecFromV1(m));
                    }
                }
                if (metrics != null) {
                    merged.add(metrics.get(0));
                }
                metrics = merged;
            } catch (GoJson.DecodeException ignored) {
                // kube ignores an annotation it cannot decode
            }
        }
        ObjectNode behavior = null;
        enc = annotation(v1, BEHAVIOR);
        if (enc != null) {
            try {
                behavior = behaviorFromInternalJson(GoJson.parse(enc));
            } catch (GoJson.DecodeException ignored) {
                // kube ignores an annotation it cannot decode
            }
        }
        enc = annotation(v1, METRIC_STATUSES);
        if (enc != null) {
            try {
                ArrayNode decoded = GoJson.array(GoJson.parse(enc));
                ArrayNode converted = F.arrayNode();
                if (decoded != null) {
                    for (JsonNode m : decoded) {
                        converted.add(metricStatusFromV1(m));
                    }
                }
                currentMetrics = converted;
            } catch (GoJson.DecodeException ignored) {
                // kube ignores an annotation it cannot decode
            }
        }
        if (metrics == null || metrics.isEmpty()) {
            metrics = F.arrayNode().add(cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION));
        }
        ArrayNode conditions = null;
        enc = annotation(v1, CONDITIONS);
        if (enc != null) {
            try {
                ArrayNode decoded = GoJson.array(GoJson.parse(enc));
                ArrayNode converted = F.arrayNode();
                if (decoded != null) {
                    for (JsonNode c : decoded) {
                        converted.add(conditionFromV1(c));
                    }
                }
                conditions = converted;
            } catch (GoJson.DecodeException ignored) {
                // kube ignores an annotation it cannot decode
            }
        }
        dropRoundTripAnnotations(out);

        ObjectNode spec = out.putObject("spec");
        spec.set("scaleTargetRef", reference(in.path("scaleTargetRef")));
        if (in.hasNonNull("minReplicas")) {
            spec.put("minReplicas", in.get("minReplicas").asInt());
        }
        spec.put("maxReplicas", in.path("maxReplicas").asInt(0));
        spec.set("metrics", metrics);
        if (behavior != null) {
            spec.set("behavior", behavior);
        }
        ObjectNode status = out.putObject("status");
        copyIfSet(st, status, "observedGeneration");
        copyIfSet(st, status, "lastScaleTime");
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

    private static void copyIfSet(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field).deepCopy());
        }
    }

    /** A {@code CrossVersionObjectReference} as Go writes it: kind, name, and apiVersion when set. */
    private static ObjectNode reference(JsonNode ref) {
        ObjectNode r = F.objectNode().put("kind", ref.path("kind").asText("")).put("name", ref.path("name").asText(""));
        if (!ref.path("apiVersion").asText("").isEmpty()) {
            r.put("apiVersion", ref.path("apiVersion").asText());
        }
        return r;
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

    private static ObjectNode identifier(String name, ObjectNode selector) {
        ObjectNode id = F.objectNode().put("name", name);
        if (selector != null) {
            id.set("selector", selector);
        }
        return id;
    }

    private static ObjectNode target(String type, TextNode value, TextNode averageValue, Integer averageUtilization) {
        ObjectNode t = F.objectNode().put("type", type);
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

    private static ObjectNode current(TextNode value, TextNode averageValue, Integer averageUtilization) {
        ObjectNode t = F.objectNode();
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

    /** A v1 {@code MetricSpec} of the annotation, decoded by Go and converted to the internal version. */
    private static ObjectNode metricSpecFromV1(JsonNode node) {
        ObjectNode m = GoJson.object(node);
        ObjectNode out = F.objectNode().put("type", m == null ? "" : GoJson.string(GoJson.field(m, "type")));
        if (m == null) {
            return out;
        }
        ObjectNode o = GoJson.object(GoJson.field(m, "object"));
        if (o != null) {
            ObjectNode ref = decodeReference(GoJson.field(o, "target"));
            String name = GoJson.string(GoJson.field(o, "metricName"));
            TextNode targetValue = GoJson.quantity(GoJson.field(o, "targetValue"));
            ObjectNode selector = decodeSelector(GoJson.field(o, "selector"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(o, "averageValue"));
            ObjectNode src = out.putObject("object");
            src.set("describedObject", ref);
            src.set("target", target(averageValue == null ? "Value" : "AverageValue", targetValue, averageValue, null));
            src.set("metric", identifier(name, selector));
        }
        ObjectNode p = GoJson.object(GoJson.field(m, "pods"));
        if (p != null) {
            String name = GoJson.string(GoJson.field(p, "metricName"));
            TextNode averageValue = GoJson.quantity(GoJson.field(p, "targetAverageValue"));
            ObjectNode selector = decodeSelector(GoJson.field(p, "selector"));
            ObjectNode src = out.putObject("pods");
            src.set("metric", identifier(name, selector));
            src.set("target", target("AverageValue", null, averageValue, null));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            ObjectNode r = GoJson.object(GoJson.field(m, kind));
            if (r != null) {
                String name = GoJson.string(GoJson.field(r, "name"));
                Integer utilization = GoJson.int32(GoJson.field(r, "targetAverageUtilization"));
                TextNode averageValue = GoJson.quantityPointer(GoJson.field(r, "targetAverageValue"));
                String container = kind.equals("containerResource") ? GoJson.string(GoJson.field(r, "container")) : null;
                ObjectNode src = out.putObject(kind).put("name", name);
                src.set("target", target(utilization == null ? "AverageValue" : "Utilization", null, averageValue, utilization));
                if (container != null) {
                    src.put("container", container);
                }
            }
        }
        ObjectNode e = GoJson.object(GoJson.field(m, "external"));
        if (e != null) {
            String name = GoJson.string(GoJson.field(e, "metricName"));
            ObjectNode selector = decodeSelector(GoJson.field(e, "metricSelector"));
            TextNode value = GoJson.quantityPointer(GoJson.field(e, "targetValue"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(e, "targetAverageValue"));
            ObjectNode src = out.putObject("external");
            src.set("metric", identifier(name, selector));
            src.set("target", target(value == null ? "AverageValue" : "Value", value, averageValue, null));
        }
        return reorder(out, "type", "object", "pods", "resource", "containerResource", "external");
    }

    /** A v1 {@code MetricStatus} of the annotation, decoded by Go and converted to the internal version. */
    private static ObjectNode metricStatusFromV1(JsonNode node) {
        ObjectNode m = GoJson.object(node);
        ObjectNode out = F.objectNode().put("type", m == null ? "" : GoJson.string(GoJson.field(m, "type")));
        if (m == null) {
            return out;
        }
        ObjectNode o = GoJson.object(GoJson.field(m, "object"));
        if (o != null) {
            ObjectNode ref = decodeReference(GoJson.field(o, "target"));
            String name = GoJson.string(GoJson.field(o, "metricName"));
            TextNode value = GoJson.quantity(GoJson.field(o, "currentValue"));
            ObjectNode selector = decodeSelector(GoJson.field(o, "selector"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(o, "averageValue"));
            ObjectNode src = out.putObject("object");
            src.set("metric", identifier(name, selector));
            src.set("current", current(value, averageValue, null));
            src.set("describedObject", ref);
        }
        ObjectNode p = GoJson.object(GoJson.field(m, "pods"));
        if (p != null) {
            String name = GoJson.string(GoJson.field(p, "metricName"));
            TextNode averageValue = GoJson.quantity(GoJson.field(p, "currentAverageValue"));
            ObjectNode selector = decodeSelector(GoJson.field(p, "selector"));
            ObjectNode src = out.putObject("pods");
            src.set("metric", identifier(name, selector));
            src.set("current", current(null, averageValue, null));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            ObjectNode r = GoJson.object(GoJson.field(m, kind));
            if (r != null) {
                String name = GoJson.string(GoJson.field(r, "name"));
                Integer utilization = GoJson.int32(GoJson.field(r, "currentAverageUtilization"));
                TextNode averageValue = GoJson.quantity(GoJson.field(r, "currentAverageValue"));
                String container = kind.equals("containerResource") ? GoJson.string(GoJson.field(r, "container")) : null;
                ObjectNode src = out.putObject(kind).put("name", name);
                src.set("current", current(null, averageValue, utilization));
                if (container != null) {
                    src.put("container", container);
                }
            }
        }
        ObjectNode e = GoJson.object(GoJson.field(m, "external"));
        if (e != null) {
            String name = GoJson.string(GoJson.field(e, "metricName"));
            ObjectNode selector = decodeSelector(GoJson.field(e, "metricSelector"));
            TextNode value = GoJson.quantity(GoJson.field(e, "currentValue"));
            TextNode averageValue = GoJson.quantityPointer(GoJson.field(e, "currentAverageValue"));
            ObjectNode src = out.putObject("external");
            src.set("metric", identifier(name, selector));
            src.set("current", current(value, averageValue, null));
        }
        return reorder(out, "type", "object", "pods", "resource", "containerResource", "external");
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
            String formatted = time(t.asText());
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

    /** An RFC 3339 time as {@code metav1.Time} writes it (UTC, whole seconds); null when it does not parse. */
    static String time(String text) {
        try {
            return RFC3339.format(OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return null;
        }
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

    private static ObjectNode reorder(ObjectNode o, String... order) {
        ObjectNode out = F.objectNode();
        for (String k : order) {
            if (o.has(k)) {
                out.set(k, o.get(k));
            }
        }
        return out;
    }

    // ---- quantities

    /** Every quantity of an internal object in its canonical form, as kube writes it ({@code 0} for the zero value). */
    static void canonicalizeQuantities(ObjectNode object) {
        canonicalizeSpecQuantities(object, false);
        canonicalizeStatusQuantities(object);
    }

    /**
     * The spec's quantities in their canonical form, or only its positive ones: kube's validation prints
     * a quantity it refuses (one not positive) as it was parsed, so those stay as given until refused.
     */
    static void canonicalizeSpecQuantities(ObjectNode object, boolean positiveOnly) {
        for (JsonNode m : object.path("spec").path("metrics")) {
            for (String kind : METRIC_KINDS) {
                if (m.path(kind).get("target") instanceof ObjectNode t) {
                    canonicalize(t, "value", positiveOnly);
                    canonicalize(t, "averageValue", positiveOnly);
                }
            }
        }
    }

    /** The status's quantities in their canonical form. */
    static void canonicalizeStatusQuantities(ObjectNode object) {
        for (JsonNode m : object.path("status").path("currentMetrics")) {
            for (String kind : METRIC_KINDS) {
                if (m.path(kind).get("current") instanceof ObjectNode c) {
                    canonicalize(c, "value", false);
                    canonicalize(c, "averageValue", false);
                }
            }
        }
    }

    static final List<String> METRIC_KINDS = List.of("object", "pods", "resource", "containerResource", "external");

    private static void canonicalize(ObjectNode parent, String field, boolean positiveOnly) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (positiveOnly) {
            try {
                if (parseQuantity(quantityText(v)).sign() != 1) {
                    return;
                }
            } catch (Quantity.InvalidQuantityException e) {
                return;
            }
        }
        parent.put(field, quantityString(v));
    }

    /**
     * The quantity a JSON value's text decodes to, as {@code Quantity.UnmarshalJSON} does: spaces
     * trimmed; {@link #ZERO_QUANTITY} is {@link Quantity#ZERO}, Go's zero value.
     *
     * @throws Quantity.InvalidQuantityException for a text {@code ParseQuantity} refuses
     */
    static Quantity parseQuantity(String text) {
        return ZERO_QUANTITY.equals(text) ? Quantity.ZERO : Quantity.parse(text.strip());
    }

    /** The text a JSON value gives {@code Quantity.UnmarshalJSON}. */
    static String quantityText(JsonNode v) {
        return v.isTextual() ? v.asText() : v.isIntegralNumber() ? v.asText() : v.isNumber()
                ? v.decimalValue().toPlainString() : v.toString();
    }

    /** A quantity's {@code String()}; its text as given when it does not parse. */
    static String quantityString(JsonNode v) {
        String text = quantityText(v);
        try {
            return parseQuantity(text).toString();
        } catch (Quantity.InvalidQuantityException e) {
            return text;
        }
    }

    // ---- internal -> v1

    /**
     * {@code Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler}: the v1 object,
     * with the annotations for what v1 cannot hold (the round-trip annotations the object had are
     * replaced), annotations sorted as Go writes a map.
     */
    static ObjectNode internalToV1(ObjectNode internal) {
        ObjectNode out = F.objectNode();
        out.put("apiVersion", GROUP + "/v1");
        out.put("kind", internal.path("kind").asText(KIND).isEmpty() ? KIND : internal.path("kind").asText(KIND));
        ObjectNode metadata = internal.get("metadata") instanceof ObjectNode m ? m.deepCopy() : null;
        if (metadata != null) {
            out.set("metadata", metadata);
        }
        dropRoundTripAnnotations(out);
        JsonNode in = internal.path("spec");
        JsonNode st = internal.path("status");

        ObjectNode spec = out.putObject("spec");
        spec.set("scaleTargetRef", reference(in.path("scaleTargetRef")));
        if (in.hasNonNull("minReplicas")) {
            spec.put("minReplicas", in.get("minReplicas").asInt());
        }
        spec.put("maxReplicas", in.path("maxReplicas").asInt(0));
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
            otherMetrics.add(metricSpecToV1(m));
        }

        ObjectNode status = out.putObject("status");
        copyIfSet(st, status, "observedGeneration");
        copyIfSet(st, status, "lastScaleTime");
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
            currentMetrics.add(metricStatusToV1(m));
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
            added.put(METRIC_SPECS, GoJson.marshal(otherMetrics));
        }
        if (!currentMetrics.isEmpty()) {
            added.put(METRIC_STATUSES, GoJson.marshal(currentMetrics));
        }
        if (in.get("behavior") instanceof ObjectNode behavior) {
            added.put(BEHAVIOR, GoJson.marshal(behaviorToInternalJson(behavior)));
        }
        if (!conditions.isEmpty()) {
            added.put(CONDITIONS, GoJson.marshal(conditions));
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
        return reorder(out, "apiVersion", "kind", "metadata", "spec", "status");
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

    private static void putSelector(ObjectNode o, String field, JsonNode selector) {
        ObjectNode s = selectorOut(selector);
        if (s != null) {
            o.set(field, s);
        }
    }

    /** A quantity as Go writes a {@code resource.Quantity}: its {@code String()}; the zero value is {@code "0"}. */
    private static TextNode quantity(JsonNode v) {
        return TextNode.valueOf(v == null || v.isNull() ? "0" : quantityString(v));
    }

    private static void putQuantityIfSet(ObjectNode o, String field, JsonNode v) {
        if (v != null && !v.isNull()) {
            o.set(field, quantity(v));
        }
    }

    private static ObjectNode metricSpecToV1(JsonNode m) {
        ObjectNode out = F.objectNode().put("type", m.path("type").asText(""));
        JsonNode o = m.get("object");
        if (o != null && o.isObject()) {
            JsonNode t = o.path("target");
            ObjectNode src = out.putObject("object");
            src.set("target", reference(o.path("describedObject")));
            src.put("metricName", o.path("metric").path("name").asText(""));
            src.set("targetValue", quantity(t.get("value")));
            putSelector(src, "selector", o.path("metric").get("selector"));
            putQuantityIfSet(src, "averageValue", t.get("averageValue"));
        }
        JsonNode p = m.get("pods");
        if (p != null && p.isObject()) {
            ObjectNode src = out.putObject("pods");
            src.put("metricName", p.path("metric").path("name").asText(""));
            src.set("targetAverageValue", quantity(p.path("target").get("averageValue")));
            putSelector(src, "selector", p.path("metric").get("selector"));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            JsonNode r = m.get(kind);
            if (r != null && r.isObject()) {
                JsonNode t = r.path("target");
                ObjectNode src = out.putObject(kind).put("name", r.path("name").asText(""));
                if (t.hasNonNull("averageUtilization")) {
                    src.put("targetAverageUtilization", t.get("averageUtilization").asInt());
                }
                putQuantityIfSet(src, "targetAverageValue", t.get("averageValue"));
                if (kind.equals("containerResource")) {
                    src.put("container", r.path("container").asText(""));
                }
            }
        }
        JsonNode e = m.get("external");
        if (e != null && e.isObject()) {
            JsonNode t = e.path("target");
            ObjectNode src = out.putObject("external");
            src.put("metricName", e.path("metric").path("name").asText(""));
            putSelector(src, "metricSelector", e.path("metric").get("selector"));
            putQuantityIfSet(src, "targetValue", t.get("value"));
            putQuantityIfSet(src, "targetAverageValue", t.get("averageValue"));
        }
        return out;
    }

    private static ObjectNode metricStatusToV1(JsonNode m) {
        ObjectNode out = F.objectNode().put("type", m.path("type").asText(""));
        JsonNode o = m.get("object");
        if (o != null && o.isObject()) {
            JsonNode c = o.path("current");
            ObjectNode src = out.putObject("object");
            src.set("target", reference(o.path("describedObject")));
            src.put("metricName", o.path("metric").path("name").asText(""));
            src.set("currentValue", quantity(c.get("value")));
            putSelector(src, "selector", o.path("metric").get("selector"));
            putQuantityIfSet(src, "averageValue", c.get("averageValue"));
        }
        JsonNode p = m.get("pods");
        if (p != null && p.isObject()) {
            ObjectNode src = out.putObject("pods");
            src.put("metricName", p.path("metric").path("name").asText(""));
            src.set("currentAverageValue", quantity(p.path("current").get("averageValue")));
            putSelector(src, "selector", p.path("metric").get("selector"));
        }
        for (String kind : new String[] {"resource", "containerResource"}) {
            JsonNode r = m.get(kind);
            if (r != null && r.isObject()) {
                JsonNode c = r.path("current");
                ObjectNode src = out.putObject(kind).put("name", r.path("name").asText(""));
                if (c.hasNonNull("averageUtilization")) {
                    src.put("currentAverageUtilization", c.get("averageUtilization").asInt());
                }
                src.set("currentAverageValue", quantity(c.get("averageValue")));
                if (kind.equals("containerResource")) {
                    src.put("container", r.path("container").asText(""));
                }
            }
        }
        JsonNode e = m.get("external");
        if (e != null && e.isObject()) {
            JsonNode c = e.path("current");
            ObjectNode src = out.putObject("external");
            src.put("metricName", e.path("metric").path("name").asText(""));
            putSelector(src, "metricSelector", e.path("metric").get("selector"));
            src.set("currentValue", quantity(c.get("value")));
            putQuantityIfSet(src, "currentAverageValue", c.get("averageValue"));
        }
        return out;
    }

    private static ObjectNode conditionToV1(JsonNode c) {
        ObjectNode out = F.objectNode().put("type", c.path("type").asText("")).put("status", c.path("status").asText(""));
        String t = c.path("lastTransitionTime").asText("");
        String formatted = t.isEmpty() ? null : time(t);
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
