package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** kube's bootstrap fixtures load, parse and are valid objects of this group. */
class BootstrapDataTest {
    private static final BootstrapData DATA = BootstrapData.load();

    private static Set<String> names(List<ObjectNode> objects) {
        Set<String> out = new HashSet<>();
        objects.forEach(o -> out.add(Json.namespace(o) + "/" + Json.name(o)));
        return out;
    }

    @Test
    void everyFixtureLoadsWithKubesCounts() {
        assertEquals(31 + 38, DATA.clusterRoles().size());
        assertEquals(12 + 38, DATA.clusterRoleBindings().size());
        assertEquals(7, DATA.roles().size());
        assertEquals(7, DATA.roleBindings().size());
        assertEquals(DATA.clusterRoles().size(), names(DATA.clusterRoles()).size(), "no name twice");
        Set<String> clusterRoles = names(DATA.clusterRoles());
        for (String n : List.of("/admin", "/edit", "/view", "/cluster-admin", "/system:aggregate-to-admin", "/system:basic-user",
                "/system:discovery", "/system:public-info-viewer", "/system:node", "/system:controller:namespace-controller",
                "/system:controller:clusterrole-aggregation-controller")) {
            assertTrue(clusterRoles.contains(n), n);
        }
        assertEquals(Set.of("kube-system", "kube-public"), new HashSet<>(DATA.roles().stream().map(Json::namespace).toList()));
    }

    @Test
    void objectsAreKubesBootstrapObjects() {
        for (List<ObjectNode> list : List.of(DATA.clusterRoles(), DATA.clusterRoleBindings(), DATA.roles(), DATA.roleBindings())) {
            for (ObjectNode o : list) {
                assertEquals("rbac.authorization.k8s.io/v1", o.path("apiVersion").asText(), Json.name(o));
                assertEquals("true", o.at("/metadata/annotations").path(Reconciliation.AUTO_UPDATE).asText(), Json.name(o));
                assertEquals("rbac-defaults", Json.labels(o).get("kubernetes.io/bootstrapping"), Json.name(o));
            }
        }
        ObjectNode admin = DATA.clusterRoles().get(0);
        assertEquals("admin", Json.name(admin));
        assertFalse(admin.has("rules"), "rules: null is left out");
        assertEquals("true", admin.at("/aggregationRule/clusterRoleSelectors/0/matchLabels")
                .path("rbac.authorization.k8s.io/aggregate-to-admin").asText());
        ObjectNode clusterAdmin = DATA.clusterRoles().get(1);
        assertEquals("{\"nonResourceURLs\":[\"*\"],\"verbs\":[\"*\"]}", clusterAdmin.at("/rules/1").toString());
    }

    @Test
    void everyObjectPassesThisGroupsValidationAndEveryBindingNamesABootstrapRole() {
        RoleStrategy clusterRole = new RoleStrategy(false);
        RoleStrategy role = new RoleStrategy(true);
        BindingStrategy clusterBinding = new BindingStrategy(false);
        BindingStrategy binding = new BindingStrategy(true);
        DATA.clusterRoles().forEach(o -> assertEquals(List.of(), clusterRole.validate(o), Json.name(o)));
        DATA.roles().forEach(o -> assertEquals(List.of(), role.validate(o), Json.name(o)));
        Set<String> clusterRoles = names(DATA.clusterRoles());
        for (ObjectNode b : DATA.clusterRoleBindings()) {
            ObjectNode copy = b.deepCopy();
            clusterBinding.applyDefaults(copy);
            assertEquals(List.of(), clusterBinding.validate(copy), Json.name(b));
            assertTrue(clusterRoles.contains("/" + b.at("/roleRef/name").asText()), Json.name(b));
        }
        Set<String> roles = names(DATA.roles());
        for (ObjectNode b : DATA.roleBindings()) {
            ObjectNode copy = b.deepCopy();
            binding.applyDefaults(copy);
            assertEquals(List.of(), binding.validate(copy), Json.name(b));
            assertTrue(roles.contains(Json.namespace(b) + "/" + b.at("/roleRef/name").asText()), Json.name(b));
        }
    }

    @Test
    void aMissingFixtureIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BootstrapData.items("nothing.yaml", "Role"));
        assertTrue(e.getMessage().contains("bootstrap/nothing.yaml"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> BootstrapData.items("cluster-roles.yaml", "Role"), "kind checked");
    }
}
