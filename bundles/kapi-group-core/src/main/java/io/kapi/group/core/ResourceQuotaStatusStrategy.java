package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's resource quota status strategy: the stored spec stays; ValidateResourceQuotaStatusUpdate, which
 * wants the write to name the resourceVersion it read (a patch always does).
 */
final class ResourceQuotaStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        if (Json.text(object.get("metadata"), "resourceVersion").isEmpty()) {
            causes.add(FieldCause.required("resourceVersion", ""));
        }
        ResourceQuotaStrategy.status(object.path("status"), causes);
        return causes;
    }
}
