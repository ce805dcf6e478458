package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer.Decision;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.server.RequestInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RBAC authorizer follows the roles and bindings as they change: its hook waits for the first lists, a new
 * binding takes effect, a removed one stops granting, and a watch that ends is followed by a new list.
 */
class RbacAuthorizationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserInfo JANE = new UserInfo("jane", "", List.of("system:authenticated"));
    private static final RequestInfo LIST_TEAM_PODS = new RequestInfo(true, "/api/v1/namespaces/team/pods", "list", "api", "", "v1",
            "team", "pods", "", "", List.of());

    private final Set<String> namespaces = Set.of("team");
    private final Map<String, MemoryStore> stores = Map.of(
            "clusterroles", new MemoryStore("clusterroles", new RoleStrategy(false), null),
            "roles", new MemoryStore("roles", new RoleStrategy(true), namespaces),
            "clusterrolebindings", new MemoryStore("clusterrolebindings", new BindingStrategy(false), null),
            "rolebindings", new MemoryStore("rolebindings", new BindingStrategy(true), namespaces));
    private final RbacAuthorization rbac = new RbacAuthorization(null);

    @AfterEach
    void stop() {
        rbac.stop();
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    private void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    @Test
    void bindingsTakeEffectAndStopAsTheyChange() throws Exception {
        RequestContext team = LoopbackClient.context("team");
        stores.get("roles").create(team, json("{'kind':'Role','metadata':{'name':'reader'},"
                + "'rules':[{'verbs':['list'],'apiGroups':[''],'resources':['pods']}]}"));
        LoopbackClient loopback = new LoopbackClient() {
            @Override
            public RestStore resource(String group, String version, String resource) {
                RestStore s = stores.get(resource);
                if (s == null || !group.equals(Rbac.GROUP)) {
                    throw StatusException.notFound(group, resource, "");
                }
                return s;
            }
        };
        assertEquals(Decision.NO_OPINION, rbac.authorize(JANE, LIST_TEAM_PODS));
        assertTrue(rbac.rulesFor(JANE, "team").incomplete(), "nothing listed yet");
        PostStartHookContext context = () -> loopback;
        rbac.run(context);
        assertEquals(Decision.NO_OPINION, rbac.authorize(JANE, LIST_TEAM_PODS), "listed, and nothing grants it");

        stores.get("rolebindings").create(team, json("{'kind':'RoleBinding','metadata':{'name':'jane-reads'},"
                + "'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'reader'},'subjects':[{'kind':'User','name':'jane'}]}"));
        await(() -> rbac.authorize(JANE, LIST_TEAM_PODS) == Decision.ALLOW, "the new binding grants the list");
        assertEquals(1, rbac.rulesFor(JANE, "team").resourceRules().size());

        stores.get("rolebindings").endWatches();
        stores.get("roles").delete(team, "reader", null);
        await(() -> rbac.authorize(JANE, LIST_TEAM_PODS) == Decision.NO_OPINION, "its role gone, the binding grants nothing");
        assertEquals("role.rbac.authorization.k8s.io \"reader\" not found", rbac.rulesFor(JANE, "team").evaluationError());
        stores.get("rolebindings").delete(team, "jane-reads", null);
        await(() -> !rbac.rulesFor(JANE, "team").incomplete(), "the binding's removal is seen on the watch listed again");
    }
}
