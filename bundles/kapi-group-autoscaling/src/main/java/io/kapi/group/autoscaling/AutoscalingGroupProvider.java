package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * autoscaling/v2 and autoscaling/v1 (v2 preferred): horizontalpodautoscalers with kube 1.32's schemas,
 * strategies, status subresource and printer, stored in autoscaling/v2 and converted to v1 as kube
 * converts them (v1 keeps v2's other fields in annotations).
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class AutoscalingGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI_V2 = Json.resource(AutoscalingGroupProvider.class, "autoscaling-v2-openapi.json");
    static final ObjectNode OPENAPI_V1 = Json.resource(AutoscalingGroupProvider.class, "autoscaling-v1-openapi.json");
    static final HpaConversion CONVERTER = new HpaConversion();

    private static final List<ResourceDefinition> RESOURCES = List.of(
            hpa("v2", OPENAPI_V2).strategy(new HorizontalPodAutoscalerStrategy()).status(new HpaStatus(false)).build(),
            hpa("v1", OPENAPI_V1).strategy(new HorizontalPodAutoscalerV1Strategy()).status(new HpaStatus(true)).build());

    private static ResourceDefinition.Builder hpa(String version, ObjectNode openApi) {
        return ResourceDefinition.builder(version, "horizontalpodautoscalers", HpaConversion.KIND).namespaced(true)
                .shortNames("hpa").categories("all")
                .openApi(openApi, "io.k8s.api.autoscaling." + version + "." + HpaConversion.KIND)
                .storageVersion("v2").converter(CONVERTER);
    }

    @Override
    public String group() {
        return HpaConversion.GROUP;
    }

    @Override
    public List<String> versions() {
        return List.of("v2", "v1");
    }

    @Override
    public List<ResourceDefinition> resources() {
        return RESOURCES;
    }
}
