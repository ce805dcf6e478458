package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/** kube's pod status strategy: the stored spec and owner references stay, and a status write without a QoS class keeps the stored one. */
final class PodStatusStrategy implements StatusStrategy, ResetFields {
    /**
     * kube's GetResetFields of the pod status strategy: {@code spec}, {@code metadata.deletionTimestamp}
     * (the store keeps the stored one) and {@code metadata.ownerReferences}.
     */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"), List.of("metadata", "deletionTimestamp"), List.of("metadata", "ownerReferences"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        ObjectNode metadata = object.with("metadata");
        if (old.path("metadata").has("ownerReferences")) {
            metadata.set("ownerReferences", old.path("metadata").get("ownerReferences"));
        } else {
            metadata.remove("ownerReferences");
        }
        if (object.path("status").path("qosClass").asText("").isEmpty() && old.path("status").has("qosClass")) {
            object.with("status").set("qosClass", old.path("status").get("qosClass"));
        }
    }
}
