package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.GoValues;
import io.kapi.machinery.pods.PodDefaults;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube 1.32's ReplicationController as a stored object (no controller): SetDefaults_ReplicationController
 * (selector and labels from the template's labels, one replica), an empty status on create, the generation
 * bumped by spec changes (the store's, {@link #tracksGeneration}), ValidateReplicationController and
 * kube's strategy checks of non-convertible fields. kube's strategy orphans dependents by default
 * (DefaultGarbageCollectionPolicy), which is the garbage collector's to honour.
 */
final class ReplicationControllerStrategy implements Strategy, GarbageCollectionPolicy {
    /** kube keeps orphaning as the default of a delete through core/v1 that names no propagation. */
    @Override
    public Policy defaultGarbageCollectionPolicy(String version) {
        return version.equals("v1") ? Policy.ORPHAN_DEPENDENTS : Policy.DELETE_DEPENDENTS;
    }

    static final String NON_CONVERTIBLE = "non-convertible.kubernetes.io";

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (spec.get("template") instanceof ObjectNode template) {
            JsonNode labels = template.path("metadata").get("labels");
            if (labels instanceof ObjectNode l && !l.isEmpty()) {
                if (spec.path("selector").size() == 0) {
                    spec.set("selector", l.deepCopy());
                }
                ObjectNode metadata = Json.metadata(object);
                if (metadata.path("labels").size() == 0) {
                    metadata.set("labels", l.deepCopy());
                }
            }
            PodDefaults.template(template);
        }
        if (!spec.hasNonNull("replicas")) {
            spec.put("replicas", 1);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("replicas", 0);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    /** kube's ValidateReplicationControllerSpec (its metadata is the store's). */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        nonNegative(spec, "minReadySeconds", causes);
        JsonNode selector = spec.get("selector");
        if (selector == null || selector.size() == 0) {
            causes.add(FieldCause.required("spec.selector", ""));
        }
        nonNegative(spec, "replicas", causes);
        // ValidatePodTemplateSpecForRC
        JsonNode template = spec.get("template");
        if (template == null || template.isNull()) {
            causes.add(FieldCause.required("spec.template", ""));
            return causes;
        }
        JsonNode labels = template.path("metadata").get("labels");
        if (selector != null && selector.size() > 0) {
            Map<String, String> have = Json.stringMap(labels);
            boolean matches = true;
            for (Map.Entry<String, String> e : Json.stringMap(selector).entrySet()) {
                matches &= Objects.equals(have.get(e.getKey()), e.getValue());
            }
            if (!matches) {
                causes.add(FieldCause.invalidRendered("spec.template.metadata.labels", GoValues.stringMap(labels),
                        "`selector` does not match template `labels`"));
            }
        }
        // the pod template validation the apps/v1 workloads share, restart policy Always
        causes.addAll(PodValidation.template(template, "spec.template", PodValidation.ALWAYS));
        if (template.path("spec").hasNonNull("activeDeadlineSeconds")) {
            causes.add(FieldCause.forbidden("spec.template.spec.activeDeadlineSeconds",
                    "activeDeadlineSeconds in ReplicationController is not Supported"));
        }
        return causes;
    }

    private static void nonNegative(JsonNode spec, String field, List<FieldCause> causes) {
        JsonNode v = spec.get(field);
        if (v != null && v.isNumber() && v.asLong() < 0) {
            causes.add(FieldCause.invalid("spec." + field, v.asLong(), ObjectMetaValidation.IS_NEGATIVE));
        }
    }

    /**
     * kube's strategy validates the spec twice (ValidateReplicationController, then
     * ValidateReplicationControllerUpdate), so each spec error is reported twice; then the fields the old
     * object marks non-convertible.
     */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        causes.addAll(validate(object));
        JsonNode annotations = old.path("metadata").path("annotations");
        for (String key : ResourceLists.keys(annotations)) {
            if (!key.startsWith(NON_CONVERTIBLE)) {
                continue;
            }
            String[] parts = key.split("/", -1);
            if (parts.length != 2) {
                continue;
            }
            if (parts[1].contains("selector")) {
                JsonNode now = object.path("spec").get("selector");
                if (!Objects.equals(Json.stringMap(now), Json.stringMap(old.path("spec").get("selector")))) {
                    causes.add(FieldCause.invalidRendered("spec.selector", GoValues.stringMap(now),
                            "cannot update non-convertible selector"));
                }
            } else {
                causes.add(new FieldCause("FieldValueNotFound", "Not found: " + FieldCause.goQuote(annotations.path(key).asText(""))
                        + ": unknown non-convertible field", parts[1]));
            }
        }
        return causes;
    }

    /** kube's ControllerToSelectableFields: {@code status.replicas} beside the metadata fields. */
    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("status.replicas", Long.toString(object.path("status").path("replicas").asLong(0)));
    }

    /** kube's printReplicationController: NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR. */
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Desired", "integer", "Replicas is the number of desired replicas. This is a pointer to "
                        + "distinguish between explicit zero and unspecified. Defaults to 1. More info: "
                        + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
                        o -> o.path("spec").path("replicas").asLong(0))
                .column(TableColumn.of("Current", "integer", "Replicas is the most recently observed number of replicas. More info: "
                        + "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
                        o -> o.path("status").path("replicas").asLong(0))
                .column(TableColumn.of("Ready", "integer", "The number of ready replicas for this replication controller."),
                        o -> o.path("status").path("readyReplicas").asLong(0))
                .age()
                .column(wide("Containers", "Names of each container in the template."), o -> containers(o.path("spec").path("template"), "name"))
                .column(wide("Images", "Images referenced by each container in the template."), o -> containers(o.path("spec").path("template"), "image"))
                .column(wide("Selector", "Selector is a label query over pods that should match the Replicas count. If Selector is "
                        + "empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in "
                        + "order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: "
                        + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
                        o -> ResourceLists.formatLabels(o.path("spec").get("selector")))
                .build();
    }

    static TableColumn wide(String name, String description) {
        return new TableColumn(name, "string", "", description, 1);
    }

    /** kube's layoutContainerCells: one field of each container of a template, comma-separated. */
    static String containers(JsonNode template, String field) {
        List<String> out = new ArrayList<>();
        template.path("spec").path("containers").forEach(c -> out.add(c.path(field).asText("")));
        return String.join(",", out);
    }
}
