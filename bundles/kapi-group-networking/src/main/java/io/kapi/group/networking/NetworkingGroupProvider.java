package io.kapi.group.networking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** networking.k8s.io/v1: ingresses, ingressclasses and networkpolicies with kube 1.32's schemas and kube's strategies. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class NetworkingGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(NetworkingGroupProvider.class, "networking-v1-openapi.json");
    private static final String PKG = "io.k8s.api.networking.v1.";

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "ingressclasses", "IngressClass")
                    .openApi(OPENAPI, PKG + "IngressClass").strategy(new IngressClassStrategy()).build(),
            ResourceDefinition.builder("v1", "ingresses", "Ingress").namespaced(true).shortNames("ing")
                    .openApi(OPENAPI, PKG + "Ingress").strategy(new IngressStrategy()).status(new KeepSpec()).build(),
            ResourceDefinition.builder("v1", "networkpolicies", "NetworkPolicy").namespaced(true).shortNames("netpol")
                    .openApi(OPENAPI, PKG + "NetworkPolicy").strategy(new NetworkPolicyStrategy()).build());

    /** kube's Ingress status strategy: a status write keeps the stored spec, its reset field. */
    static final class KeepSpec implements StatusStrategy, ResetFields {
        /** kube's GetResetFields of the Ingress status strategy: {@code spec}. */
        @Override
        public List<List<String>> resetFields() {
            return List.of(List.of("spec"));
        }

        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            StatusStrategy.keepStoredSpec(object, old);
        }
    }

    @Override
    public String group() {
        return "networking.k8s.io";
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
