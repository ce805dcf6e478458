package io.kapi.group.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** policy/v1: poddisruptionbudgets with kube 1.32's schema, kube's strategy and status subresource. */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class PolicyGroupProvider implements APIGroupProvider {
    static final ObjectNode OPENAPI = Json.resource(PolicyGroupProvider.class, "policy-v1-openapi.json");

    /** kube's PDB status strategy: the spec stays; counts may not be negative. */
    static final class Status implements StatusStrategy, ResetFields {
        /** kube's GetResetFields of the PDB status strategy: {@code spec}. */
        @Override
        public List<List<String>> resetFields() {
            return List.of(List.of("spec"));
        }

        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            StatusStrategy.keepStoredSpec(object, old);
        }

        @Override
        public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
            List<FieldCause> causes = new ArrayList<>();
            for (String f : new String[] {"disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"}) {
                long v = object.path("status").path(f).asLong(0);
                if (v < 0) {
                    causes.add(FieldCause.invalid("status." + f, v, "must be greater than or equal to 0"));
                }
            }
            return causes;
        }
    }

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "poddisruptionbudgets", "PodDisruptionBudget").namespaced(true).shortNames("pdb")
                    .openApi(OPENAPI, "io.k8s.api.policy.v1.PodDisruptionBudget").strategy(new PodDisruptionBudgetStrategy())
                    .status(new Status()).build());

    @Override
    public String group() {
        return "policy";
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
