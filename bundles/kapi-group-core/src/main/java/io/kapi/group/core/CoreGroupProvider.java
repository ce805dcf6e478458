package io.kapi.group.core;

import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** core/v1 (kube's legacy group, under /api): a strategy and a schema per resource, one line each. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class CoreGroupProvider implements APIGroupProvider {
    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "namespaces", "Namespace").shortNames("ns")
                    .schema(Json.resource(CoreGroupProvider.class, "Namespace.json")).strategy(new NamespaceStrategy())
                    .status(new NamespaceStatusStrategy()).build(),
            new ResourceDefinition("v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of(),
                    Json.resource(CoreGroupProvider.class, "ConfigMap.json"), new ConfigMapStrategy(), null),
            new ResourceDefinition("v1", "secrets", "secret", "Secret", true, List.of(), List.of(),
                    Json.resource(CoreGroupProvider.class, "Secret.json"), new SecretStrategy(), null),
            new ResourceDefinition("v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), List.of(),
                    Json.resource(CoreGroupProvider.class, "ServiceAccount.json"), new ServiceAccountStrategy(), null),
            new ResourceDefinition("v1", "events", "event", "Event", true, List.of("ev"), List.of(),
                    Json.resource(CoreGroupProvider.class, "Event.json"), new EventStrategy(), null));

    @Override
    public String group() {
        return "";
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
