package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * kube's bootstrap RBAC objects, read from kube's own test fixtures shipped as resources of this bundle
 * ({@code bootstrap/*.yaml}; their origin is in the README beside them), in kube's order: cluster
 * roles (policy, then controllers), cluster role bindings (likewise), namespaced roles, namespaced
 * role bindings. Fields that are null in the fixtures ({@code rules: null} of an aggregated role) are
 * left out, as kube's {@code omitempty} would. Immutable once loaded.
 */
record BootstrapData(List<ObjectNode> clusterRoles, List<ObjectNode> clusterRoleBindings,
                     List<ObjectNode> roles, List<ObjectNode> roleBindings) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    BootstrapData {
        clusterRoles = List.copyOf(clusterRoles);
        clusterRoleBindings = List.copyOf(clusterRoleBindings);
        roles = List.copyOf(roles);
        roleBindings = List.copyOf(roleBindings);
    }

    /** The fixtures of this bundle. @throws IllegalStateException when one is missing or not a kube {@code List} */
    static BootstrapData load() {
        List<ObjectNode> clusterRoles = new ArrayList<>(items("cluster-roles.yaml", "ClusterRole"));
        clusterRoles.addAll(items("controller-roles.yaml", "ClusterRole"));
        List<ObjectNode> clusterRoleBindings = new ArrayList<>(items("cluster-role-bindings.yaml", "ClusterRoleBinding"));
        clusterRoleBindings.addAll(items("controller-role-bindings.yaml", "ClusterRoleBinding"));
        return new BootstrapData(clusterRoles, clusterRoleBindings, items("namespace-roles.yaml", "Role"),
                items("namespace-role-bindings.yaml", "RoleBinding"));
    }

    static List<ObjectNode> items(String file, String kind) {
        JsonNode list;
        try (InputStream in = BootstrapData.class.getResourceAsStream("bootstrap/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource bootstrap/" + file + " of " + BootstrapData.class.getName());
            }
            list = YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bootstrap/" + file, e);
        }
        if (list == null || !"List".equals(list.path("kind").asText()) || !list.path("items").isArray()) {
            throw new IllegalStateException("bootstrap/" + file + " is not a kube List");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            if (!(item instanceof ObjectNode o) || !kind.equals(o.path("kind").asText())) {
                throw new IllegalStateException("bootstrap/" + file + " holds an item that is not a " + kind + ": " + item);
            }
            out.add(dropNulls(o));
        }
        return out;
    }

    private static ObjectNode dropNulls(ObjectNode o) {
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                it.remove();
            } else if (e.getValue() instanceof ObjectNode child) {
                dropNulls(child);
            }
        }
        return o;
    }
}
