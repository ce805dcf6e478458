package ${package};

import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * ${apiGroup}/v1 with one namespaced resource, ${plural}: its names, its OpenAPI schema (which
 * kubectl explain shows and field validation checks), its strategy, and its status and scale
 * subresources. Published as a service, it is
 * served as soon as the bundle starts, and leaves when it stops; the data stays in Kapi's storage.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class ${kind}GroupProvider implements APIGroupProvider {
    static final String GROUP = "${apiGroup}";

    // status: written by controllers through ${plural}/status only; scale: kubectl scale sets spec.size
    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "${plural}", "${kind}").namespaced(true)
                    .schema(Json.resource(${kind}GroupProvider.class, "${kind}.json"))
                    .strategy(new ${kind}Strategy())
                    .status(new StatusStrategy() { })
                    .scale(new ScaleSubresource(".spec.size", ".status.size", null))
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
