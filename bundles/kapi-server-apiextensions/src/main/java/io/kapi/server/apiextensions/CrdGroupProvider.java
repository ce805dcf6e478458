package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** apiextensions.k8s.io/v1 customresourcedefinitions, served by the apiextensions server with kube 1.32's schema. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=apiextensions")
public final class CrdGroupProvider implements APIGroupProvider {
    static final String GROUP = "apiextensions.k8s.io";
    static final String RESOURCE = "customresourcedefinitions";
    static final ObjectNode OPENAPI = Json.resource(CrdGroupProvider.class, "apiextensions-v1-openapi.json");
    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", RESOURCE, "CustomResourceDefinition").shortNames("crd", "crds")
                    .categories("api-extensions")
                    .openApi(OPENAPI, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")
                    .strategy(new CrdStrategy()).status(new CrdStatusStrategy()).build());

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
