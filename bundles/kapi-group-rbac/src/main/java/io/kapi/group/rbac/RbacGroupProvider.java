package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** rbac.authorization.k8s.io/v1: its four resources with kube 1.32's schemas and kube's strategies. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class RbacGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(RbacGroupProvider.class, "rbac-v1-openapi.json");
    private static final String PKG = "io.k8s.api.rbac.v1.";

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "clusterrolebindings", "ClusterRoleBinding")
                    .openApi(OPENAPI, PKG + "ClusterRoleBinding").strategy(new BindingStrategy(false)).build(),
            ResourceDefinition.builder("v1", "clusterroles", "ClusterRole")
                    .openApi(OPENAPI, PKG + "ClusterRole").strategy(new RoleStrategy(false)).build(),
            ResourceDefinition.builder("v1", "rolebindings", "RoleBinding").namespaced(true)
                    .openApi(OPENAPI, PKG + "RoleBinding").strategy(new BindingStrategy(true)).build(),
            ResourceDefinition.builder("v1", "roles", "Role").namespaced(true)
                    .openApi(OPENAPI, PKG + "Role").strategy(new RoleStrategy(true)).build());

    @Override
    public String group() {
        return Rbac.GROUP;
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
