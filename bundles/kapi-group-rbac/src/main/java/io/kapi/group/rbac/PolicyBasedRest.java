package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ForwardingRestStore;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * kube's policy-based RBAC storage ({@code pkg/registry/rbac/*}/policybased): a create or an update of a role, a
 * cluster role or a binding by a user outside {@code system:masters} passes only if the user holds what it grants.
 * A role's rules must be held where the role applies unless the user may {@code escalate} roles; a cluster role with
 * an aggregation rule needs every permission (kube's {@code must have cluster-admin privileges to use the
 * aggregationRule}); a binding's role must be held where the binding applies unless the user may {@code bind} that
 * role. A write that changes only owner references or finalizers (the garbage collector's) is not checked. What is
 * held is what the RBAC policy grants ({@link RbacPolicy}, kube's rule resolver); the answer is kube's 403
 * ({@link Escalation}). Everything else goes to the resource's store as it is. Thread-safe.
 */
final class PolicyBasedRest extends ForwardingRestStore {
    /** Which of the four resources. */
    enum Kind {
        ROLE("roles", true, false), CLUSTER_ROLE("clusterroles", false, false),
        ROLE_BINDING("rolebindings", true, true), CLUSTER_ROLE_BINDING("clusterrolebindings", false, true);

        final String resource;
        final boolean namespaced;
        final boolean binding;

        Kind(String resource, boolean namespaced, boolean binding) {
            this.resource = resource;
            this.namespaced = namespaced;
            this.binding = binding;
        }
    }

    private static final String MASTERS = "system:masters";

    private final Kind kind;
    private final Supplier<RbacPolicy> policy;

    /** @param policy the RBAC policy now; null until the roles and bindings are listed (then nothing is held) */
    PolicyBasedRest(Kind kind, RestStore store, Supplier<RbacPolicy> policy) {
        super(store);
        this.kind = kind;
        this.policy = policy;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        check(ctx, "", object, null);
        return delegate().create(ctx, object);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return delegate().update(ctx, name, current -> {
            // the transform may change the object it is given: the check compares with the stored one as it was
            ObjectNode stored = current == null ? null : current.deepCopy();
            ObjectNode written = transform.apply(current);
            if (written != null) {
                check(ctx, name, written, stored);
            }
            return written;
        });
    }

    /**
     * Refuses with kube's 403 a write of {@code written} (over {@code old}, null on create) that grants what its user
     * does not hold; {@code requestName} is the name the request's path names ("" for a create), which the
     * {@code escalate} permission is checked for.
     */
    void check(RequestContext ctx, String requestName, ObjectNode written, ObjectNode old) {
        UserInfo user = ctx.user();
        if (user != null && user.groups() != null && user.groups().contains(MASTERS)) {
            return;
        }
        if (old != null && onlyGarbageCollectorFields(written, old)) {
            return;
        }
        String namespace = kind.namespaced ? ctx.namespace() : "";
        String name = Json.name(written);
        RbacPolicy p = policy.get();
        List<String> errors = new ArrayList<>();
        List<JsonNode> held = p == null || user == null ? List.of() : p.ruleNodes(user, namespace, errors, RbacPolicy.RoleSource.REGISTRY);
        if (kind.binding) {
            JsonNode roleRef = written.path("roleRef");
            String roleResource = roleRef.path("kind").asText("").equals("Role") ? "roles" : "clusterroles";
            if (allowed(p, user, "bind", roleRef.path("apiGroup").asText(""), roleResource, roleRef.path("name").asText(""), namespace)) {
                return;
            }
            JsonNode rules = p == null ? null : p.roleRules(roleRef, namespace);
            if (rules == null) {
                throw forbidden(name, RbacPolicy.RoleSource.REGISTRY.notFound(roleRef));
            }
            refuseIfNotHeld(user, held, list(rules), errors, name);
            return;
        }
        if (allowed(p, user, "escalate", Rbac.GROUP, kind.resource, requestName, namespace)) {
            return;
        }
        refuseIfNotHeld(user, held, list(written.path("rules")), errors, name);
        if (kind == Kind.CLUSTER_ROLE && (aggregates(written) || old != null && aggregates(old))
                && !PolicyRules.uncovered(held, Escalation.FULL_AUTHORITY).isEmpty()) {
            throw forbidden(name, "must have cluster-admin privileges to use the aggregationRule");
        }
    }

    private void refuseIfNotHeld(UserInfo user, List<JsonNode> held, List<JsonNode> granted, List<String> errors, String name) {
        String notHeld = Escalation.notHeld(user == null ? new UserInfo("", "", List.of()) : user, held, granted, errors);
        if (notHeld != null) {
            throw forbidden(name, notHeld);
        }
    }

    /** kube's {@code RoleEscalationAuthorized} and {@code BindingAuthorized}, decided by RBAC. */
    private static boolean allowed(RbacPolicy p, UserInfo user, String verb, String group, String resource, String name, String namespace) {
        return p != null && user != null && p.allows(user, new RequestInfo(true, "", verb, "apis", group, "*", namespace, resource, "", name,
                List.of()));
    }

    private StatusException forbidden(String name, String why) {
        String resource = kind.resource + "." + Rbac.GROUP;
        return new StatusException(403, "Forbidden", resource + " " + FieldCause.goQuote(name) + " is forbidden: " + why,
                Rbac.GROUP, kind.resource, name, null, 0);
    }

    /** kube's {@code hasAggregationRule}: an aggregation rule without selectors counts as none. */
    private static boolean aggregates(ObjectNode clusterRole) {
        return clusterRole.path("aggregationRule").path("clusterRoleSelectors").size() > 0;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** kube's {@code IsOnlyMutatingGCFields}: the objects are equal but for the metadata's owner references and finalizers. */
    private static boolean onlyGarbageCollectorFields(ObjectNode written, ObjectNode old) {
        ObjectNode a = written.deepCopy();
        ObjectNode b = old.deepCopy();
        for (ObjectNode o : List.of(a, b)) {
            if (o.get("metadata") instanceof ObjectNode m) {
                m.remove(List.of("ownerReferences", "finalizers", "resourceVersion", "managedFields"));
            }
        }
        return Objects.equals(a, b);
    }
}
