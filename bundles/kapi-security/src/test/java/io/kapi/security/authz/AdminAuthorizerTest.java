package io.kapi.security.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer.Decision;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminAuthorizerTest {
    static final RequestInfo DELETE_NODES = new RequestInfo(true, "/api/v1/nodes/n1", "delete", "api", "", "v1", "", "nodes", "", "n1",
            List.of("nodes", "n1"));

    @Test
    void systemMastersMayDoAnythingOthersAreLeftToTheNextAuthorizer() {
        AdminAuthorizer authz = new AdminAuthorizer();
        assertEquals(Decision.ALLOW, authz.authorize(new UserInfo("kapi-admin", "", List.of("system:masters", "system:authenticated")),
                DELETE_NODES));
        assertEquals(Decision.NO_OPINION, authz.authorize(new UserInfo("jane", "", List.of("dev", "system:authenticated")), DELETE_NODES));
        assertEquals(Decision.NO_OPINION, authz.authorize(new UserInfo("system:masters", "", List.of()), DELETE_NODES),
                "a user named like the group is not in it");
        assertEquals(Decision.NO_OPINION, authz.authorize(UserInfo.ANONYMOUS, DELETE_NODES));
        assertEquals(Decision.NO_OPINION, authz.authorize(null, DELETE_NODES));
    }

    @Test
    void systemMastersAreListedEverythingOthersNothing() {
        AdminAuthorizer authz = new AdminAuthorizer();
        RuleResolver.Rules admin = authz.rulesFor(new UserInfo("kapi-admin", "", List.of("system:masters")), "default");
        // kube's cluster-admin ClusterRole, which kube binds to system:masters
        assertEquals(List.of(new RuleResolver.ResourceRule(List.of("*"), List.of("*"), List.of("*"), List.of())), admin.resourceRules());
        assertEquals(List.of(new RuleResolver.NonResourceRule(List.of("*"), List.of("*"))), admin.nonResourceRules());
        assertEquals(false, admin.incomplete());
        assertEquals("", admin.evaluationError());
        assertEquals(RuleResolver.Rules.NONE, authz.rulesFor(new UserInfo("jane", "", List.of("dev")), "default"));
        assertEquals(AuthenticatedUserRoles.RULES, authz.rulesFor(new UserInfo("jane", "", List.of("dev", "system:authenticated")), "default"));
        assertEquals(RuleResolver.Rules.NONE, authz.rulesFor(null, "default"));
    }

    /** kube's default roles for system:authenticated: discovery, OpenAPI, health, version, the self reviews; no more. */
    @Test
    void anAuthenticatedUserMayDiscoverAndReviewHerself() {
        AdminAuthorizer authz = new AdminAuthorizer();
        UserInfo jane = new UserInfo("jane", "", List.of("dev", "system:authenticated"));
        for (String path : List.of("/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v2", "/openapi/v3/api/v1", "/version", "/livez")) {
            assertEquals(Decision.ALLOW, authz.authorize(jane, nonResource("get", path)), path);
        }
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, nonResource("get", "/metrics")));
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, nonResource("post", "/api")));
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, nonResource("get", "/apisx")));
        assertEquals(Decision.ALLOW, authz.authorize(jane, resource("create", "authentication.k8s.io", "selfsubjectreviews")));
        assertEquals(Decision.ALLOW, authz.authorize(jane, resource("create", "authorization.k8s.io", "selfsubjectaccessreviews")));
        assertEquals(Decision.ALLOW, authz.authorize(jane, resource("create", "authorization.k8s.io", "selfsubjectrulesreviews")));
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, resource("create", "authorization.k8s.io", "subjectaccessreviews")));
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, resource("list", "authorization.k8s.io", "selfsubjectrulesreviews")));
        assertEquals(Decision.NO_OPINION, authz.authorize(jane, DELETE_NODES));
        UserInfo notAuthenticated = new UserInfo("jane", "", List.of("dev"));
        assertEquals(Decision.NO_OPINION, authz.authorize(notAuthenticated, nonResource("get", "/api")));
        assertEquals(Decision.NO_OPINION, authz.authorize(UserInfo.ANONYMOUS, nonResource("get", "/apis")));
    }

    private static RequestInfo nonResource(String verb, String path) {
        return new RequestInfo(false, path, verb, "", "", "", "", "", "", "", List.of());
    }

    private static RequestInfo resource(String verb, String group, String resource) {
        return new RequestInfo(true, "/apis/" + group + "/v1/" + resource, verb, "apis", group, "v1", "", resource, "", "", List.of(resource));
    }
}
