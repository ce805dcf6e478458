package io.kapi.group.apps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** apps/v1, its five resources with kube's names, categories, schemas (kube 1.32's OpenAPI), strategies and subresources. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class AppsGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(AppsGroupProvider.class, "apps-v1-openapi.json");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            workload("deployments", "Deployment", "deploy").strategy(new DeploymentStrategy())
                    .status(WorkloadStatus.DEPLOYMENT).scale(ScaleSubresource.replicas()).build(),
            workload("replicasets", "ReplicaSet", "rs").strategy(new ReplicaSetStrategy())
                    .status(WorkloadStatus.REPLICA_SET).scale(ScaleSubresource.replicas()).build(),
            workload("statefulsets", "StatefulSet", "sts").strategy(new StatefulSetStrategy())
                    .status(WorkloadStatus.STATEFUL_SET).scale(ScaleSubresource.replicas()).build(),
            workload("daemonsets", "DaemonSet", "ds").strategy(new DaemonSetStrategy())
                    .status(WorkloadStatus.DAEMON_SET).build(),
            ResourceDefinition.builder("v1", "controllerrevisions", "ControllerRevision").namespaced(true)
                    .openApi(OPENAPI, "io.k8s.api.apps.v1.ControllerRevision").strategy(new ControllerRevisionStrategy()).build());

    private static ResourceDefinition.Builder workload(String plural, String kind, String shortName) {
        return ResourceDefinition.builder("v1", plural, kind).namespaced(true).shortNames(shortName).categories("all")
                .openApi(OPENAPI, "io.k8s.api.apps.v1." + kind);
    }

    @Override
    public String group() {
        return "apps";
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
