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

/** kube's ReplicaSet (apps/v1): replicas 1 by default, selector and template rules, immutable selector, {@code status.replicas} as a field selector. */
final class ReplicaSetStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Workloads.spec(object);
        Workloads.defaultNumber(spec, "replicas", 1);
        PodDefaults.template(Workloads.child(spec, "template"));
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("replicas", 0);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        Workloads.nonNegative(spec, "replicas", "spec.replicas", causes);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.minReadySeconds", causes);
        Workloads.selectorAndTemplate(spec, Workloads.Rules.REPLICA_SET, causes);
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
                .column(Workloads.column("Desired", "integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
                        o -> Workloads.number(o.path("spec"), "replicas"))
                .column(Workloads.column("Current", "integer", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
                        o -> Workloads.number(o.path("status"), "replicas"))
                .column(Workloads.column("Ready", "integer", "The number of ready replicas for this replica set."),
                        o -> Workloads.number(o.path("status"), "readyReplicas"))
                .age()
                .column(Workloads.CONTAINERS, Workloads::containers)
                .column(Workloads.IMAGES, Workloads::images)
                .column(Workloads.wide("Selector", "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
                        Workloads::selector)
                .build();
    }

    static String name(ObjectNode o) {
        return Json.name(o);
    }
}
