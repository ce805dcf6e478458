package io.kapi.group.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube's StatefulSet (apps/v1): defaults (replicas 1, OrderedReady, RollingUpdate with partition 0,
 * revisionHistoryLimit 10, claims retained), validation, and kube's rule that an update may change only
 * replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds.
 */
final class StatefulSetStrategy implements Strategy {
    private static final Set<String> UPDATABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    /** kube's StatefulSet names are DNS-1123 labels: they name the pods and their hostnames. */
    @Override
    public List<String> validateName(String name, boolean prefix) {
        return io.kapi.machinery.validation.NameValidator.DNS1123_LABEL.validate(name, prefix);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Workloads.spec(object);
        Workloads.defaultText(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode update = Workloads.child(spec, "updateStrategy");
        if (!update.hasNonNull("type") || update.get("type").asText().isEmpty()) {
            update.put("type", "RollingUpdate");
            Workloads.child(update, "rollingUpdate");
        }
        if (update.path("type").asText().equals("RollingUpdate") && update.get("rollingUpdate") instanceof ObjectNode rolling) {
            Workloads.defaultNumber(rolling, "partition", 0);
        }
        ObjectNode retention = Workloads.child(spec, "persistentVolumeClaimRetentionPolicy");
        Workloads.defaultText(retention, "whenDeleted", "Retain");
        Workloads.defaultText(retention, "whenScaled", "Retain");
        Workloads.defaultNumber(spec, "replicas", 1);
        Workloads.defaultNumber(spec, "revisionHistoryLimit", 10);
        PodDefaults.template(Workloads.child(spec, "template"));
        for (JsonNode claim : spec.path("volumeClaimTemplates")) {
            if (claim instanceof ObjectNode c) {
                // kube's PersistentVolumeClaim defaults: Filesystem volumes, phase Pending
                Workloads.defaultText(Workloads.child(c, "spec"), "volumeMode", "Filesystem");
                Workloads.defaultText(Workloads.child(c, "status"), "phase", "Pending");
            }
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("replicas", 0).put("availableReplicas", 0);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String policy = spec.path("podManagementPolicy").asText("");
        if (policy.isEmpty()) {
            causes.add(FieldCause.required("spec.podManagementPolicy", ""));
        } else if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
            causes.add(FieldCause.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
        }
        JsonNode update = spec.path("updateStrategy");
        String type = update.path("type").asText("");
        switch (type) {
            case "" -> causes.add(FieldCause.required("spec.updateStrategy", ""));
            case "OnDelete" -> {
                if (update.hasNonNull("rollingUpdate")) {
                    causes.add(FieldCause.invalidRendered("spec.updateStrategy.rollingUpdate", rollingUpdate(update.get("rollingUpdate")),
                            "only allowed for updateStrategy 'RollingUpdate'"));
                }
            }
            case "RollingUpdate" -> {
                Workloads.nonNegative(update.path("rollingUpdate"), "partition", "spec.updateStrategy.rollingUpdate.partition", causes);
            }
            default -> causes.add(FieldCause.invalidRendered("spec.updateStrategy", "apps.StatefulSetUpdateStrategy{Type:"
                    + FieldCause.goQuote(type) + ", RollingUpdate:" + (update.hasNonNull("rollingUpdate")
                    ? "(*apps.RollingUpdateStatefulSetStrategy)(" + rollingUpdate(update.get("rollingUpdate")) + ")"
                    : "(*apps.RollingUpdateStatefulSetStrategy)(nil)") + "}", "must be 'RollingUpdate' or 'OnDelete'"));
        }
        JsonNode retention = spec.path("persistentVolumeClaimRetentionPolicy");
        for (String f : new String[] {"whenDeleted", "whenScaled"}) {
            String v = retention.path(f).asText("");
            if (!v.equals("Retain") && !v.equals("Delete")) {
                causes.add(FieldCause.notSupported("spec.persistentVolumeClaimRetentionPolicy." + f, v, List.of("Retain", "Delete")));
            }
        }
        Workloads.nonNegative(spec, "replicas", "spec.replicas", causes);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.minReadySeconds", causes);
        Workloads.nonNegative(spec.path("ordinals"), "start", "spec.ordinals.start", causes);
        Workloads.selectorAndTemplate(spec, Workloads.Rules.STATEFUL_SET, causes);
        return causes;
    }

    /** Go's {@code %#v} of a RollingUpdateStatefulSetStrategy. */
    private static String rollingUpdate(JsonNode r) {
        return "apps.RollingUpdateStatefulSetStrategy{Partition:" + (r.hasNonNull("partition") ? r.get("partition").asLong() : 0)
                + ", MaxUnavailable:(*intstr.IntOrString)(nil)}";
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        ObjectNode now = object.path("spec").deepCopy();
        ObjectNode before = old.path("spec").deepCopy();
        for (String f : UPDATABLE) {
            now.remove(f);
            before.remove(f);
        }
        if (!Objects.equals(now, before)) {
            causes.add(FieldCause.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                    + "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
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
                .age()
                .column(Workloads.CONTAINERS, Workloads::containers)
                .column(Workloads.IMAGES, Workloads::images)
                .build();
    }
}
