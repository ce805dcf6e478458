package io.kapi.group.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * node.k8s.io/v1 with kube 1.32's schema: runtimeclasses, cluster-scoped, no short names or
 * categories, with kube's strategy.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class NodeGroupProvider implements APIGroupProvider {
    static final String GROUP = "node.k8s.io";
    static final ObjectNode OPENAPI = Json.resource(NodeGroupProvider.class, "node-v1-openapi.json");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "runtimeclasses", "RuntimeClass")
                    .openApi(OPENAPI, "io.k8s.api.node.v1.RuntimeClass").strategy(new RuntimeClassStrategy()).build());

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

    /** kube 1.32's {@code IsQualifiedName}. */
    static List<String> qualifiedNameErrors(String value) {
        return NameValidation.isQualifiedName(value);
    }

    /** metav1's {@code ValidateLabels}: keys qualified names, values label values, all on the map's path. */
    static List<FieldCause> labels(JsonNode labels, String path) {
        List<FieldCause> causes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String msg : qualifiedNameErrors(e.getKey())) {
                causes.add(FieldCause.invalid(path, e.getKey(), msg));
            }
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            for (String msg : NameValidation.isValidLabelValue(v)) {
                causes.add(FieldCause.invalid(path, v, msg));
            }
        }
        return causes;
    }
}
