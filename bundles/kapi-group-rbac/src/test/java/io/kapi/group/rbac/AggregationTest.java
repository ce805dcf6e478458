package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kube's aggregation: the cases of clusterroleaggregation_controller_test.go and kube's own admin/edit/view. */
class AggregationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    private static ObjectNode role(String name, String labels, String rules) throws Exception {
        return obj("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'rules':" + rules + "}");
    }

    private static ObjectNode aggregated(String name, String selectors) throws Exception {
        return obj("{'metadata':{'name':'" + name + "'},'aggregationRule':{'clusterRoleSelectors':" + selectors + "}}");
    }

    private static String r(String resource) {
        return "{'apiGroups':[''],'resources':['" + resource + "'],'verbs':['get']}";
    }

    @Test
    void unionInSelectorThenNameOrderEachRuleOnceSelfSkipped() throws Exception {
        ObjectNode target = aggregated("target", "[{'matchLabels':{'foo':'bar'}},{'matchLabels':{'baz':'qux'}}]");
        target.putObject("metadata").put("name", "target").putObject("labels").put("foo", "bar");
        List<ObjectNode> all = List.of(target,
                role("b", "'foo':'bar'", "[" + r("pods") + "," + r("services") + "]"),
                role("a", "'foo':'bar'", "[" + r("services") + "," + r("nodes") + "]"),
                role("c", "'baz':'qux'", "[" + r("pods") + "," + r("secrets") + "]"),
                role("d", "'other':'x'", "[" + r("configmaps") + "]"));
        ArrayNode rules = Aggregation.rules(target, all);
        List<String> resources = new ArrayList<>();
        rules.forEach(x -> resources.add(x.at("/resources/0").asText()));
        assertEquals(List.of("services", "nodes", "pods", "secrets"), resources);
        assertTrue(!Aggregation.upToDate(target, rules));
        target.set("rules", rules);
        assertTrue(Aggregation.upToDate(target, Aggregation.rules(target, all)));
        assertNull(Aggregation.rules(role("plain", "", "[]"), all), "no aggregation rule, nothing to do");
        assertEquals(0, Aggregation.rules(aggregated("none", "[{'matchLabels':{'no':'one'}}]"), all).size());
    }

    @Test
    void kubesAdminEditViewChainFromTheFixtures() {
        Map<String, ObjectNode> roles = new LinkedHashMap<>();
        BootstrapData.load().clusterRoles().forEach(o -> roles.put(Json.name(o), o.deepCopy()));
        // the controller's passes, until nothing changes
        for (int pass = 0; pass < 5; pass++) {
            for (ObjectNode role : new ArrayList<>(roles.values())) {
                ArrayNode rules = Aggregation.rules(role, roles.values());
                if (rules != null) {
                    role.set("rules", rules);
                }
            }
        }
        List<ObjectNode> view = PolicyRules.rules(roles.get("view"));
        List<ObjectNode> edit = PolicyRules.rules(roles.get("edit"));
        List<ObjectNode> admin = PolicyRules.rules(roles.get("admin"));
        assertEquals(PolicyRules.rules(roles.get("system:aggregate-to-view")), view);
        // edit: aggregate-to-edit's rules, then view's (selected by aggregate-to-edit=true, name order)
        List<ObjectNode> expectedEdit = new ArrayList<>(PolicyRules.rules(roles.get("system:aggregate-to-edit")));
        view.stream().filter(v -> expectedEdit.stream().noneMatch(e -> PolicyRules.equal(e, v))).forEach(expectedEdit::add);
        assertEquals(expectedEdit, edit);
        // admin: edit's, then aggregate-to-admin's (edit < system:aggregate-to-admin)
        List<ObjectNode> expectedAdmin = new ArrayList<>(edit);
        PolicyRules.rules(roles.get("system:aggregate-to-admin")).forEach(expectedAdmin::add);
        assertEquals(expectedAdmin, admin);
        assertTrue(PolicyRules.uncovered(admin, edit).isEmpty() && PolicyRules.uncovered(edit, view).isEmpty());
    }
}
