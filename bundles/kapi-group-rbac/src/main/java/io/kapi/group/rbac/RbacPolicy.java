package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's RBAC authorizer over one state of the roles and bindings ({@code rbac.RBACAuthorizer} with its
 * {@code DefaultRuleResolver}): the cluster role bindings whose subjects take in the user grant their cluster role's
 * rules everywhere, the role bindings of the request's namespace grant their role's (a Role of that namespace or a
 * ClusterRole) there; a request is allowed when one of those rules matches it, else RBAC has no opinion. Subjects
 * match as kube's {@code appliesToUser}: a User by name, a Group among the user's groups, a ServiceAccount by its
 * user name ({@code system:serviceaccount:<namespace>:<name>}, the binding's namespace when the subject names none).
 * Rules match as kube's {@code RuleAllows}: verbs, API groups, resources ({@code pods/log}, {@code *},
 * {@code *}/subresource), resource names (none: any), non-resource URLs (exact, or a prefix ending in {@code *}).
 * Immutable.
 */
final class RbacPolicy {
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private final Map<String, JsonNode> clusterRoles = new HashMap<>();
    /** Roles by namespace/name. */
    private final Map<String, JsonNode> roles = new HashMap<>();
    private final List<JsonNode> clusterRoleBindings = new ArrayList<>();
    private final Map<String, List<JsonNode>> roleBindings = new HashMap<>();

    RbacPolicy(Iterable<ObjectNode> clusterRoles, Iterable<ObjectNode> roles, Iterable<ObjectNode> clusterRoleBindings,
            Iterable<ObjectNode> roleBindings) {
        clusterRoles.forEach(r -> this.clusterRoles.put(Json.name(r), r.path("rules")));
        roles.forEach(r -> this.roles.put(r.path("metadata").path("namespace").asText("") + "/" + Json.name(r), r.path("rules")));
        clusterRoleBindings.forEach(this.clusterRoleBindings::add);
        roleBindings.forEach(b -> this.roleBindings.computeIfAbsent(b.path("metadata").path("namespace").asText(""),
                ns -> new ArrayList<>()).add(b));
    }

