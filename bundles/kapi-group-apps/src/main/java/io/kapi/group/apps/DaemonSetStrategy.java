package io.kapi.group.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** kube's DaemonSet (apps/v1): RollingUpdate 1/0 and revisionHistoryLimit 10 by default, selector and template rules, immutable selector. */
final class DaemonSetStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Workloads.spec(object);
        ObjectNode update = Workloads.child(spec, "updateStrategy");
        Workloads.defaultText(update, "type", "RollingUpdate");
        if (update.path("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = Workloads.child(update, "rollingUpdate");
            if (!rolling.hasNonNull("maxUnavailable")) {
                rolling.put("maxUnavailable", 1);
            }
            if (!rolling.hasNonNull("maxSurge")) {
                rolling.put("maxSurge", 0);
            }
        }
        Workloads.defaultNumber(spec, "revisionHistoryLimit", 10);
        PodDefaults.template(Workloads.child(spec, "template"));
    }

    /** apps/v1 keeps kube's internal templateGeneration in this annotation. */
    static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode annotations = Workloads.child(Json.metadata(object), "annotations");
        long generation = parse(annotations.path(TEMPLATE_GENERATION).asText(""));
        annotations.put(TEMPLATE_GENERATION, Long.toString(Math.max(1, generation)));
        object.putObject("status").put("currentNumberScheduled", 0).put("numberMisscheduled", 0)
                .put("desiredNumberScheduled", 0).put("numberReady", 0);
    }

    /**
     * kube's DaemonSet update: the template generation is the server's (kept from the stored object);
     * a template change raises it and the generation, any other spec change the generation only.
     */
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        long before = parse(old.path("metadata").path("annotations").path(TEMPLATE_GENERATION).asText(""));
        ObjectNode annotations = Workloads.child(Json.metadata(object), "annotations");
        long oldGeneration = old.path("metadata").path("generation").asLong(0);
        if (!java.util.Objects.equals(object.path("spec").get("template"), old.path("spec").get("template"))) {
            annotations.put(TEMPLATE_GENERATION, Long.toString(before + 1));
            Json.metadata(object).put("generation", oldGeneration + 1);
        } else {
            annotations.put(TEMPLATE_GENERATION, Long.toString(before));
            if (!java.util.Objects.equals(object.get("spec"), old.get("spec"))) {
                Json.metadata(object).put("generation", oldGeneration + 1);
            }
        }
    }

    private static long parse(String value) {
        try {
            return value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        Workloads.selectorAndTemplate(spec, Workloads.Rules.DAEMON_SET, causes);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.minReadySeconds", causes);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", causes);
        JsonNode update = spec.path("updateStrategy");
        String type = update.path("type").asText("");
        switch (type) {
            case "OnDelete" -> {
            }
            case "RollingUpdate" -> {
                JsonNode rolling = update.get("rollingUpdate");
                if (rolling == null || rolling.isNull()) {
                    causes.add(FieldCause.required("spec.updateStrategy.rollingUpdate", ""));
                } else {
                    String at = "spec.updateStrategy.rollingUpdate";
                    long unavailable = Workloads.intOrPercent(rolling.get("maxUnavailable"), at + ".maxUnavailable", true, causes);
                    long surge = Workloads.intOrPercent(rolling.get("maxSurge"), at + ".maxSurge", true, causes);
                    if (unavailable == 0 && surge == 0) {
                        causes.add(FieldCause.required(at + ".maxUnavailable", "cannot be 0 when maxSurge is 0"));
                    }
                    if (unavailable > 0 && surge > 0) {
                        causes.add(FieldCause.invalidRendered(at + ".maxSurge", Workloads.intOrString(rolling.get("maxSurge")),
                                "may not be set when maxUnavailable is non-zero"));
                    }
                }
            }
            default -> causes.add(new FieldCause("FieldValueNotSupported", "Unsupported value: apps.DaemonSetUpdateStrategy{Type:"
                    + FieldCause.goQuote(type) + ", RollingUpdate:" + (update.hasNonNull("rollingUpdate")
                    ? "&apps.RollingUpdateDaemonSet{...}" : "(*apps.RollingUpdateDaemonSet)(nil)")
                    + "}: supported values: \"RollingUpdate\", \"OnDelete\"", "spec.updateStrategy"));
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        Workloads.immutableSelector(object.path("spec"), old.path("spec"), causes);
        return causes;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return Workloads.printer()
                .column(Workloads.column("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
                        o -> Workloads.number(o.path("status"), "desiredNumberScheduled"))
                .column(Workloads.column("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
                        o -> Workloads.number(o.path("status"), "currentNumberScheduled"))
                .column(Workloads.column("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
                        o -> Workloads.number(o.path("status"), "numberReady"))
                .column(Workloads.column("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
                        o -> Workloads.number(o.path("status"), "updatedNumberScheduled"))
                .column(Workloads.column("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
                        o -> Workloads.number(o.path("status"), "numberAvailable"))
                .column(Workloads.column("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
                        DaemonSetStrategy::nodeSelector)
                .age()
                .column(Workloads.CONTAINERS, Workloads::containers)
                .column(Workloads.IMAGES, Workloads::images)
                .column(Workloads.wide("Selector", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
                        Workloads::selector)
                .build();
    }

    /** kube's {@code labels.FormatLabels} of the template's node selector: sorted {@code k=v} pairs, {@code <none>} when empty. */
    static String nodeSelector(ObjectNode o) {
        Map<String, String> sorted = new TreeMap<>(Json.stringMap(o.path("spec").path("template").path("spec").get("nodeSelector")));
        if (sorted.isEmpty()) {
            return "<none>";
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }
}
