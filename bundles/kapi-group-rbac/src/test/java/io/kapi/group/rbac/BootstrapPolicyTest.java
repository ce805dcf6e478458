package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHookContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rbac/bootstrap-roles hook against in-memory stores, as kube's EnsureRBACPolicy runs. */
class BootstrapPolicyTest {
    private static final BootstrapData DATA = BootstrapData.load();
    private final Set<String> namespaces = new HashSet<>(Set.of("default"));
    private final MemoryStore clusterRoles = new MemoryStore("clusterroles", new RoleStrategy(false), null);
    private final MemoryStore clusterRoleBindings = new MemoryStore("clusterrolebindings", new BindingStrategy(false), null);
    private final MemoryStore roles = new MemoryStore("roles", new RoleStrategy(true), namespaces);
    private final MemoryStore roleBindings = new MemoryStore("rolebindings", new BindingStrategy(true), namespaces);
    private final MemoryStore namespaceStore = new MemoryStore("namespaces", new RoleStrategy(false), null) {
        @Override
        public ObjectNode create(RequestContext ctx, ObjectNode input) {
            namespaces.add(Json.name(input));
            return super.create(ctx, input);
        }
    };
    private final Map<String, MemoryStore> stores = Map.of("clusterroles", clusterRoles, "clusterrolebindings", clusterRoleBindings,
            "roles", roles, "rolebindings", roleBindings, "namespaces", namespaceStore);
    private final PostStartHookContext context = () -> (group, version, resource) -> {
        MemoryStore s = stores.get(resource);
        if (s == null) {
            throw StatusException.notFound(group, resource, "");
        }
        return s;
    };
    private static final RequestContext CLUSTER = LoopbackClient.context("");

    @Test
    void createsEveryBootstrapObjectThenWritesNothingMore() {
        BootstrapPolicy hook = new BootstrapPolicy(DATA);
        assertEquals("rbac/bootstrap-roles", hook.name());
        hook.run(context);
        assertEquals(DATA.clusterRoles().size(), clusterRoles.objects.size());
        assertEquals(DATA.clusterRoleBindings().size(), clusterRoleBindings.objects.size());
        assertEquals(DATA.roles().size(), roles.objects.size());
        assertEquals(DATA.roleBindings().size(), roleBindings.objects.size());
        assertEquals(Set.of("default", "kube-system", "kube-public"), namespaces, "missing namespaces created first");
        ObjectNode binding = clusterRoleBindings.objects.get("cluster-admin");
        assertEquals("system:masters", binding.at("/subjects/0/name").asText());
        int writes = clusterRoles.writes.size() + clusterRoleBindings.writes.size() + roles.writes.size() + roleBindings.writes.size();
        hook.run(context);
        assertEquals(writes, clusterRoles.writes.size() + clusterRoleBindings.writes.size() + roles.writes.size() + roleBindings.writes.size(),
                "a second run finds everything reconciled");
    }

    @Test
    void autoUpdatedObjectsRegainKubesPermissionsAndKeepTheUsersProtectedOnesAreLeftAlone() {
        BootstrapPolicy hook = new BootstrapPolicy(DATA);
        hook.run(context);
        // a user trims system:discovery and adds a rule of their own; and protects system:basic-user, then trims it
        clusterRoles.update(CLUSTER, "system:discovery", r -> {
            r.putArray("rules").addObject().putArray("nonResourceURLs").add("/custom");
            ((ObjectNode) r.at("/rules/0")).putArray("verbs").add("get");
            return r;
        });
        clusterRoles.update(CLUSTER, "system:basic-user", r -> {
            ((ObjectNode) r.at("/metadata/annotations")).put(Reconciliation.AUTO_UPDATE, "false");
            r.putArray("rules");
            return r;
        });
        clusterRoleBindings.update(CLUSTER, "system:discovery", b -> {
            ((com.fasterxml.jackson.databind.node.ArrayNode) b.get("subjects")).addObject()
                    .put("apiGroup", Rbac.GROUP).put("kind", "User").put("name", "jane");
            return b;
        });
        clusterRoles.delete(CLUSTER, "view", null);
        hook.run(context);
        ObjectNode discovery = clusterRoles.objects.get("system:discovery");
        List<String> urls = discovery.get("rules").findValuesAsText("nonResourceURLs");
        assertEquals("/custom", discovery.at("/rules/0/nonResourceURLs/0").asText(), "the user's rule is kept, first");
        assertEquals(12, discovery.get("rules").size(), "kube's 11 URLs come back one rule each: " + urls);
        assertEquals(0, clusterRoles.objects.get("system:basic-user").get("rules").size(), "autoupdate false: untouched");
        assertEquals(List.of("system:authenticated", "jane"),
                clusterRoleBindings.objects.get("system:discovery").get("subjects").findValuesAsText("name"));
        assertTrue(clusterRoles.objects.containsKey("view"), "a deleted bootstrap role comes back");
    }

    @Test
    void aResourceNotServedYetIsA404SoTheHookRunsAgainLater() {
        PostStartHookContext noRbac = () -> (group, version, resource) -> {
            throw StatusException.notFound(group, resource, "");
        };
        StatusException e = assertThrows(StatusException.class, () -> new BootstrapPolicy(DATA).run(noRbac));
        assertEquals(404, e.code());
    }

    @Test
    void anObjectThatCannotBeWrittenDoesNotStopTheOthersButFailsTheHook() {
        clusterRoles.create(CLUSTER, Json.object().put("kind", "ClusterRole").set("metadata", Json.object().put("name", "placeholder")));
        MemoryStore failing = new MemoryStore("clusterroles", new RoleStrategy(false), null) {
            @Override
            public ObjectNode create(RequestContext ctx, ObjectNode input) {
                if (Json.name(input).equals("edit")) {
                    throw StatusException.internal("disk full");
                }
                return super.create(ctx, input);
            }
        };
        Map<String, MemoryStore> withFailing = new java.util.HashMap<>(stores);
        withFailing.put("clusterroles", failing);
        PostStartHookContext ctx = () -> (group, version, resource) -> withFailing.get(resource);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new BootstrapPolicy(DATA).run(ctx));
        assertEquals("unable to reconcile ClusterRole edit", e.getMessage());
        assertEquals(DATA.clusterRoles().size() - 1, failing.objects.size());
        assertEquals(DATA.clusterRoleBindings().size(), clusterRoleBindings.objects.size());
    }
}
