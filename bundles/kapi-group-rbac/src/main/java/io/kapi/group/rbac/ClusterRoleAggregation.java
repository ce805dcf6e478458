package io.kapi.group.rbac;

import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.storage.Storage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Starts kube's ClusterRole aggregation controller ({@link ClusterRoleAggregator}, which
 * kube-controller-manager runs) once the server serves cluster roles, over the loopback client a
 * post-start hook is handed, and stops it with this bundle. Its hook is ready as soon as the
 * controller runs; the controller then follows the cluster roles by itself.
 */
@Component(service = PostStartHook.class)
public final class ClusterRoleAggregation implements PostStartHook {
    private static final long RETRY_MILLIS = 1000;

    private ClusterRoleAggregator controller;
    private boolean stopped;

    @Activate
    public ClusterRoleAggregation(@Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        // the reference re-creates this component, and so its controller, on a new backend
    }

    @Override
    public String name() {
        return "start-clusterrole-aggregation-controller";
    }

    @Override
    public void run(PostStartHookContext context) {
        LoopbackClient client = context.loopback();
        // a 404 while cluster roles are not served yet makes the hook run again with a later snapshot
        client.resource(Rbac.GROUP, "v1", "clusterroles");
        synchronized (this) {
            if (controller != null || stopped) {
                return;
            }
            controller = new ClusterRoleAggregator(() -> client.resource(Rbac.GROUP, "v1", "clusterroles"), RETRY_MILLIS);
            controller.start();
        }
    }

    @Deactivate
    synchronized void stop() {
        stopped = true;
        if (controller != null) {
            controller.close();
            controller = null;
        }
    }
}