    /** Whether a rule granted to {@code user} where the request is allows it. */
    boolean allows(UserInfo user, RequestInfo request) {
        for (JsonNode rules : rulesOf(user, request.namespace(), null)) {
            for (JsonNode rule : rules) {
                if (allows(rule, request)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Every rule granted to {@code user} in {@code namespace} ("": cluster-wide only), as kube's rule resolver's
     * {@code RulesFor}; a role a binding names that is not there goes to {@code errors}.
     */
    List<JsonNode> ruleNodes(UserInfo user, String namespace, List<String> errors) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rules : rulesOf(user, namespace, errors)) {
            rules.forEach(out::add);
        }
        return out;
    }

    /** The rules of the role a role reference names ({@code Role} in {@code namespace}, else a ClusterRole), or null. */
    JsonNode roleRules(JsonNode roleRef, String namespace) {
        String name = roleRef.path("name").asText("");
        return roleRef.path("kind").asText("").equals("Role") ? roles.get(namespace + "/" + name) : clusterRoles.get(name);
    }

    /** Every rule granted to {@code user} in {@code namespace} ("": cluster-wide only), as a SelfSubjectRulesReview lists them. */
    RuleResolver.Rules rules(UserInfo user, String namespace) {
        List<String> errors = new ArrayList<>();
        List<RuleResolver.ResourceRule> resourceRules = new ArrayList<>();
        List<RuleResolver.NonResourceRule> nonResourceRules = new ArrayList<>();
        for (JsonNode rule : ruleNodes(user, namespace, errors)) {
            if (rule.path("nonResourceURLs").size() > 0) {
                nonResourceRules.add(new RuleResolver.NonResourceRule(PolicyRules.strings(rule, "verbs"),
                        PolicyRules.strings(rule, "nonResourceURLs")));
            } else {
                resourceRules.add(new RuleResolver.ResourceRule(PolicyRules.strings(rule, "verbs"), PolicyRules.strings(rule, "apiGroups"),
                        PolicyRules.strings(rule, "resources"), PolicyRules.strings(rule, "resourceNames")));
            }
        }
        return new RuleResolver.Rules(resourceRules, nonResourceRules, !errors.isEmpty(), String.join(", ", errors));
    }

    /** The rules of each binding that applies to {@code user}; a role a binding names that is not there goes to {@code errors}. */
    private List<JsonNode> rulesOf(UserInfo user, String namespace, List<String> errors) {
        List<JsonNode> granted = new ArrayList<>();
        for (JsonNode binding : clusterRoleBindings) {
            if (appliesTo(user, binding, "")) {
                add(granted, errors, clusterRoles.get(binding.path("roleRef").path("name").asText("")), binding);
            }
        }
        if (namespace != null && !namespace.isEmpty()) {
            for (JsonNode binding : roleBindings.getOrDefault(namespace, List.of())) {
                if (appliesTo(user, binding, namespace)) {
                    String role = binding.path("roleRef").path("name").asText("");
                    add(granted, errors, binding.path("roleRef").path("kind").asText("").equals("Role")
                            ? roles.get(namespace + "/" + role) : clusterRoles.get(role), binding);
                }
            }
        }
        return granted;
    }

    private static void add(List<JsonNode> granted, List<String> errors, JsonNode rules, JsonNode binding) {
        if (rules != null) {
            granted.add(rules);
        } else if (errors != null) {
            errors.add(notFound(binding.path("roleRef")));
        }
    }

    /** kube's error for a role reference to a role that is not there. */
    static String notFound(JsonNode roleRef) {
        return (roleRef.path("kind").asText("").equals("Role") ? "roles" : "clusterroles") + "." + Rbac.GROUP + " \""
                + roleRef.path("name").asText("") + "\" not found";
    }

    private static boolean appliesTo(UserInfo user, JsonNode binding, String namespace) {
        for (JsonNode subject : binding.path("subjects")) {
            String name = subject.path("name").asText("");
            switch (subject.path("kind").asText("")) {
                case "User" -> {
                    if (name.equals(user.name())) {
                        return true;
                    }
                }
                case "Group" -> {
                    if (user.groups() != null && user.groups().contains(name)) {
                        return true;
                    }
                }
                case "ServiceAccount" -> {
                    String saNamespace = subject.path("namespace").asText("").isEmpty() ? namespace : subject.path("namespace").asText();
                    if (!saNamespace.isEmpty() && user.name().equals(SERVICE_ACCOUNT_PREFIX + saNamespace + ":" + name)) {
                        return true;
                    }
                }
                default -> {
                    // an unknown kind applies to no one
                }
            }
        }
        return false;
    }

    /** kube's {@code RuleAllows}. */
    static boolean allows(JsonNode rule, RequestInfo request) {
        if (!matches(rule.path("verbs"), request.verb())) {
            return false;
        }
        if (!request.resourceRequest()) {
            for (JsonNode url : rule.path("nonResourceURLs")) {
                String u = url.asText();
                if (u.equals("*") || u.equals(request.path()) || u.endsWith("*") && request.path().startsWith(u.substring(0, u.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
        if (!matches(rule.path("apiGroups"), request.apiGroup())) {
            return false;
        }
        String subresource = request.subresource();
        String combined = subresource.isEmpty() ? request.resource() : request.resource() + "/" + subresource;
        boolean resource = false;
        for (JsonNode r : rule.path("resources")) {
            String s = r.asText();
            if (s.equals("*") || s.equals(combined)
                    || !subresource.isEmpty() && s.length() == subresource.length() + 2 && s.startsWith("*/") && s.endsWith(subresource)) {
                resource = true;
                break;
            }
        }
        if (!resource) {
            return false;
        }
        JsonNode names = rule.path("resourceNames");
        if (names.size() == 0) {
            return true;
        }
        for (JsonNode n : names) {
            if (n.asText().equals(request.name())) {
                return true;
            }
        }
        return false;
    }

    /** A rule's verbs or API groups: {@code *}, or the value itself. */
    private static boolean matches(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals("*") || v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
