package io.kapi.server.aggregator;

import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.ServerContext;
import org.osgi.service.component.annotations.Component;

/** The aggregator: merged root discovery first, then the groups it hosts itself; the rest goes on down the chain. */
@Component(service = DelegationTarget.class, property = {DelegationTarget.ORDER + ":Integer=100"})
public final class AggregatorServer implements DelegationTarget {
    @Override
    public String name() {
        return "aggregator";
    }

    @Override
    public Director director(ServerContext context) {
        Director root = context.mergedRootDiscovery();
        Director hosted = context.hostedApis();
        return (request, response) -> root.serve(request, response) || hosted.serve(request, response);
    }
}
