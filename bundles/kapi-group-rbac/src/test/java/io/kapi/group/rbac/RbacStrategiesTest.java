package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's RBAC defaults, validation messages and printers on the group-author API alone. */
class RbacStrategiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    @Test
    void rulesAreValidatedAsKubeDoes() throws Exception {
        RoleStrategy role = new RoleStrategy(true);
        assertEquals(List.of(), role.validate(obj("{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}]}")));
        assertEquals(List.of(
                "rules[0].verbs: Required value: verbs must contain at least one value",
                "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[0].resources: Required value: resource rules must supply at least one resource",
                "rules[1].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs"),
                messages(role.validate(obj("{\"rules\":[{},{\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]}]}"))));
        RoleStrategy clusterRole = new RoleStrategy(false);
        assertEquals(List.of(), clusterRole.validate(obj("{\"rules\":[{\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]}]}")));
        assertEquals(List.of("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"),
                messages(clusterRole.validate(obj("{\"aggregationRule\":{}}"))));
        assertTrue(role.validateName("a/b", false).size() > 0, "names are path segments");
        assertEquals(List.of(), role.validateName("system:controller:x", false));
    }

    @Test
    void bindingsAreDefaultedAndTheirRoleRefNeverChanges() throws Exception {
        BindingStrategy binding = new BindingStrategy(true);
        ObjectNode b = obj("{\"roleRef\":{\"kind\":\"Role\",\"name\":\"reader\"},\"subjects\":["
                + "{\"kind\":\"User\",\"name\":\"jane\"},{\"kind\":\"ServiceAccount\",\"name\":\"app\",\"namespace\":\"x\"}]}");
        binding.applyDefaults(b);
        assertEquals("rbac.authorization.k8s.io", b.at("/roleRef/apiGroup").asText());
        assertEquals("rbac.authorization.k8s.io", b.at("/subjects/0/apiGroup").asText());
        assertTrue(b.at("/subjects/1/apiGroup").isMissingNode());
        assertEquals(List.of(), binding.validate(b));
        ObjectNode changed = b.deepCopy();
        ((ObjectNode) changed.get("roleRef")).put("name", "writer");
        assertEquals(List.of("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", "
                + "Name:\"writer\"}: cannot change roleRef"), messages(binding.validateUpdate(changed, b)));

        BindingStrategy cluster = new BindingStrategy(false);
        ObjectNode bad = obj("{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"\"},"
                + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"app\"},{\"kind\":\"Robot\",\"name\":\"r\"}]}");
        assertEquals(List.of(
                "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
                "roleRef.name: Required value",
                "subjects[0].namespace: Required value",
                "subjects[1].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\""),
                messages(cluster.validate(bad)));
        List<Object> cells = binding.table().cells(b);
        // ROLE, then (wide) USERS, GROUPS, SERVICEACCOUNTS; AGE between them
        assertEquals(List.of("Role/reader", "jane", "", "x/app"), List.of(cells.get(1), cells.get(3), cells.get(4), cells.get(5)));
    }
}
