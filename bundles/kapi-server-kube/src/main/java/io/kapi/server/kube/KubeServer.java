package io.kapi.server.kube;

import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.ServerContext;
import org.osgi.service.component.annotations.Component;

/**
 * The kube server: the routes of the groups it hosts, then its own root discovery (merged with the
 * servers behind it), which only answers when no aggregator stands in front.
 */
@Component(service = DelegationTarget.class, property = {DelegationTarget.ORDER + ":Integer=200"})
public final class KubeServer implements DelegationTarget {
    @Override
    public String name() {
        return "kube";
    }

    @Override
    public Director director(ServerContext context) {
        Director hosted = context.hostedApis();
        Director root = context.mergedRootDiscovery();
        return (request, response) -> hosted.serve(request, response) || root.serve(request, response);
    }
}
