package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * kube's {@code rbac/bootstrap-roles} hook ({@code pkg/registry/rbac/rest/storage_rbac.go},
 * {@code EnsureRBACPolicy}): every bootstrap cluster role, cluster role binding, namespaced role and
 * role binding of {@link BootstrapData}, reconciled through the loopback client as kube reconciles
 * them ({@link Reconciliation}): created when missing (with the namespace, when that is missing
 * too), given what they lack when they exist, left alone when annotated
 * {@code rbac.authorization.kubernetes.io/autoupdate: "false"}. As kube does, one object that cannot
 * be reconciled does not stop the others; the hook then fails, naming them, and runs again.
 * Not done: kube's one-time migrations of pre-1.9 clusters ({@code primeAggregatedClusterRoles},
 * {@code primeSplitClusterRoleBindings}).
 */
@Component(service = PostStartHook.class)
public final class BootstrapPolicy implements PostStartHook {
    private static final Logger LOG = Logger.getLogger(BootstrapPolicy.class.getName());
    private static final int ATTEMPTS = 5;

    /** Read on the hook's first run, off the framework's start thread: 88 KiB of YAML is slow to parse cold. */
    private volatile BootstrapData data;

    @Activate
    public BootstrapPolicy() {
    }

    BootstrapPolicy(BootstrapData data) {
        this.data = data;
    }

    private BootstrapData data() {
        BootstrapData loaded = data;
        if (loaded == null) {
            loaded = BootstrapData.load();
            data = loaded;
        }
        return loaded;
    }

    @Override
    public String name() {
        return "rbac/bootstrap-roles";
    }

    @Override
    public void run(PostStartHookContext context) {
        LoopbackClient client = context.loopback();
        // resolved first: a resource not served yet is a 404 that makes the hook run again with a later snapshot
        RestStore clusterRoles = client.resource(Rbac.GROUP, "v1", "clusterroles");
        RestStore clusterRoleBindings = client.resource(Rbac.GROUP, "v1", "clusterrolebindings");
        RestStore roles = client.resource(Rbac.GROUP, "v1", "roles");
        RestStore roleBindings = client.resource(Rbac.GROUP, "v1", "rolebindings");
        RestStore namespaces = client.resource("", "v1", "namespaces");
        BootstrapData data = data();
        List<String> failed = new ArrayList<>();
        data.clusterRoles().forEach(o -> reconcile(clusterRoles, namespaces, o, Reconciliation::role, failed));
        data.clusterRoleBindings().forEach(o -> reconcile(clusterRoleBindings, namespaces, o, Reconciliation::binding, failed));
        data.roles().forEach(o -> reconcile(roles, namespaces, o, Reconciliation::role, failed));
        data.roleBindings().forEach(o -> reconcile(roleBindings, namespaces, o, Reconciliation::binding, failed));
        if (!failed.isEmpty()) {
            throw new IllegalStateException("unable to reconcile " + String.join(", ", failed));
        }
    }

    private static String describe(ObjectNode o) {
        String ns = Json.namespace(o);
        return o.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + Json.name(o);
    }

    /** kube's {@code ReconcileRoleOperation.Run} with {@code Confirm}, run again on conflicts as kube retries it. */
    private static void reconcile(RestStore store, RestStore namespaces, ObjectNode expected,
                                  Reconciler compute, List<String> failed) {
        String name = Json.name(expected);
        String namespace = Json.namespace(expected);
        var ctx = LoopbackClient.context(namespace);
        StatusException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                ObjectNode existing = get(store, ctx, name);
                Reconciliation.Result r = compute.apply(existing, expected);
                if (r.isProtected()) {
                    if (r.operation() != Reconciliation.Operation.NONE) {
                        LOG.info("skipped reconcile-protected " + describe(expected) + " (" + r.operation() + " needed)");
                    }
                    return;
                }
                switch (r.operation()) {
                    case NONE -> {
                    }
                    case CREATE -> create(store, namespaces, ctx, r.object());
                    case UPDATE -> store.update(ctx, name, current -> {
                        if (current == null) {
                            throw StatusException.notFound(Rbac.GROUP, expected.path("kind").asText(), name);
                        }
                        Reconciliation.Result again = compute.apply(current, expected);
                        return again.operation() == Reconciliation.Operation.UPDATE && !again.isProtected() ? again.object() : current;
                    });
                    case RECREATE -> {
                        try {
                            store.delete(ctx, name, null);
                        } catch (StatusException e) {
                            if (e.code() != 404) {
                                throw e;
                            }
                        }
                        create(store, namespaces, ctx, r.object());
                    }
                }
                if (r.operation() != Reconciliation.Operation.NONE) {
                    LOG.fine(r.operation() + " " + describe(expected));
                }
                return;
            } catch (StatusException e) {
                // created, changed or deleted since it was read: kube runs the operation again
                if (e.code() != 409 && e.code() != 404) {
                    last = e;
                    break;
                }
                last = e;
            }
        }
        LOG.log(Level.WARNING, "unable to reconcile " + describe(expected), last);
        failed.add(describe(expected));
    }

    /** Computes what to write from the existing object (null when missing) and the expected one. */
    @FunctionalInterface
    interface Reconciler {
        Reconciliation.Result apply(ObjectNode existing, ObjectNode expected);
    }

    private static ObjectNode get(RestStore store, RequestContext ctx, String name) {
        try {
            return store.get(ctx, name, null);
        } catch (StatusException e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Creates {@code object}, and first its namespace when that is missing, as kube's {@code tryEnsureNamespace}. */
    private static void create(RestStore store, RestStore namespaces, RequestContext ctx, ObjectNode object) {
        try {
            store.create(ctx, object.deepCopy());
        } catch (StatusException e) {
            String namespace = Json.namespace(object);
            if (e.code() != 404 || namespace.isEmpty()) {
                throw e;
            }
            ObjectNode ns = Json.object();
            ns.put("apiVersion", "v1");
            ns.put("kind", "Namespace");
            Json.metadata(ns).put("name", namespace);
            try {
                namespaces.create(LoopbackClient.context(""), ns);
            } catch (StatusException exists) {
                if (exists.code() != 409) {
                    throw exists;
                }
            }
            store.create(ctx, object.deepCopy());
        }
    }
}
