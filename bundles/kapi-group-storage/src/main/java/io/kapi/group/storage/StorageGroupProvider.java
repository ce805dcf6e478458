package io.kapi.group.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * storage.k8s.io/v1 with kube 1.32's schema: storageclasses (short name {@code sc}), csidrivers,
 * csinodes and volumeattachments (with a {@code status} subresource), all cluster-scoped, and the
 * namespaced csistoragecapacities: all of storage.k8s.io/v1 kube 1.32 serves, each with kube's
 * strategy. None has categories.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class StorageGroupProvider implements APIGroupProvider {
    static final String GROUP = "storage.k8s.io";
    static final ObjectNode OPENAPI = Json.resource(StorageGroupProvider.class, "storage-v1-openapi.json");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "storageclasses", "StorageClass").shortNames("sc")
                    .openApi(OPENAPI, "io.k8s.api.storage.v1.StorageClass").strategy(new StorageClassStrategy(OPENAPI)).build(),
            ResourceDefinition.builder("v1", "csidrivers", "CSIDriver")
                    .openApi(OPENAPI, "io.k8s.api.storage.v1.CSIDriver").strategy(new CSIDriverStrategy(OPENAPI)).build(),
            ResourceDefinition.builder("v1", "csinodes", "CSINode")
                    .openApi(OPENAPI, "io.k8s.api.storage.v1.CSINode").strategy(new CSINodeStrategy()).build(),
            ResourceDefinition.builder("v1", "volumeattachments", "VolumeAttachment")
                    .openApi(OPENAPI, "io.k8s.api.storage.v1.VolumeAttachment").strategy(new VolumeAttachmentStrategy(OPENAPI))
                    .status(new VolumeAttachmentStatusStrategy()).build(),
            ResourceDefinition.builder("v1", "csistoragecapacities", "CSIStorageCapacity").namespaced(true)
                    .openApi(OPENAPI, "io.k8s.api.storage.v1.CSIStorageCapacity").strategy(new CSIStorageCapacityStrategy(OPENAPI)).build());

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> versions() {
        return List.of("v1");
    }

    @Override
    public List<ResourceDefinition> resources() {
        return RESOURCES;
    }
}
