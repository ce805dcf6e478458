package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube 1.32's VolumeAttachment status strategy: the stored spec stays, the metadata a status write may
 * not change is the stored one ({@code ResetObjectMetaForStatus}: labels, annotations, finalizers,
 * owner references, generation, deletion timestamp), and the update is validated as the main
 * resource's is. Go's status struct always carries {@code attached}.
 */
final class VolumeAttachmentStatusStrategy implements StatusStrategy, ResetFields {
    private static final List<String> RESET = List.of("deletionTimestamp", "generation", "labels", "annotations", "finalizers",
            "ownerReferences");

    /**
     * kube's GetResetFields of the VolumeAttachment status strategy: all of {@code metadata} and
     * {@code spec}; an applier through /status owns only status fields.
     */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("metadata"), List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        ObjectNode meta = Json.metadata(object);
        JsonNode oldMeta = old.path("metadata");
        for (String field : RESET) {
            JsonNode v = oldMeta.get(field);
            if (v == null) {
                meta.remove(field);
            } else {
                meta.set(field, v.deepCopy());
            }
        }
        ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
        if (GoForms.isNil(status.get("attached"))) {
            status.put("attached", false);
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return VolumeAttachmentStrategy.validateUpdateOf(object, old);
    }
}
