package ${package};

import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * ${apiGroup}/v1 with one namespaced resource, ${plural}: its names, its OpenAPI schema (which
 * kubectl explain shows and field validation checks) and its strategy. Published as a service, it is
 * served as soon as the bundle starts, and leaves when it stops; the data stays in Kapi's storage.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class ${kind}GroupProvider implements APIGroupProvider {
    static final String GROUP = "${apiGroup}";

    private static final List<ResourceDefinition> RESOURCES = List.of(
            new ResourceDefinition("v1", "${plural}", "${kind.toLowerCase()}", "${kind}", true, List.of(), List.of(),
                    Json.resource(${kind}GroupProvider.class, "${kind}.json"), new ${kind}Strategy(), null));

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
