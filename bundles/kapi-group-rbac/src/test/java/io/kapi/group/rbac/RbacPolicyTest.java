package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's RBAC decisions on one state of roles and bindings: subjects, scopes, and each part of a rule. */
class RbacPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserInfo JANE = new UserInfo("jane", "", List.of("devs", "system:authenticated"));
    private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"));
    private static final UserInfo ROBOT = new UserInfo("system:serviceaccount:team:robot", "",
            List.of("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"));

    private static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static ObjectNode role(String namespace, String name, String rules) {
        return json("{'metadata':{'name':'" + name + "'" + (namespace.isEmpty() ? "" : ",'namespace':'" + namespace + "'") + "},'rules':" + rules + "}");
    }

    private static ObjectNode binding(String namespace, String name, String roleKind, String role, String subjects) {
        return json("{'metadata':{'name':'" + name + "'" + (namespace.isEmpty() ? "" : ",'namespace':'" + namespace + "'") + "},"
                + "'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'" + roleKind + "','name':'" + role + "'},'subjects':" + subjects + "}");
    }

    private static RequestInfo resource(String verb, String group, String namespace, String resource, String subresource, String name) {
        return new RequestInfo(true, "/irrelevant", verb, group.isEmpty() ? "api" : "apis", group, "v1", namespace, resource, subresource, name, List.of());
    }

    private static RequestInfo path(String verb, String path) {
        return new RequestInfo(false, path, verb, "", "", "", "", "", "", "", List.of());
    }

    private final RbacPolicy policy = new RbacPolicy(
            List.of(role("", "pod-reader", "[{'verbs':['get','list','watch'],'apiGroups':[''],'resources':['pods','pods/log']}]"),
                    role("", "scaler", "[{'verbs':['update'],'apiGroups':['apps'],'resources':['*/scale']}]"),
                    role("", "one-map", "[{'verbs':['get'],'apiGroups':[''],'resources':['configmaps'],'resourceNames':['settings']}]"),
                    role("", "metrics", "[{'verbs':['get'],'nonResourceURLs':['/healthz','/metrics/*']}]")),
            List.of(role("team", "editor", "[{'verbs':['*'],'apiGroups':['','apps'],'resources':['*']}]")),
            List.of(binding("", "devs-read-pods", "ClusterRole", "pod-reader", "[{'kind':'Group','name':'devs'}]"),
                    binding("", "bob-metrics", "ClusterRole", "metrics", "[{'kind':'User','name':'bob'}]"),
                    binding("", "broken", "ClusterRole", "gone", "[{'kind':'User','name':'bob'}]")),
            List.of(binding("team", "jane-edits", "Role", "editor", "[{'kind':'User','name':'jane'}]"),
                    binding("team", "robot-scales", "ClusterRole", "scaler", "[{'kind':'ServiceAccount','name':'robot'}]"),
                    binding("team", "bob-settings", "ClusterRole", "one-map", "[{'kind':'User','name':'bob','apiGroup':'rbac.authorization.k8s.io'}]")));

    @Test
    void clusterRoleBindingsGrantEverywhereRoleBindingsInTheirNamespace() {
        assertTrue(policy.allows(JANE, resource("list", "", "anywhere", "pods", "", "")), "through her group, in every namespace");
        assertTrue(policy.allows(JANE, resource("list", "", "", "pods", "", "")), "and across namespaces");
        assertFalse(policy.allows(JANE, resource("delete", "", "anywhere", "pods", "", "p")));
        assertTrue(policy.allows(JANE, resource("delete", "apps", "team", "deployments", "", "d")), "her Role, in its namespace");
        assertFalse(policy.allows(JANE, resource("delete", "apps", "other", "deployments", "", "d")));
        assertFalse(policy.allows(JANE, resource("list", "apps", "", "deployments", "", "")), "a Role grants nothing cluster-wide");
        assertFalse(policy.allows(JANE, resource("list", "batch", "team", "jobs", "", "")), "not in the Role's API groups");
        assertFalse(policy.allows(BOB, resource("list", "", "team", "pods", "", "")));
    }

    @Test
    void aServiceAccountSubjectIsInTheBindingsNamespaceUnlessItNamesOne() {
        assertTrue(policy.allows(ROBOT, resource("update", "apps", "team", "deployments", "scale", "d")), "*/scale matches the subresource");
        assertFalse(policy.allows(ROBOT, resource("update", "apps", "team", "deployments", "", "d")), "not the resource itself");
        assertFalse(policy.allows(new UserInfo("system:serviceaccount:other:robot", "", List.of()),
                resource("update", "apps", "team", "deployments", "scale", "d")));
    }

    @Test
    void subresourcesNamesAndPathsMatchAsKubesRules() {
        assertTrue(policy.allows(JANE, resource("get", "", "x", "pods", "log", "p")), "pods/log is listed");
        assertFalse(policy.allows(JANE, resource("get", "", "x", "pods", "exec", "p")));
        assertTrue(policy.allows(BOB, resource("get", "", "team", "configmaps", "", "settings")));
        assertFalse(policy.allows(BOB, resource("get", "", "team", "configmaps", "", "other")));
        assertFalse(policy.allows(BOB, resource("list", "", "team", "configmaps", "", "")), "a list names no resource");
        assertTrue(policy.allows(BOB, path("get", "/healthz")));
        assertTrue(policy.allows(BOB, path("get", "/metrics/cadvisor")), "a prefix ending in *");
        assertFalse(policy.allows(BOB, path("get", "/metrics")));
        assertFalse(policy.allows(BOB, path("post", "/healthz")));
    }

    @Test
    void theRulesOfAUserAreListedWithTheRolesThatAreMissing() {
        RuleResolver.Rules bob = policy.rules(BOB, "team");
        assertFalse(bob.incomplete(), "kube's RBAC lists every rule that is there: complete, with the error beside it");
        // the authorizer's rule resolver reads roles through its informers' listers, which name the resource in the singular
        assertEquals("clusterrole.rbac.authorization.k8s.io \"gone\" not found", bob.evaluationError());
        assertEquals(List.of(new RuleResolver.NonResourceRule(List.of("get"), List.of("/healthz", "/metrics/*"))), bob.nonResourceRules());
        assertEquals(List.of(new RuleResolver.ResourceRule(List.of("get"), List.of(""), List.of("configmaps"), List.of("settings"))),
                bob.resourceRules());
        List<String> janes = new ArrayList<>();
        policy.rules(JANE, "").resourceRules().forEach(r -> janes.add(String.join(",", r.resources())));
        assertEquals(List.of("pods,pods/log"), janes, "cluster-wide: her cluster role only");
        assertFalse(policy.rules(JANE, "team").incomplete());
        assertEquals(2, policy.rules(JANE, "team").resourceRules().size());
    }

    @Test
    void aDecisionGivesKubesReasonTheBindingThatAllowedOrTheRolesThatAreMissing() {
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.ALLOW,
                "RBAC: allowed by ClusterRoleBinding \"devs-read-pods\" of ClusterRole \"pod-reader\" to Group \"devs\""),
                policy.decide(JANE, resource("list", "", "anywhere", "pods", "", "")));
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.ALLOW,
                "RBAC: allowed by RoleBinding \"jane-edits/team\" of Role \"editor\" to User \"jane\""),
                policy.decide(JANE, resource("delete", "apps", "team", "deployments", "", "d")));
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.ALLOW,
                "RBAC: allowed by RoleBinding \"robot-scales/team\" of ClusterRole \"scaler\" to ServiceAccount \"robot/team\""),
                policy.decide(ROBOT, resource("update", "apps", "team", "deployments", "scale", "d")), "the binding's namespace for the subject's");
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.NO_OPINION, ""), policy.decide(JANE, resource("delete", "", "x", "pods", "", "p")),
                "nothing missing, no reason");
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.NO_OPINION, "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found"),
                policy.decide(BOB, resource("delete", "", "team", "pods", "", "p")));
        // "broken" (a cluster role binding) is looked at before the role binding that allows: its error is no reason then
        assertEquals(new Authorizer.Verdict(Authorizer.Decision.ALLOW,
                "RBAC: allowed by RoleBinding \"bob-settings/team\" of ClusterRole \"one-map\" to User \"bob\""),
                policy.decide(BOB, resource("get", "", "team", "configmaps", "", "settings")), "a missing role does not stand in the way of one that allows");

        RbacPolicy broken = new RbacPolicy(List.of(), List.of(),
                List.of(binding("", "a", "ClusterRole", "gone", "[{'kind':'User','name':'bob'}]"),
                        binding("", "b", "ClusterRole", "gone", "[{'kind':'Group','name':'system:authenticated'}]")),
                List.of(binding("team", "c", "Role", "nope", "[{'kind':'User','name':'bob'}]")));
        assertEquals("RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found, role.rbac.authorization.k8s.io \"nope\" not found]",
                broken.decide(BOB, resource("get", "", "team", "pods", "", "p")).reason(), "Go's aggregate: distinct errors, bracketed");
        assertEquals("RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found", broken.decide(BOB, resource("get", "", "", "nodes", "", "n")).reason(),
                "cluster-wide, only the cluster role bindings are looked at");
        assertEquals("[clusterrole.rbac.authorization.k8s.io \"gone\" not found, role.rbac.authorization.k8s.io \"nope\" not found]",
                broken.rules(BOB, "team").evaluationError());
        List<String> registry = new ArrayList<>();
        broken.ruleNodes(BOB, "team", registry, RbacPolicy.RoleSource.REGISTRY);
        assertEquals(List.of("clusterroles.rbac.authorization.k8s.io \"gone\" not found", "clusterroles.rbac.authorization.k8s.io \"gone\" not found",
                "roles.rbac.authorization.k8s.io \"nope\" not found"), registry, "the registry names the resource in the plural");
    }
}
