package io.kapi.group.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** batch/v1: jobs and cronjobs with kube 1.32's schemas, kube's strategies and status subresources. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class BatchGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(BatchGroupProvider.class, "batch-v1-openapi.json");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "cronjobs", "CronJob").namespaced(true).shortNames("cj").categories("all")
                    .openApi(OPENAPI, "io.k8s.api.batch.v1.CronJob").strategy(new CronJobStrategy())
                    .status(new SpecKeepingStatus(false)).build(),
            ResourceDefinition.builder("v1", "jobs", "Job").namespaced(true).categories("all")
                    .openApi(OPENAPI, "io.k8s.api.batch.v1.Job").strategy(new JobStrategy())
                    .status(new SpecKeepingStatus(true)).build());

    @Override
    public String group() {
        return "batch";
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
