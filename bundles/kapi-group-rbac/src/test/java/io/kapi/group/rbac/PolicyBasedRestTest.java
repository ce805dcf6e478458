package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** kube's escalation checks on RBAC writes: what a user may grant is what it holds, unless it may escalate or bind. */
class PolicyBasedRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserInfo JANE = new UserInfo("jane", "", List.of("system:authenticated"));
    private static final RequestContext JANE_IN_TEAM = new RequestContext("team", JANE, false, null);
    private static final RequestContext JANE_CLUSTER = new RequestContext("", JANE, false, null);

    private static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private final RbacPolicy policy = new RbacPolicy(
            List.of(json("{'metadata':{'name':'cluster-admin'},'rules':[{'verbs':['*'],'apiGroups':['*'],'resources':['*']},"
                            + "{'verbs':['*'],'nonResourceURLs':['*']}]}"),
                    json("{'metadata':{'name':'view'},'rules':[{'verbs':['get','list'],'apiGroups':[''],'resources':['configmaps']}]}"),
                    json("{'metadata':{'name':'binder'},'rules':[{'verbs':['bind'],'apiGroups':['rbac.authorization.k8s.io'],"
                            + "'resources':['clusterroles'],'resourceNames':['view']}]}")),
            List.of(json("{'metadata':{'name':'editor','namespace':'team'},'rules':[{'verbs':['get','list','create'],'apiGroups':[''],"
                    + "'resources':['configmaps']},{'verbs':['get'],'apiGroups':[''],'resources':['pods']}]}")),
            List.of(),
            List.of(json("{'metadata':{'name':'jane-edits','namespace':'team'},'roleRef':{'kind':'Role','name':'editor',"
                    + "'apiGroup':'rbac.authorization.k8s.io'},'subjects':[{'kind':'User','name':'jane'}]}"),
                    json("{'metadata':{'name':'jane-binds','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'binder',"
                            + "'apiGroup':'rbac.authorization.k8s.io'},'subjects':[{'kind':'User','name':'jane'}]}")));

    private PolicyBasedRest rest(PolicyBasedRest.Kind kind) {
        MemoryStore store = kind.binding ? new MemoryStore(kind.resource, new BindingStrategy(kind.namespaced), kind.namespaced ? Set.of("team") : null)
                : new MemoryStore(kind.resource, new RoleStrategy(kind.namespaced), kind.namespaced ? Set.of("team") : null);
        return new PolicyBasedRest(kind, store, () -> policy);
    }

    private static ObjectNode role(String name, String rules) {
        return json("{'kind':'Role','metadata':{'name':'" + name + "'},'rules':" + rules + "}");
    }

    private static ObjectNode binding(String name, String roleKind, String role) {
        return json("{'kind':'RoleBinding','metadata':{'name':'" + name + "'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'"
                + roleKind + "','name':'" + role + "'},'subjects':[{'kind':'User','name':'bob'}]}");
    }

    @Test
    void aRoleGrantsOnlyWhatItsWriterHolds() {
        PolicyBasedRest roles = rest(PolicyBasedRest.Kind.ROLE);
        roles.create(JANE_IN_TEAM, role("narrow", "[{'verbs':['get'],'apiGroups':[''],'resources':['configmaps','pods']}]"));
        StatusException wide = assertThrows(StatusException.class, () -> roles.create(JANE_IN_TEAM,
                role("wide", "[{'verbs':['get','delete','deletecollection'],'apiGroups':[''],'resources':['pods']},"
                        + "{'verbs':['get'],'apiGroups':['apps'],'resources':['deployments'],'resourceNames':['a','b']}]")));
        assertEquals(403, wide.code());
        assertEquals("roles.rbac.authorization.k8s.io \"wide\" is forbidden: user \"jane\" (groups=[\"system:authenticated\"]) is attempting "
                + "to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"deletecollection\"]}\n"
                + "{APIGroups:[\"apps\"], Resources:[\"deployments\"], ResourceNames:[\"a\"], Verbs:[\"get\"]}\n"
                + "{APIGroups:[\"apps\"], Resources:[\"deployments\"], ResourceNames:[\"b\"], Verbs:[\"get\"]}", wide.getMessage());
        StatusException elsewhere = assertThrows(StatusException.class, () -> roles.create(new RequestContext("team", JANE, false, null),
                role("urls", "[{'verbs':['get'],'nonResourceURLs':['/metrics']}]")));
        assertEquals(403, elsewhere.code());
        roles.create(new RequestContext("team", new UserInfo("root", "", List.of("system:masters")), false, null),
                role("anything", "[{'verbs':['*'],'apiGroups':['*'],'resources':['*']}]"));
        // the garbage collector's fields may change on a role its writer could not have written
        roles.update(JANE_IN_TEAM, "anything", current -> {
            current.with("metadata").putArray("finalizers").add("example.com/hold");
            return current;
        });
        assertEquals(403, assertThrows(StatusException.class, () -> roles.update(JANE_IN_TEAM, "anything", current -> {
            current.with("metadata").with("labels").put("a", "b");
            return current;
        })).code());
    }

    @Test
    void aBindingNeedsItsRoleHeldOrTheBindVerb() {
        PolicyBasedRest bindings = rest(PolicyBasedRest.Kind.ROLE_BINDING);
        bindings.create(JANE_IN_TEAM, binding("to-editor", "Role", "editor"));
        bindings.create(JANE_IN_TEAM, binding("to-view", "ClusterRole", "view"));
        StatusException admin = assertThrows(StatusException.class, () -> bindings.create(JANE_IN_TEAM, binding("to-admin", "ClusterRole",
                "cluster-admin")));
        assertEquals("rolebindings.rbac.authorization.k8s.io \"to-admin\" is forbidden: user \"jane\" (groups=[\"system:authenticated\"]) is "
                + "attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}\n"
                + "{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}", admin.getMessage());
        StatusException missing = assertThrows(StatusException.class, () -> bindings.create(JANE_IN_TEAM, binding("to-nothing", "Role", "nope")));
        assertEquals("rolebindings.rbac.authorization.k8s.io \"to-nothing\" is forbidden: roles.rbac.authorization.k8s.io \"nope\" not found",
                missing.getMessage());
    }

    @Test
    void theRuleResolutionErrorsFollowTheRefusalAsKubePrintsThem() {
        List<ObjectNode> granted = List.of(json("{'verbs':['get'],'apiGroups':[''],'resources':['pods']}"));
        String one = Escalation.notHeld(JANE, List.of(), granted, List.of("roles.rbac.authorization.k8s.io \"a\" not found"));
        assertTrue(one.endsWith("not currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}; "
                + "resolution errors: [roles.rbac.authorization.k8s.io \"a\" not found]"), one);
        // kube prints a []error holding one aggregate: distinct messages, bracketed inside the slice's brackets
        String several = Escalation.notHeld(JANE, List.of(), granted, List.of("x", "y", "x"));
        assertTrue(several.endsWith("; resolution errors: [[x, y]]"), several);
    }

    @Test
    void anAggregationRuleNeedsEveryPermission() {
        PolicyBasedRest clusterRoles = rest(PolicyBasedRest.Kind.CLUSTER_ROLE);
        StatusException aggregated = assertThrows(StatusException.class, () -> clusterRoles.create(JANE_CLUSTER,
                json("{'kind':'ClusterRole','metadata':{'name':'agg'},'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'a':'b'}}]}}")));
        assertEquals("clusterroles.rbac.authorization.k8s.io \"agg\" is forbidden: must have cluster-admin privileges to use the aggregationRule",
                aggregated.getMessage());
    }
}
