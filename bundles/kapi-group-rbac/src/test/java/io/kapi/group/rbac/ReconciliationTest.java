package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.group.rbac.Reconciliation.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's reconciliation in union mode, with cases of kube's reconcile_role_test.go and reconcile_rolebindings_test.go. */
class ReconciliationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    private static ObjectNode role(String meta, String rules) throws Exception {
        return obj("{'kind':'ClusterRole','metadata':{'name':'r'" + meta + "},'rules':" + rules + "}");
    }

    @Test
    void coversIsKubes() throws Exception {
        ObjectNode scale = obj("{'apiGroups':['*'],'resources':['*/scale'],'verbs':['get']}");
        assertTrue(PolicyRules.covers(scale, obj("{'apiGroups':['apps'],'resources':['deployments/scale'],'verbs':['get']}")));
        assertFalse(PolicyRules.covers(scale, obj("{'apiGroups':['apps'],'resources':['deployments'],'verbs':['get']}")));
        ObjectNode urls = obj("{'nonResourceURLs':['/healthz/*'],'verbs':['get']}");
        assertTrue(PolicyRules.covers(urls, obj("{'nonResourceURLs':['/healthz/etcd'],'verbs':['get']}")));
        assertFalse(PolicyRules.covers(urls, obj("{'nonResourceURLs':['/livez'],'verbs':['get']}")));
        ObjectNode named = obj("{'apiGroups':[''],'resources':['configmaps'],'resourceNames':['a'],'verbs':['get']}");
        assertFalse(PolicyRules.covers(named, obj("{'apiGroups':[''],'resources':['configmaps'],'verbs':['get']}")),
                "a rule with resource names does not cover all names");
        assertEquals(4, PolicyRules.breakdown(obj("{'apiGroups':['','apps'],'resources':['pods'],'verbs':['get','list']}")).size());
    }

    @Test
    void aMissingRoleIsCreated() throws Exception {
        ObjectNode expected = role("", "[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]");
        Reconciliation.Result r = Reconciliation.role(null, expected);
        assertEquals(Operation.CREATE, r.operation());
        assertEquals(expected, r.object());
    }

    @Test
    void anAutoUpdatedRoleGainsWhatItLacksAndKeepsWhatAUserAdded() throws Exception {
        ObjectNode expected = role(",'labels':{'kubernetes.io/bootstrapping':'rbac-defaults'},'annotations':{'"
                + Reconciliation.AUTO_UPDATE + "':'true'}", "[{'apiGroups':[''],'resources':['pods','services'],'verbs':['get','list']}]");
        ObjectNode existing = role(",'labels':{'mine':'x'},'annotations':{'" + Reconciliation.AUTO_UPDATE + "':'true'}",
                "[{'apiGroups':[''],'resources':['pods'],'verbs':['get','list']},{'apiGroups':['apps'],'resources':['deployments'],'verbs':['*']}]");
        Reconciliation.Result r = Reconciliation.role(existing, expected);
        assertEquals(Operation.UPDATE, r.operation());
        assertFalse(r.isProtected());
        // the user's rule stays; the missing permissions come as kube's broken-down rules
        assertEquals("[{'apiGroups':[''],'resources':['pods'],'verbs':['get','list']},"
                + "{'apiGroups':['apps'],'resources':['deployments'],'verbs':['*']},"
                + "{'apiGroups':[''],'resources':['services'],'verbs':['get']},"
                + "{'apiGroups':[''],'resources':['services'],'verbs':['list']}]", r.object().get("rules").toString().replace('"', '\''));
        assertEquals(java.util.Map.of("mine", "x", "kubernetes.io/bootstrapping", "rbac-defaults"), io.kapi.api.json.Json.labels(r.object()));
        // reconciled again, nothing is left to do
        assertEquals(Operation.NONE, Reconciliation.role(r.object(), expected).operation());
    }

    @Test
    void existingValuesWinOverExpectedOnes() throws Exception {
        ObjectNode expected = role(",'annotations':{'" + Reconciliation.AUTO_UPDATE + "':'true','a':'kube'}", "[]");
        ObjectNode existing = role(",'annotations':{'" + Reconciliation.AUTO_UPDATE + "':'true','a':'user'}", "[]");
        assertEquals(Operation.NONE, Reconciliation.role(existing, expected).operation());
    }

    @Test
    void aRoleWithAutoUpdateFalseIsProtected() throws Exception {
        ObjectNode expected = role("", "[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]");
        ObjectNode existing = role(",'annotations':{'" + Reconciliation.AUTO_UPDATE + "':'false'}", "[]");
        Reconciliation.Result r = Reconciliation.role(existing, expected);
        assertTrue(r.isProtected());
        assertEquals(Operation.UPDATE, r.operation(), "what it would need, reported, never written");
    }

    @Test
    void aggregationSelectorsAreAddedAndAnUnexpectedAggregationRemoved() throws Exception {
        ObjectNode expected = obj("{'metadata':{'name':'admin'},'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'a':'true'}}]}}");
        ObjectNode existing = obj("{'metadata':{'name':'admin'},'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'mine':'true'}}]},"
                + "'rules':[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]}");
        Reconciliation.Result r = Reconciliation.role(existing, expected);
        assertEquals(Operation.UPDATE, r.operation());
        assertEquals("[{'matchLabels':{'mine':'true'}},{'matchLabels':{'a':'true'}}]",
                r.object().at("/aggregationRule/clusterRoleSelectors").toString().replace('"', '\''));
        assertEquals(1, r.object().get("rules").size(), "aggregated rules are the controller's, not reconciled away");
        Reconciliation.Result plain = Reconciliation.role(existing, obj("{'metadata':{'name':'admin'}}"));
        assertEquals(Operation.UPDATE, plain.operation());
        assertFalse(plain.object().has("aggregationRule"));
    }

    @Test
    void bindingsGainMissingSubjectsKeepUsersAndAreRecreatedForAnotherRole() throws Exception {
        ObjectNode expected = obj("{'metadata':{'name':'b'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'view'},"
                + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'Group','name':'system:authenticated'}]}");
        ObjectNode existing = obj("{'metadata':{'name':'b'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'view'},"
                + "'subjects':[{'kind':'ServiceAccount','name':'app','namespace':'x'}]}");
        Reconciliation.Result r = Reconciliation.binding(existing, expected);
        assertEquals(Operation.UPDATE, r.operation());
        assertEquals(List.of("app", "system:authenticated"), r.object().get("subjects").findValuesAsText("name"));
        assertEquals(Operation.NONE, Reconciliation.binding(r.object(), expected).operation());
        ObjectNode other = existing.deepCopy();
        ((ObjectNode) other.get("roleRef")).put("name", "edit");
        Reconciliation.Result recreate = Reconciliation.binding(other, expected);
        assertEquals(Operation.RECREATE, recreate.operation());
        assertEquals(expected, recreate.object());
        ((ObjectNode) other.get("metadata")).putObject("annotations").put(Reconciliation.AUTO_UPDATE, "false");
        assertTrue(Reconciliation.binding(other, expected).isProtected());
    }
}
