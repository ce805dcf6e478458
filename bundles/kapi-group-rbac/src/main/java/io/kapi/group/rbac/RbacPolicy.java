package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * How a role that a binding names and that is not there is reported. The authorizer (and so a rules review) reads
     * roles from its informers, whose listers name the resource in the singular ({@code clusterrole.rbac…}); the
     * escalation checks of writes to roles and bindings read them from the registry, which names it in the plural
     * ({@code clusterroles.rbac…}), as kube's two rule resolvers do.
     */
    enum RoleSource {
        LISTER("role", "clusterrole"), REGISTRY("roles", "clusterroles");

        private final String role;
        private final String clusterRole;

        RoleSource(String role, String clusterRole) {
            this.role = role;
            this.clusterRole = clusterRole;
        }

        /** kube's NotFound for the role {@code roleRef} names. */
        String notFound(JsonNode roleRef) {
            return (roleRef.path("kind").asText("").equals("Role") ? role : clusterRole) + "." + Rbac.GROUP + " \""
                    + roleRef.path("name").asText("") + "\" not found";
        }
    }

    /** One binding that applies to the user: the subject that matched, and its role's rules or (rules null) the error. */
    private interface Visitor {
        /** False stops the walk. */
        boolean visit(JsonNode binding, JsonNode subject, String bindingNamespace, JsonNode rules, String error);
    }

    /** Whether a rule granted to {@code user} where the request is allows it. */
    boolean allows(UserInfo user, RequestInfo request) {
        return decide(user, request).decision() == Authorizer.Decision.ALLOW;
    }

    /**
     * kube's {@code RBACAuthorizer.Authorize}: allowed by the first rule that matches, with the binding that granted
     * it as the reason ({@code RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "u"}); else no
     * opinion, with the roles that bindings of the user name and that are not there as the reason
     * ({@code RBAC: clusterrole.rbac.authorization.k8s.io "r" not found}), "" when none.
     */
    Authorizer.Verdict decide(UserInfo user, RequestInfo request) {
        String[] allowedBy = new String[1];
        List<String> errors = new ArrayList<>();
        visit(user, request.namespace(), RoleSource.LISTER, (binding, subject, bindingNamespace, rules, error) -> {
            if (rules != null) {
                for (JsonNode rule : rules) {
                    if (allows(rule, request)) {
                        allowedBy[0] = describe(binding, subject, bindingNamespace);
                        return false;
                    }
                }
            }
            if (error != null) {
                errors.add(error);
            }
            return true;
        });
        if (allowedBy[0] != null) {
            return new Authorizer.Verdict(Authorizer.Decision.ALLOW, "RBAC: allowed by " + allowedBy[0]);
        }
        return new Authorizer.Verdict(Authorizer.Decision.NO_OPINION, errors.isEmpty() ? "" : "RBAC: " + aggregate(errors));
    }

    /**
     * Every rule granted to {@code user} in {@code namespace} ("": cluster-wide only), as kube's rule resolver's
     * {@code RulesFor}; a role a binding names that is not there goes to {@code errors}, named as {@code source} does.
     */
    List<JsonNode> ruleNodes(UserInfo user, String namespace, List<String> errors, RoleSource source) {
        List<JsonNode> out = new ArrayList<>();
        visit(user, namespace, source, (binding, subject, bindingNamespace, rules, error) -> {
            if (rules != null) {
                rules.forEach(out::add);
            } else if (errors != null) {
                errors.add(error);
            }
            return true;
        });
        return out;
    }

    /** The rules of the role a role reference names (a {@code Role} of {@code namespace} or a {@code ClusterRole}), or null. */
    JsonNode roleRules(JsonNode roleRef, String namespace) {
        String name = roleRef.path("name").asText("");
        return switch (roleRef.path("kind").asText("")) {
            case "Role" -> roles.get(namespace + "/" + name);
            case "ClusterRole" -> clusterRoles.get(name);
            default -> null;
        };
    }

    /**
     * Every rule granted to {@code user} in {@code namespace} ("": cluster-wide only), as a SelfSubjectRulesReview lists
     * them, with the errors of the roles that are not there aggregated as Go's are. As kube's {@code RBACAuthorizer.RulesFor},
     * such errors do not make the answer incomplete: it lists every rule that is there.
     */
    RuleResolver.Rules rules(UserInfo user, String namespace) {
        List<String> errors = new ArrayList<>();
        List<RuleResolver.ResourceRule> resourceRules = new ArrayList<>();
        List<RuleResolver.NonResourceRule> nonResourceRules = new ArrayList<>();
        for (JsonNode rule : ruleNodes(user, namespace, errors, RoleSource.LISTER)) {
            if (rule.path("nonResourceURLs").size() > 0) {
                nonResourceRules.add(new RuleResolver.NonResourceRule(PolicyRules.strings(rule, "verbs"),
                        PolicyRules.strings(rule, "nonResourceURLs")));
            } else {
                resourceRules.add(new RuleResolver.ResourceRule(PolicyRules.strings(rule, "verbs"), PolicyRules.strings(rule, "apiGroups"),
                        PolicyRules.strings(rule, "resources"), PolicyRules.strings(rule, "resourceNames")));
            }
        }
        return new RuleResolver.Rules(resourceRules, nonResourceRules, false, aggregate(errors));
    }

    /**
     * kube's {@code VisitRulesFor}: the cluster role bindings that apply to {@code user}, then, in a namespace, that
     * namespace's role bindings, each with its role's rules (a {@code Role} of the binding's namespace or a
     * {@code ClusterRole}) or the error of a role that is not there; until the visitor returns false.
     */
    private void visit(UserInfo user, String namespace, RoleSource source, Visitor visitor) {
        for (JsonNode binding : clusterRoleBindings) {
            JsonNode subject = subjectFor(user, binding, "");
            if (subject != null && !visitBinding(binding, subject, "", source, visitor)) {
                return;
            }
        }
        if (namespace != null && !namespace.isEmpty()) {
            for (JsonNode binding : roleBindings.getOrDefault(namespace, List.of())) {
                JsonNode subject = subjectFor(user, binding, namespace);
                if (subject != null && !visitBinding(binding, subject, namespace, source, visitor)) {
                    return;
                }
            }
        }
    }

    /** kube's {@code GetRoleReferenceRules}. */
    private boolean visitBinding(JsonNode binding, JsonNode subject, String bindingNamespace, RoleSource source, Visitor visitor) {
        JsonNode roleRef = binding.path("roleRef");
        String kind = roleRef.path("kind").asText("");
        JsonNode rules = roleRules(roleRef, bindingNamespace);
        String error = rules != null ? null
                : kind.equals("Role") || kind.equals("ClusterRole") ? source.notFound(roleRef)
                : "unsupported role reference kind: " + FieldCause.goQuote(kind);
        return visitor.visit(binding, subject, bindingNamespace, rules, error);
    }

    /**
     * kube's source describers: {@code ClusterRoleBinding "b" of ClusterRole "r" to User "u"}, {@code RoleBinding
     * "b/ns" of Role "r" to ServiceAccount "sa/ns"} (a service account subject with its namespace, the binding's when
     * it names none).
     */
    private static String describe(JsonNode binding, JsonNode subject, String bindingNamespace) {
        JsonNode roleRef = binding.path("roleRef");
        String name = binding.path("metadata").path("name").asText("");
        String what = bindingNamespace.isEmpty()
                ? "ClusterRoleBinding " + FieldCause.goQuote(name)
                : "RoleBinding " + FieldCause.goQuote(name + "/" + bindingNamespace);
        String kind = subject.path("kind").asText("");
        String subjectName = subject.path("name").asText("");
        if (kind.equals("ServiceAccount")) {
            String ns = subject.path("namespace").asText("");
            subjectName = subjectName + "/" + (ns.isEmpty() ? bindingNamespace : ns);
        }
        return what + " of " + roleRef.path("kind").asText("") + " " + FieldCause.goQuote(roleRef.path("name").asText(""))
                + " to " + kind + " " + FieldCause.goQuote(subjectName);
    }

    /** Go's {@code utilerrors.NewAggregate(errs).Error()}: one message as is, several distinct ones as {@code [a, b]}. */
    static String aggregate(List<String> messages) {
        Set<String> distinct = new LinkedHashSet<>(messages);
        if (distinct.size() <= 1) {
            return distinct.isEmpty() ? "" : distinct.iterator().next();
        }
        return "[" + String.join(", ", distinct) + "]";
    }

    /** kube's {@code appliesTo}: the first of the binding's subjects that takes in {@code user}, or null. */
    private static JsonNode subjectFor(UserInfo user, JsonNode binding, String namespace) {
        for (JsonNode subject : binding.path("subjects")) {
            String name = subject.path("name").asText("");
            switch (subject.path("kind").asText("")) {
                case "User" -> {
                    if (name.equals(user.name())) {
                        return subject;
                    }
                }
                case "Group" -> {
                    if (user.groups() != null && user.groups().contains(name)) {
                        return subject;
                    }
                }
                case "ServiceAccount" -> {
                    String saNamespace = subject.path("namespace").asText("").isEmpty() ? namespace : subject.path("namespace").asText();
                    if (!saNamespace.isEmpty() && user.name().equals(SERVICE_ACCOUNT_PREFIX + saNamespace + ":" + name)) {
                        return subject;
                    }
                }
                default -> {
                    // an unknown kind applies to no one
                }
            }
        }
        return null;
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
