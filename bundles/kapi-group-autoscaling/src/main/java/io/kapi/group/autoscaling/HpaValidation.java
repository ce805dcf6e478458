package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kube 1.32's HorizontalPodAutoscaler validation (pkg/apis/autoscaling/validation), on the internal
 * version (autoscaling/v2's shape): the spec's replica bounds, its target reference, each metric source
 * and target, the behavior's rules; and the status a /status write may set. Messages and field paths are
 * kube's, including where kube reports a value twice (a metric's unknown type is "Unsupported" twice).
 */
final class HpaValidation {
    /** The largest allowed scaling policy period (in seconds). */
    static final int MAX_PERIOD_SECONDS = 1800;
    /** The largest allowed stabilization window (in seconds). */
    static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;

    private static final List<String> METRIC_SOURCE_TYPES = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
    private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
    private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
    private static final Set<String> STANDARD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
            "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
            "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
            "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers");
    private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

    private HpaValidation() {
    }

    /**
     * The lowest {@code minReplicas} an object may have: 1, or 0 on an update of one that has 0 already
     * (the HPAScaleToZero gate, which would allow 0 always, is alpha and off in 1.32).
     */
    static int minReplicasLowerBound(JsonNode oldSpec) {
        return oldSpec != null && oldSpec.hasNonNull("minReplicas") && oldSpec.get("minReplicas").asLong() == 0 ? 0 : 1;
    }

    /** {@code validateHorizontalPodAutoscalerSpec} of an internal object's spec. */
    static List<FieldCause> validate(JsonNode hpa, int minReplicasLowerBound) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = hpa.path("spec");
        JsonNode min = spec.get("minReplicas");
        boolean hasMin = min != null && !min.isNull();
        long max = spec.path("maxReplicas").asLong(0);
        if (hasMin && min.asLong() < minReplicasLowerBound) {
            causes.add(FieldCause.invalid("spec.minReplicas", min.asLong(), "must be greater than or equal to " + minReplicasLowerBound));
        }
        if (max < 1) {
            causes.add(FieldCause.invalid("spec.maxReplicas", max, "must be greater than 0"));
        }
        if (hasMin && max < min.asLong()) {
            causes.add(FieldCause.invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
        }
        reference(spec.path("scaleTargetRef"), "spec.scaleTargetRef", causes);
        metrics(spec.path("metrics"), "spec.metrics", hasMin ? min.asLong() : null, causes);
        JsonNode behavior = spec.get("behavior");
        if (behavior != null && behavior.isObject()) {
            rules(behavior.get("scaleUp"), "spec.behavior.scaleUp", causes);
            rules(behavior.get("scaleDown"), "spec.behavior.scaleDown", causes);
        }
        return causes;
    }

    /** {@code ValidateHorizontalPodAutoscalerStatusUpdate}: replica counts that are not negative. */
    static List<FieldCause> validateStatus(JsonNode hpa) {
        List<FieldCause> causes = new ArrayList<>();
        for (String f : new String[] {"currentReplicas", "desiredReplicas"}) {
            long v = hpa.path("status").path(f).asLong(0);
            if (v < 0) {
                causes.add(FieldCause.invalid("status." + f, v, ObjectMetaValidation.IS_NEGATIVE));
            }
        }
        return causes;
    }

    private static boolean set(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v != null && !v.isNull();
    }

    private static String text(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() ? "" : v.asText("");
    }

    /** {@code ValidateCrossVersionObjectReference}: a kind and a name, each a valid path segment. */
    static void reference(JsonNode ref, String path, List<FieldCause> causes) {
        for (String f : new String[] {"kind", "name"}) {
            String v = text(ref, f);
            if (v.isEmpty()) {
                causes.add(FieldCause.required(path + "." + f, ""));
            } else {
                for (String msg : NameValidation.isPathSegmentName(v)) {
                    causes.add(FieldCause.invalid(path + "." + f, v, msg));
                }
            }
        }
    }

    private static void metrics(JsonNode metrics, String path, Long minReplicas, List<FieldCause> causes) {
        boolean objectOrExternal = false;
        int i = 0;
        for (JsonNode m : metrics) {
            metricSpec(m, path + "[" + i + "]", causes);
            String type = text(m, "type");
            objectOrExternal |= type.equals("Object") || type.equals("External");
            i++;
        }
        if (minReplicas != null && minReplicas == 0 && !objectOrExternal) {
            causes.add(FieldCause.forbidden(path, "must specify at least one Object or External metric to support scaling to zero replicas"));
        }
    }

    private static void metricSpec(JsonNode spec, String path, List<FieldCause> causes) {
        String type = text(spec, "type");
        if (type.isEmpty()) {
            causes.add(FieldCause.required(path + ".type", "must specify a metric source type"));
        }
        if (!METRIC_SOURCE_TYPES.contains(type)) {
            causes.add(FieldCause.notSupported(path + ".type", type, METRIC_SOURCE_TYPES));
        }
        Set<String> present = new LinkedHashSet<>();
        for (String source : new String[] {"object", "external", "pods", "resource", "containerResource"}) {
            if (set(spec, source)) {
                present.add(source);
                if (present.size() == 1) {
                    JsonNode src = spec.get(source);
                    String at = path + "." + source;
                    switch (source) {
                        case "object" -> objectSource(src, at, causes);
                        case "external" -> externalSource(src, at, causes);
                        case "pods" -> podsSource(src, at, causes);
                        case "resource" -> resourceSource(src, at, causes);
                        default -> containerResourceSource(src, at, causes);
                    }
                }
            }
        }
        String expected;
        switch (type) {
            case "Object" -> expected = "object";
            case "Pods" -> expected = "pods";
            case "Resource" -> expected = "resource";
            case "External" -> expected = "external";
            case "ContainerResource" -> expected = "containerResource";
            default -> {
                expected = "";
                causes.add(FieldCause.notSupported(path + ".type", type, METRIC_SOURCE_TYPES));
            }
        }
        if (!expected.isEmpty() && !set(spec, expected)) {
            causes.add(FieldCause.required(path + "." + expected, "must populate information for the given metric source"));
        }
        if (present.size() != 1) {
            // kube walks a Go map here, in no fixed order; these come in the order the sources are checked
            present.remove(expected);
            for (String source : present) {
                causes.add(FieldCause.forbidden(path + "." + source, "must populate the given metric source only"));
            }
        }
    }

    private static void objectSource(JsonNode src, String path, List<FieldCause> causes) {
        reference(src.path("describedObject"), path + ".describedObject", causes);
        identifier(src.path("metric"), path + ".metric", causes);
        JsonNode target = src.path("target");
        metricTarget(target, path + ".target", causes);
        if (!set(target, "value") && !set(target, "averageValue")) {
            causes.add(FieldCause.required(path + ".target.averageValue", "must set either a target value or averageValue"));
        }
    }

    private static void externalSource(JsonNode src, String path, List<FieldCause> causes) {
        identifier(src.path("metric"), path + ".metric", causes);
        JsonNode target = src.path("target");
        metricTarget(target, path + ".target", causes);
        if (!set(target, "value") && !set(target, "averageValue")) {
            causes.add(FieldCause.required(path + ".target.averageValue", "must set either a target value for metric or a per-pod target"));
        }
        if (set(target, "value") && set(target, "averageValue")) {
            causes.add(FieldCause.forbidden(path + ".target.value", "may not set both a target value for metric and a per-pod target"));
        }
    }

    private static void podsSource(JsonNode src, String path, List<FieldCause> causes) {
        identifier(src.path("metric"), path + ".metric", causes);
        JsonNode target = src.path("target");
        metricTarget(target, path + ".target", causes);
        if (!set(target, "averageValue")) {
            causes.add(FieldCause.required(path + ".target.averageValue", "must specify a positive target averageValue"));
        }
    }

    private static void containerResourceSource(JsonNode src, String path, List<FieldCause> causes) {
        String name = text(src, "name");
        if (name.isEmpty()) {
            causes.add(FieldCause.required(path + ".name", "must specify a resource name"));
        } else {
            containerResourceName(name, path + ".name", causes);
        }
        String container = text(src, "container");
        if (container.isEmpty()) {
            causes.add(FieldCause.required(path + ".container", "must specify a container"));
        } else {
            for (String msg : NameValidation.isDNS1123Label(container)) {
                causes.add(FieldCause.invalid(path + ".container", container, msg));
            }
        }
        utilizationOrValue(src.path("target"), path, causes);
    }

    private static void resourceSource(JsonNode src, String path, List<FieldCause> causes) {
        if (text(src, "name").isEmpty()) {
            causes.add(FieldCause.required(path + ".name", "must specify a resource name"));
        }
        utilizationOrValue(src.path("target"), path, causes);
    }

    private static void utilizationOrValue(JsonNode target, String path, List<FieldCause> causes) {
        metricTarget(target, path + ".target", causes);
        if (!set(target, "averageUtilization") && !set(target, "averageValue")) {
            causes.add(FieldCause.required(path + ".target.averageUtilization", "must set either a target raw value or a target utilization"));
        }
        if (set(target, "averageUtilization") && set(target, "averageValue")) {
            causes.add(FieldCause.forbidden(path + ".target.averageValue", "may not set both a target raw value and a target utilization"));
        }
    }

    private static void metricTarget(JsonNode target, String path, List<FieldCause> causes) {
        String type = text(target, "type");
        if (type.isEmpty()) {
            causes.add(FieldCause.required(path + ".type", "must specify a metric target type"));
        }
        if (!type.equals("Utilization") && !type.equals("Value") && !type.equals("AverageValue")) {
            causes.add(FieldCause.invalid(path + ".type", type, "must be either Utilization, Value, or AverageValue"));
        }
        positive(target, "value", path, causes);
        positive(target, "averageValue", path, causes);
        if (set(target, "averageUtilization") && target.get("averageUtilization").asLong() < 1) {
            causes.add(FieldCause.invalid(path + ".averageUtilization", target.get("averageUtilization").asLong(), "must be greater than 0"));
        }
    }

    private static void positive(JsonNode target, String field, String path, List<FieldCause> causes) {
        if (!set(target, field)) {
            return;
        }
        JsonNode v = target.get(field);
        Quantity q;
        try {
            q = HpaConversion.parseQuantity(HpaConversion.quantityText(v));
        } catch (RuntimeException e) {
            return; // kube refuses such a body when decoding it, before validation
        }
        if (q.sign() != 1) {
            causes.add(FieldCause.invalidRendered(path + "." + field, q.goSyntax(), "must be positive"));
        }
    }

    /** {@code validateMetricIdentifier}: a name that is a valid path segment. */
    private static void identifier(JsonNode id, String path, List<FieldCause> causes) {
        String name = text(id, "name");
        if (name.isEmpty()) {
            causes.add(FieldCause.required(path + ".name", "must specify a metric name"));
        } else {
            for (String msg : NameValidation.isPathSegmentName(name)) {
                causes.add(FieldCause.invalid(path + ".name", name, msg));
            }
        }
    }

    /** kube's {@code ValidateContainerResourceName} (pkg/apis/core/v1/validation). */
    static void containerResourceName(String value, String path, List<FieldCause> causes) {
        List<String> qualified = NameValidation.isQualifiedName(value);
        if (!qualified.isEmpty()) {
            for (String msg : qualified) {
                causes.add(FieldCause.invalid(path, value, msg));
            }
        } else if (!value.contains("/") && !STANDARD_RESOURCES.contains(value) && !value.startsWith("hugepages-")
                && !value.startsWith("requests.hugepages-")) {
            causes.add(FieldCause.invalid(path, value, "must be a standard resource type or fully qualified"));
        }
        if (!value.contains("/")) {
            if (!STANDARD_CONTAINER_RESOURCES.contains(value) && !value.startsWith("hugepages-")) {
                causes.add(FieldCause.invalid(path, value, "must be a standard resource for containers"));
            }
        } else if (!nativeResource(value) && !extendedResource(value)) {
            causes.add(FieldCause.invalid(path, value, "doesn't follow extended resource name standard"));
        }
    }

    private static boolean nativeResource(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    private static boolean extendedResource(String name) {
        if (nativeResource(name) || name.startsWith("requests.")) {
            return false;
        }
        return NameValidation.isQualifiedName("requests." + name).isEmpty();
    }

    /** {@code validateScalingRules} of one direction's rules, when given. */
    private static void rules(JsonNode rules, String path, List<FieldCause> causes) {
        if (rules == null || !rules.isObject()) {
            return;
        }
        if (set(rules, "stabilizationWindowSeconds")) {
            long w = rules.get("stabilizationWindowSeconds").asLong();
            if (w < 0) {
                causes.add(FieldCause.invalid(path + ".stabilizationWindowSeconds", w, "must be greater than or equal to zero"));
            }
            if (w > MAX_STABILIZATION_WINDOW_SECONDS) {
                causes.add(FieldCause.invalid(path + ".stabilizationWindowSeconds", w,
                        "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
            }
        }
        if (set(rules, "selectPolicy") && !SELECT_POLICIES.contains(text(rules, "selectPolicy"))) {
            causes.add(FieldCause.notSupported(path + ".selectPolicy", text(rules, "selectPolicy"), SELECT_POLICIES));
        }
        JsonNode policies = rules.path("policies");
        if (!policies.isArray() || policies.isEmpty()) {
            causes.add(FieldCause.required(path + ".policies", "must specify at least one Policy"));
        }
        int i = 0;
        for (JsonNode p : policies) {
            String at = path + ".policies[" + i++ + "]";
            String type = text(p, "type");
            if (!POLICY_TYPES.contains(type)) {
                causes.add(FieldCause.notSupported(at + ".type", type, POLICY_TYPES));
            }
            long value = p.path("value").asLong(0);
            if (value <= 0) {
                causes.add(FieldCause.invalid(at + ".value", value, "must be greater than zero"));
            }
            long period = p.path("periodSeconds").asLong(0);
            if (period <= 0) {
                causes.add(FieldCause.invalid(at + ".periodSeconds", period, "must be greater than zero"));
            }
            if (period > MAX_PERIOD_SECONDS) {
                causes.add(FieldCause.invalid(at + ".periodSeconds", period, "must be less than or equal to " + MAX_PERIOD_SECONDS));
            }
        }
    }
}
