package io.kapi.group.coordination;

import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** coordination.k8s.io/v1 with one resource: leases. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class CoordinationGroupProvider implements APIGroupProvider {
    private static final List<ResourceDefinition> RESOURCES = List.of(
            new ResourceDefinition("v1", "leases", "lease", "Lease", true, List.of(), List.of(), Json.resource(CoordinationGroupProvider.class, "Lease.json"),
                    new LeaseStrategy(), null));

    @Override
    public String group() {
        return "coordination.k8s.io";
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
