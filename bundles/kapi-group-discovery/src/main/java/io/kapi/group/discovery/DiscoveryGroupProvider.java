package io.kapi.group.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * discovery.k8s.io/v1 with kube 1.32's schema: endpointslices, namespaced, no short names or
 * categories, with kube's strategy. Stored objects only: no controller writes slices for Services.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class DiscoveryGroupProvider implements APIGroupProvider {
    static final String GROUP = "discovery.k8s.io";
    static final ObjectNode OPENAPI = Json.resource(DiscoveryGroupProvider.class, "discovery-v1-openapi.json");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "endpointslices", "EndpointSlice").namespaced(true)
                    .openApi(OPENAPI, "io.k8s.api.discovery.v1.EndpointSlice").strategy(new EndpointSliceStrategy(OPENAPI)).build());

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
