package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/** kube's Role and ClusterRole (the latter's rules may name non-resource URLs and it may aggregate by label selectors). */
final class RoleStrategy implements Strategy {
    private final boolean namespaced;

    RoleStrategy(boolean namespaced) {
        this.namespaced = namespaced;
    }

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return Rbac.validateName(name, prefix);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        Rbac.rules(object.path("rules"), namespaced, causes);
        JsonNode aggregation = object.get("aggregationRule");
        if (!namespaced && aggregation != null && !aggregation.isNull()) {
            if (aggregation.path("clusterRoleSelectors").size() == 0) {
                causes.add(FieldCause.required("aggregationRule.clusterRoleSelectors",
                        "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }
            int i = 0;
            for (JsonNode selector : aggregation.path("clusterRoleSelectors")) {
                causes.addAll(ObjectMetaValidation.validateLabelSelector(selector, "aggregationRule.clusterRoleSelectors[" + i++ + "]"));
            }
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Rbac.rolePrinter();
    }
}
