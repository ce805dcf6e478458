package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import io.kapi.machinery.validation.NameValidator;
import java.util.List;
import java.util.Map;

/**
 * kube's namespace strategy: the {@code kubernetes} finalizer and phase Active on create, spec and status
 * kept on update, names that are DNS-1123 labels, finalizer names that are standard or fully qualified, and
 * graceful deletion: a delete marks the namespace Terminating and it stays while {@code spec.finalizers}
 * holds anything. The core's namespace controller empties it and takes its {@code kubernetes} finalizer off
 * (kube's {@code namespaces/finalize}); the namespace goes once no finalizer is left, in {@code spec} or in
 * {@code metadata} (kube's {@code ShouldDeleteNamespaceDuringUpdate}).
 */
class NamespaceStrategy implements Strategy, GracefulDeletion {

    /**
     * kube's {@code SetDefaults_Namespace}: the {@code kubernetes.io/metadata.name} label, set as the object is decoded,
     * so the writer owns it in the managed fields as in kube (a name still to be generated gets it on create).
     */
    @Override
    public void applyDefaults(ObjectNode object) {
        String name = Json.name(object);
        if (!name.isEmpty()) {
            Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", name);
        }
    }

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

    /**
     * kube's {@code ValidateNamespace}: each of {@code spec.finalizers} a qualified name, and a standard one unless it
     * is fully qualified. kube reports these at {@code spec.finalizers}, without the index it gives on finalize.
     */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return finalizerNames(object, false);
    }

    /** kube's {@code ValidateNamespaceUpdate}: metadata only (checked by the store); the spec is the stored one. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return List.of();
    }

    static List<FieldCause> finalizerNames(ObjectNode object, boolean indexed) {
        List<FieldCause> causes = new java.util.ArrayList<>();
        JsonNode finalizers = object.path("spec").path("finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            String name = finalizers.get(i).asText();
            String path = indexed ? "spec.finalizers[" + i + "]" : "spec.finalizers";
            for (String msg : NameValidation.isQualifiedName(name)) {
                causes.add(FieldCause.invalid(path, name, msg));
            }
            String kubeError = ObjectMetaValidation.kubeFinalizerNameError(name);
            if (kubeError != null) {
                causes.add(FieldCause.invalid(path, name, kubeError));
            }
        }
        return causes;
    }

    @Override
    public void prepareForDelete(ObjectNode object) {
        object.with("status").put("phase", "Terminating");
    }

    /**
     * A namespace stays while {@code spec.finalizers} holds anything. kube's delete of a namespace whose finalizers
     * were all taken off before it was deleted marks it all the same and removes it only on a second delete; here
     * it goes at once, which is where kube's ends.
     */
    @Override
    public boolean keepAfterMark(ObjectNode marked) {
        return marked.path("spec").path("finalizers").size() > 0;
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
