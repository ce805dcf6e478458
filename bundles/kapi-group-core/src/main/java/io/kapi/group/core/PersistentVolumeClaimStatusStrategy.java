package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube 1.32's PersistentVolumeClaim status strategy: the stored spec stays, the VolumeAttributesClass
 * status fields (gate off) only where the stored claim has them, and ValidatePersistentVolumeClaimStatusUpdate
 * with RecoverVolumeExpansionFailure on (the allocated resources and their resize statuses are checked).
 */
final class PersistentVolumeClaimStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's resizeStatusSet, sorted as its message lists it. */
    static final List<String> RESIZE_STATUSES = List.of("ControllerResizeInProgress", "ControllerResizeInfeasible",
            "NodeResizeInProgress", "NodeResizeInfeasible", "NodeResizePending");

    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        if (object.get("status") instanceof ObjectNode status) {
            for (String field : new String[] {"currentVolumeAttributesClassName", "modifyVolumeStatus"}) {
                if (!old.path("status").hasNonNull(field)) {
                    status.remove(field);
                }
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        if (object.path("spec").path("accessModes").size() == 0) {
            causes.add(FieldCause.required("Spec.accessModes", ""));
        }
        JsonNode status = object.path("status");
        JsonNode capacity = status.path("capacity");
        for (String k : Volumes.keys(capacity)) {
            String path = "status.capacity[" + k + "]";
            if (!Volumes.unparsable(capacity.get(k), path, causes)) {
                Volumes.basicResource(Volumes.quantity(capacity.get(k)), path, causes);
            }
        }
        JsonNode resizing = status.path("allocatedResourceStatuses");
        for (String k : Volumes.keys(resizing)) {
            causes.addAll(resourceKey(k, "status.allocatedResourceStatus"));
            if (!RESIZE_STATUSES.contains(resizing.get(k).asText(""))) {
                // kube passes the key, a ResourceName, which prints through its String method: unquoted
                StringBuilder b = new StringBuilder("Unsupported value: ").append(k).append(": supported values: ");
                for (int i = 0; i < RESIZE_STATUSES.size(); i++) {
                    b.append(i > 0 ? ", " : "").append(FieldCause.goQuote(RESIZE_STATUSES.get(i)));
                }
                causes.add(new FieldCause("FieldValueNotSupported", b.toString(), "status.allocatedResourceStatus"));
            }
        }
        JsonNode allocated = status.path("allocatedResources");
        for (String r : Volumes.keys(allocated)) {
            List<FieldCause> keyErrors = resourceKey(r, "status.allocatedResources");
            if (!keyErrors.isEmpty()) {
                causes.addAll(keyErrors);
                continue;
            }
            String path = "status.allocatedResources[" + r + "]";
            if (Volumes.unparsable(allocated.get(r), path, causes)) {
                continue;
            }
            Quantity q = Volumes.quantity(allocated.get(r));
            List<FieldCause> basic = new ArrayList<>();
            Volumes.basicResource(q, path, basic);
            if (!basic.isEmpty()) {
                causes.addAll(basic);
            } else if (q.sign() < 0) {
                causes.add(FieldCause.invalid(path, q.toString(), "must be greater than or equal to 0"));
            }
        }
        return causes;
    }

    /** kube's validatePersistentVolumeClaimResourceKey: a qualified name; a native one only {@code storage}. */
    static List<FieldCause> resourceKey(String value, String path) {
        List<FieldCause> causes = new ArrayList<>();
        for (String msg : NameValidation.isQualifiedName(value)) {
            causes.add(FieldCause.invalid(path, value, msg));
        }
        if (!causes.isEmpty()) {
            return causes;
        }
        boolean nativeResource = !value.contains("/") || value.contains("kubernetes.io/");
        if (nativeResource && !value.equals("storage")) {
            causes.add(FieldCause.notSupported(path, value, List.of("storage")));
        }
        return causes;
    }
}
