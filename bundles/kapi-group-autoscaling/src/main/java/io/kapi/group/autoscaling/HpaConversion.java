package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
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
 *
 * <p>This is the entry point, with v2's defaults, the dropping of the round-trip annotations, what both
 * directions share and quantities' forms; the conversions are {@link HpaV1ToInternal} and
 * {@link HpaInternalToV1}, their metrics' {@link HpaMetricFromV1} and {@link HpaMetricToV1}.
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
        ObjectNode v2 = HpaV1ToInternal.convert(v1);
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
        return HpaInternalToV1.convert(internal);
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

    // ---- shared by both directions

    /**
     * A converted object's start: apiVersion {@code autoscaling/version}, the kind (HorizontalPodAutoscaler
     * when unset), and a copy of the metadata without the round-trip annotations.
     */
    static ObjectNode header(ObjectNode from, String version) {
        ObjectNode out = F.objectNode();
        out.put("apiVersion", GROUP + "/" + version);
        out.put("kind", from.path("kind").asText(KIND).isEmpty() ? KIND : from.path("kind").asText(KIND));
        if (from.get("metadata") instanceof ObjectNode m) {
            out.set("metadata", m.deepCopy());
        }
        dropRoundTripAnnotations(out);
        return out;
    }

    /** The spec, put in {@code out}, with the fields v1 and v2 share: scaleTargetRef, minReplicas when set, maxReplicas. */
    static ObjectNode putSharedSpec(ObjectNode out, JsonNode in) {
        ObjectNode spec = out.putObject("spec");
        spec.set("scaleTargetRef", reference(in.path("scaleTargetRef")));
        if (in.hasNonNull("minReplicas")) {
            spec.put("minReplicas", in.get("minReplicas").asInt());
        }
        spec.put("maxReplicas", in.path("maxReplicas").asInt(0));
        return spec;
    }

    static void copyIfSet(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field).deepCopy());
        }
    }

    /** A {@code CrossVersionObjectReference} as Go writes it: kind, name, and apiVersion when set. */
    static ObjectNode reference(JsonNode ref) {
        ObjectNode r = F.objectNode().put("kind", ref.path("kind").asText("")).put("name", ref.path("name").asText(""));
        if (!ref.path("apiVersion").asText("").isEmpty()) {
            r.put("apiVersion", ref.path("apiVersion").asText());
        }
        return r;
    }

    /** {@code o}'s fields in {@code order} (a Go struct's field order), those it lacks left out. */
    static ObjectNode reorder(ObjectNode o, String... order) {
        ObjectNode out = F.objectNode();
        for (String k : order) {
            if (o.has(k)) {
                out.set(k, o.get(k));
            }
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
}
