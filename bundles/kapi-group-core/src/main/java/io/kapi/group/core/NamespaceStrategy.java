package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidator;
import java.util.List;
import java.util.Map;

/**
 * kube's namespace strategy: the {@code kubernetes} finalizer and phase Active on create, status
 * kept on update, names that are DNS-1123 labels, and graceful deletion: a delete marks the
 * namespace Terminating and the core's namespace controller empties and removes it.
 */
final class NamespaceStrategy implements Strategy, GracefulDeletion {
    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode spec = object.has("spec") && object.get("spec").isObject() ? (ObjectNode) object.get("spec") : object.putObject("spec");
        boolean hasKubernetes = false;
        for (var f : spec.path("finalizers")) {
            hasKubernetes |= f.asText().equals("kubernetes");
        }
        if (!hasKubernetes) {
            (spec.has("finalizers") ? (com.fasterxml.jackson.databind.node.ArrayNode) spec.get("finalizers") : spec.putArray("finalizers")).add("kubernetes");
        }
        object.putObject("status").put("phase", "Active");
        Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", Json.name(object));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        object.set("status", old.get("status"));
        object.set("spec", old.get("spec") == null ? object.get("spec") : old.get("spec"));
        Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", Json.name(object));
    }

    /** kube's {@code ValidateNamespaceName}: a DNS-1123 label, checked by the store with the other metadata. */
    @Override
    public List<String> validateName(String name, boolean prefix) {
        return NameValidator.DNS1123_LABEL.validate(name, prefix);
    }

    @Override
    public void prepareForDelete(ObjectNode object) {
        object.with("status").put("phase", "Terminating");
    }

    @Override
    public boolean keepAfterMark(ObjectNode marked) {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("status.phase", Json.text(object.get("status"), "phase"));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Status", "string", "The status of the namespace"), o -> Json.text(o.get("status"), "phase"))
                .age().build();
    }
}
