package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Strategy;
import io.kapi.api.server.Authorizer;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * rbac.authorization.k8s.io/v1: its four resources with kube 1.32's schemas and kube's strategies, each written
 * through kube's escalation checks ({@link PolicyBasedRest}) against the policy of this bundle's RBAC authorizer.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class RbacGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(RbacGroupProvider.class, "rbac-v1-openapi.json");
    private static final String PKG = "io.k8s.api.rbac.v1.";

    private final List<ResourceDefinition> resources;

    @Activate
    public RbacGroupProvider(@Reference(target = "(kapi.authorizer=rbac)") Authorizer authorizer) {
        Supplier<RbacPolicy> policy = ((RbacAuthorization) authorizer)::policy;
        this.resources = List.of(
                definition("clusterrolebindings", "ClusterRoleBinding", new BindingStrategy(false), PolicyBasedRest.Kind.CLUSTER_ROLE_BINDING, policy),
                definition("clusterroles", "ClusterRole", new RoleStrategy(false), PolicyBasedRest.Kind.CLUSTER_ROLE, policy),
                definition("rolebindings", "RoleBinding", new BindingStrategy(true), PolicyBasedRest.Kind.ROLE_BINDING, policy),
                definition("roles", "Role", new RoleStrategy(true), PolicyBasedRest.Kind.ROLE, policy));
    }

    private static ResourceDefinition definition(String resource, String kind, Strategy strategy, PolicyBasedRest.Kind checks,
            Supplier<RbacPolicy> policy) {
        return ResourceDefinition.builder("v1", resource, kind).namespaced(checks.namespaced)
                .openApi(OPENAPI, PKG + kind).strategy(strategy)
                .storage(binding -> new PolicyBasedRest(checks, binding.genericStore(strategy), policy)).build();
    }

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
        return resources;
    }
}
