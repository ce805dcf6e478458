package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodDefaults;
import io.kapi.machinery.pods.PodValidation;
import java.util.List;

/**
 * kube 1.32's PodTemplate (pkg/registry/core/podtemplate): the template's pod spec defaults, generation 1
 * on create and one more for each change of the template, ValidatePodTemplate (any restart policy).
 */
final class PodTemplateStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        // a PodTemplateSpec, not a pointer: Go always writes it
        ObjectNode template = object.get("template") instanceof ObjectNode t ? t : object.putObject("template");
        PodDefaults.template(template);
    }

    /** The store sets generation 1 on create and keeps it on updates; a template change bumps it here. */
    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (!object.path("template").equals(old.path("template"))) {
            ObjectNode metadata = Json.metadata(object);
            metadata.put("generation", old.path("metadata").path("generation").asLong(0) + 1);
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return PodValidation.template(object.path("template"), "template", PodValidation.ANY);
    }

    /** kube's printPodTemplate: NAME CONTAINERS IMAGES POD LABELS. */
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Containers", "string", "Names of each container in the template."),
                        o -> ReplicationControllerStrategy.containers(o.path("template"), "name"))
                .column(TableColumn.of("Images", "string", "Images referenced by each container in the template."),
                        o -> ReplicationControllerStrategy.containers(o.path("template"), "image"))
                .column(TableColumn.of("Pod Labels", "string", "The labels for the pod template."),
                        o -> labels(o.path("template").path("metadata").get("labels")))
                .build();
    }

    private static String labels(JsonNode labels) {
        return ResourceLists.formatLabels(labels);
    }
}
