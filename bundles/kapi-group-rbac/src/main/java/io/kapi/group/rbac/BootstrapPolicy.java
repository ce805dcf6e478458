package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.storage.Storage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * kube's {@code rbac/bootstrap-roles} hook, the part Kapi has: the {@code cluster-admin} ClusterRole
 * (every verb on everything) and its binding to the {@code system:masters} group, created when
 * missing, through the loopback client, labelled {@code kubernetes.io/bootstrapping=rbac-defaults}
 * and annotated {@code rbac.authorization.kubernetes.io/autoupdate: "true"} as kube's are.
 */
@Component(service = PostStartHook.class)
public final class BootstrapPolicy implements PostStartHook {
    @Activate
    public BootstrapPolicy(@Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        // the reference re-creates this hook on a new backend; the hook writes through the loopback client
    }

    @Override
    public String name() {
        return "rbac/bootstrap-roles";
    }

    private static ObjectNode bootstrap(String kind, String name) {
        ObjectNode o = Json.object();
        o.put("apiVersion", Rbac.GROUP + "/v1");
        o.put("kind", kind);
        ObjectNode m = Json.metadata(o);
        m.put("name", name);
        m.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
        m.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
        return o;
    }

    @Override
    public void run(PostStartHookContext context) {
        ObjectNode role = bootstrap("ClusterRole", "cluster-admin");
        var rules = role.putArray("rules");
        ObjectNode all = rules.addObject();
        all.putArray("apiGroups").add("*");
        all.putArray("resources").add("*");
        all.putArray("verbs").add("*");
        ObjectNode urls = rules.addObject();
        urls.putArray("nonResourceURLs").add("*");
        urls.putArray("verbs").add("*");
        create(context.loopback().resource(Rbac.GROUP, "v1", "clusterroles"), role);

        ObjectNode binding = bootstrap("ClusterRoleBinding", "cluster-admin");
        binding.putObject("roleRef").put("apiGroup", Rbac.GROUP).put("kind", "ClusterRole").put("name", "cluster-admin");
        binding.putArray("subjects").addObject().put("apiGroup", Rbac.GROUP).put("kind", "Group").put("name", "system:masters");
        create(context.loopback().resource(Rbac.GROUP, "v1", "clusterrolebindings"), binding);
    }

    private static void create(RestStore store, ObjectNode object) {
        try {
            store.create(LoopbackClient.context(""), object);
        } catch (StatusException e) {
            if (!"AlreadyExists".equals(e.reason())) {
                throw e;
            }
        }
    }
}
