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
        assertEquals(RuleResolver.Rules.NONE, authz.rulesFor(null, "default"));
    }
}
