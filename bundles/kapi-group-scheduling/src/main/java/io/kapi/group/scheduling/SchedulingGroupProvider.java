package io.kapi.group.scheduling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * scheduling.k8s.io/v1: priorityclasses (short name {@code pc}, cluster-scoped) with kube 1.32's
 * schema, kube's strategy, and the delete and default-class rules kube keeps outside its strategy
 * ({@link PriorityClassRest}). The system classes come from {@link SystemPriorityClasses}.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class SchedulingGroupProvider implements APIGroupProvider {
    static final String GROUP = "scheduling.k8s.io";
    static final ObjectNode OPENAPI = Json.resource(SchedulingGroupProvider.class, "scheduling-v1-openapi.json");

    private static final PriorityClassStrategy PRIORITY_CLASSES = new PriorityClassStrategy(OPENAPI);

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "priorityclasses", "PriorityClass").shortNames("pc")
                    .openApi(OPENAPI, "io.k8s.api.scheduling.v1.PriorityClass").strategy(PRIORITY_CLASSES)
                    .storage(binding -> new PriorityClassRest(binding.genericStore(PRIORITY_CLASSES), PRIORITY_CLASSES))
                    .build());

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
