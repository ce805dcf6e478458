package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.machinery.selection.LabelSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * kube's ClusterRole aggregation ({@code pkg/controller/clusterroleaggregation}, {@code syncClusterRole}):
 * the rules of a cluster role with an {@code aggregationRule} are, selector by selector, the rules of
 * every other cluster role its selector matches, those taken in name order, each rule once (kube's
 * semantic equality). Pure functions; {@link ClusterRoleAggregator} applies them.
 */
final class Aggregation {
    private Aggregation() {
    }

    static boolean aggregated(JsonNode role) {
        JsonNode rule = role.get("aggregationRule");
        return rule != null && !rule.isNull() && !rule.isMissingNode();
    }

    /**
     * The rules {@code role} aggregates from {@code all} (the cluster roles as they are now), or null
     * when {@code role} has no aggregation rule.
     *
     * @throws IllegalArgumentException for a selector kube would refuse (kube's sync fails and retries)
     */
    static ArrayNode rules(ObjectNode role, Collection<ObjectNode> all) {
        if (!aggregated(role)) {
            return null;
        }
        String self = Json.name(role);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode s : role.path("aggregationRule").path("clusterRoleSelectors")) {
            LabelSelector selector = LabelSelector.fromObject(s);
            List<ObjectNode> matched = new ArrayList<>();
            for (ObjectNode other : all) {
                if (selector.matches(Json.labels(other))) {
                    matched.add(other);
                }
            }
            matched.sort(Comparator.comparing(Json::name));
            for (ObjectNode other : matched) {
                if (Json.name(other).equals(self)) {
                    continue;
                }
                for (ObjectNode rule : PolicyRules.rules(other)) {
                    if (out.stream().noneMatch(r -> PolicyRules.equal(r, rule))) {
                        out.add(rule);
                    }
                }
            }
        }
        ArrayNode rules = JsonNodeFactory.instance.arrayNode();
        out.forEach(r -> rules.add(r.deepCopy()));
        return rules;
    }

    /** kube's {@code equality.Semantic.DeepEqual} of the role's rules and {@code rules} (absent equals empty). */
    static boolean upToDate(ObjectNode role, ArrayNode rules) {
        List<ObjectNode> have = PolicyRules.rules(role);
        if (have.size() != rules.size()) {
            return false;
        }
        for (int i = 0; i < have.size(); i++) {
            if (!PolicyRules.equal(have.get(i), rules.get(i))) {
                return false;
            }
        }
        return true;
    }
}
