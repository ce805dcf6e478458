package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * kube's HorizontalPodAutoscaler printer (pkg/printers/internalversion, printHorizontalPodAutoscaler),
 * which prints the internal version: NAME, REFERENCE ({@code Kind/Name}), TARGETS
 * ({@code formatHPAMetrics}: current/target of at most two metrics, resource metrics named, then
 * {@code + N more...}), MINPODS ({@code <unset>} without one), MAXPODS, REPLICAS, AGE. The descriptions
 * are the autoscaling/v2beta1 field docs kube's column definitions name.
 */
final class HpaPrinter {
    private static final int MAX_METRICS = 2;

    private HpaPrinter() {
    }

    /** The table of objects that {@code toInternal} turns into the internal version (autoscaling/v2's shape). */
    static TableConvertor table(UnaryOperator<ObjectNode> toInternal) {
        return Printer.builder().name()
                .column(TableColumn.of("Reference", "string", "scaleTargetRef points to the target resource to scale, and is used to "
                        + "the pods for which metrics should be collected, as well as to actually change the replica count."),
                        o -> reference(toInternal.apply(o)))
                .column(TableColumn.of("Targets", "string", "metrics contains the specifications for which to use to calculate the "
                        + "desired replica count (the maximum replica count across all metrics will be used).  The desired replica "
                        + "count is calculated multiplying the ratio between the target value and the current value by the current "
                        + "number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the "
                        + "individual metric source types for more information about how each type of metric must respond."),
                        o -> {
                            ObjectNode hpa = toInternal.apply(o);
                            return formatMetrics(hpa.path("spec").path("metrics"), hpa.path("status").path("currentMetrics"));
                        })
                .column(TableColumn.of("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the "
                        + "autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate "
                        + "HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as "
                        + "long as at least one metric value is available."),
                        o -> {
                            JsonNode min = toInternal.apply(o).path("spec").get("minReplicas");
                            return min == null || min.isNull() ? "<unset>" : Long.toString(min.asLong());
                        })
                .column(TableColumn.of("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the "
                        + "autoscaler can scale up. It cannot be less that minReplicas."),
                        o -> toInternal.apply(o).path("spec").path("maxReplicas").asLong(0))
                .column(TableColumn.of("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this "
                        + "autoscaler, as last seen by the autoscaler."),
                        o -> toInternal.apply(o).path("status").path("currentReplicas").asLong(0))
                .age()
                .build();
    }

    static String reference(JsonNode hpa) {
        JsonNode ref = hpa.path("spec").path("scaleTargetRef");
        return ref.path("kind").asText("") + "/" + ref.path("name").asText("");
    }

    /** A quantity as {@code (*Quantity).String()} prints it: {@code <nil>} when there is none. */
    private static String quantity(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "<nil>" : HpaConversion.quantityString(v);
    }

    private static boolean set(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v != null && !v.isNull();
    }

    /** kube's {@code formatHPAMetrics}: a metric's status is the one at the same index, whatever its type. */
    static String formatMetrics(JsonNode specs, JsonNode statuses) {
        if (!specs.isArray() || specs.isEmpty()) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < specs.size(); i++) {
            JsonNode spec = specs.get(i);
            JsonNode status = statuses.isArray() && statuses.size() > i ? statuses.get(i) : null;
            switch (spec.path("type").asText("")) {
                case "External", "Object" -> {
                    String source = spec.path("type").asText().equals("External") ? "external" : "object";
                    JsonNode target = spec.path(source).path("target");
                    boolean statusSet = status != null && set(status, source);
                    if (set(target, "averageValue")) {
                        String current = "<unknown>";
                        if (statusSet && set(status.get(source).path("current"), "averageValue")) {
                            current = quantity(status.get(source).path("current").get("averageValue"));
                        }
                        list.add(current + "/" + quantity(target.get("averageValue")) + " (avg)");
                    } else {
                        String current = statusSet ? quantity(status.get(source).path("current").get("value")) : "<unknown>";
                        list.add(current + "/" + quantity(target.get("value")));
                    }
                }
                case "Pods" -> {
                    String current = status != null && set(status, "pods")
                            ? quantity(status.get("pods").path("current").get("averageValue")) : "<unknown>";
                    list.add(current + "/" + quantity(spec.path("pods").path("target").get("averageValue")));
                }
                case "Resource", "ContainerResource" -> {
                    String source = spec.path("type").asText().equals("Resource") ? "resource" : "containerResource";
                    JsonNode src = spec.path(source);
                    JsonNode target = src.path("target");
                    String name = src.path("name").asText("");
                    boolean statusSet = status != null && set(status, source);
                    if (set(target, "averageValue")) {
                        String current = statusSet ? quantity(status.get(source).path("current").get("averageValue")) : "<unknown>";
                        list.add(name + ": " + current + "/" + quantity(target.get("averageValue")));
                    } else {
                        String current = "<unknown>";
                        if (statusSet && set(status.get(source).path("current"), "averageUtilization")) {
                            current = status.get(source).path("current").get("averageUtilization").asLong() + "%";
                        }
                        String goal = set(target, "averageUtilization") ? target.get("averageUtilization").asLong() + "%" : "<auto>";
                        list.add(name + ": " + current + "/" + goal);
                    }
                }
                default -> list.add("<unknown type>");
            }
            count++;
        }
        String ret = String.join(", ", count > MAX_METRICS ? list.subList(0, MAX_METRICS) : list);
        return count > MAX_METRICS ? ret + " + " + (count - MAX_METRICS) + " more..." : ret;
    }
}
