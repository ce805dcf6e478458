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
import java.util.Objects;

/**
 * kube's Deployment (apps/v1): defaults (replicas 1, RollingUpdate 25 %/25 %, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600, the pod template's), validation (selector, template, strategy,
 * progress deadline; the selector is immutable), a generation bumped by spec and annotation changes,
 * and kube's printer columns.
 */
final class DeploymentStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Workloads.spec(object);
        Workloads.defaultNumber(spec, "replicas", 1);
        ObjectNode strategy = Workloads.child(spec, "strategy");
        Workloads.defaultText(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = Workloads.child(strategy, "rollingUpdate");
            if (!rolling.hasNonNull("maxUnavailable")) {
                rolling.put("maxUnavailable", "25%");
            }
            if (!rolling.hasNonNull("maxSurge")) {
                rolling.put("maxSurge", "25%");
            }
        }
        Workloads.defaultNumber(spec, "revisionHistoryLimit", 10);
        Workloads.defaultNumber(spec, "progressDeadlineSeconds", 600);
        PodDefaults.template(Workloads.child(spec, "template"));
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        // annotations are copied to the replica sets, so their changes bump the generation as spec changes do
        if (!Objects.equals(object.path("metadata").get("annotations"), old.path("metadata").get("annotations"))
                || !Objects.equals(object.get("spec"), old.get("spec"))) {
            Json.metadata(object).put("generation", old.path("metadata").path("generation").asLong(0) + 1);
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        Workloads.nonNegative(spec, "replicas", "spec.replicas", causes);
        Workloads.selectorAndTemplate(spec, Workloads.Rules.DEPLOYMENT, causes);
        strategy(spec.path("strategy"), causes);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.minReadySeconds", causes);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", causes);
        JsonNode deadline = spec.get("progressDeadlineSeconds");
        if (deadline != null && deadline.isNumber()) {
            Workloads.nonNegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", causes);
            if (deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
                causes.add(FieldCause.invalid("spec.progressDeadlineSeconds", deadline.asLong(), "must be greater than minReadySeconds"));
            }
        }
        return causes;
    }

    private static void strategy(JsonNode strategy, List<FieldCause> causes) {
        String type = strategy.path("type").asText("");
        switch (type) {
            case "Recreate" -> {
                if (strategy.hasNonNull("rollingUpdate")) {
                    causes.add(FieldCause.forbidden("spec.strategy.rollingUpdate",
                            "may not be specified when strategy `type` is 'Recreate'"));
                }
            }
            case "RollingUpdate" -> {
                JsonNode rolling = strategy.get("rollingUpdate");
                if (rolling == null || rolling.isNull()) {
                    causes.add(FieldCause.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"));
                    return;
                }
                String at = "spec.strategy.rollingUpdate";
                long unavailable = Workloads.intOrPercent(rolling.get("maxUnavailable"), at + ".maxUnavailable", true, causes);
                long surge = Workloads.intOrPercent(rolling.get("maxSurge"), at + ".maxSurge", false, causes);
                if (unavailable == 0 && surge == 0) {
                    causes.add(FieldCause.invalidRendered(at + ".maxUnavailable", Workloads.intOrString(rolling.get("maxUnavailable")),
                            "may not be 0 when `maxSurge` is 0"));
                }
            }
            default -> causes.add(new FieldCause("FieldValueNotSupported", "Unsupported value: apps.DeploymentStrategy{Type:"
                    + FieldCause.goQuote(type) + ", RollingUpdate:" + (strategy.hasNonNull("rollingUpdate")
                    ? "&apps.RollingUpdateDeployment{...}" : "(*apps.RollingUpdateDeployment)(nil)")
                    + "}: supported values: \"Recreate\", \"RollingUpdate\"", "spec.strategy"));
        }
    }

    /** A Deployment's SELECTOR cell: the selector's string form, "" when empty, {@code <invalid>} when it cannot convert. */
    static String selector(ObjectNode o) {
        try {
            return io.kapi.machinery.selection.LabelSelector.fromObject(o.path("spec").get("selector")).toString();
        } catch (IllegalArgumentException e) {
            return "<invalid>";
        }
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
                .column(Workloads.column("Ready", "string", "Number of the pod with ready state"),
                        o -> Workloads.number(o.path("status"), "readyReplicas") + "/" + Workloads.number(o.path("spec"), "replicas"))
                .column(Workloads.column("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                        o -> Workloads.number(o.path("status"), "updatedReplicas"))
                .column(Workloads.column("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                        o -> Workloads.number(o.path("status"), "availableReplicas"))
                .age()
                .column(Workloads.CONTAINERS, Workloads::containers)
                .column(Workloads.IMAGES, Workloads::images)
                .column(Workloads.SELECTOR, DeploymentStrategy::selector)
                .build();
    }
}
