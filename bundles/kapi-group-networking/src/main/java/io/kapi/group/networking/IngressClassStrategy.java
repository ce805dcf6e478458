package io.kapi.group.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** kube's IngressClass: a controller that never changes; printed with its controller and parameters. */
final class IngressClassStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        if (object.path("spec").get("parameters") instanceof ObjectNode parameters && !parameters.hasNonNull("scope")) {
            parameters.put("scope", "Cluster");
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        String controller = object.path("spec").path("controller").asText("");
        if (controller.isEmpty()) {
            causes.add(FieldCause.required("spec.controller", ""));
        } else if (controller.length() > 250) {
            causes.add(FieldCause.tooLong("spec.controller", 250));
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        if (!Objects.equals(object.path("spec").get("controller"), old.path("spec").get("controller"))) {
            causes.add(FieldCause.invalid("spec.controller", object.path("spec").path("controller").asText(""),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Controller", "string", "Controller that is responsible for handling this class"),
                        o -> o.path("spec").path("controller").asText(""))
                .column(TableColumn.of("Parameters", "string", "A reference to a resource with additional parameters"),
                        IngressClassStrategy::parameters)
                .age().build();
    }

    private static String parameters(ObjectNode o) {
        JsonNode p = o.path("spec").get("parameters");
        if (p == null || p.isNull()) {
            return "<none>";
        }
        String kind = p.path("kind").asText("");
        String group = p.path("apiGroup").asText("");
        return (group.isEmpty() ? kind : kind + "." + group) + "/" + p.path("name").asText("");
    }
}
