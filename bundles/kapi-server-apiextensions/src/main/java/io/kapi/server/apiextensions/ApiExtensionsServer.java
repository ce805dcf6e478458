package io.kapi.server.apiextensions;

import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.ServerContext;
import org.osgi.service.component.annotations.Component;

/** The apiextensions server: the groups it hosts, then its root discovery; its not-found ends in the 404 Status. */
@Component(service = DelegationTarget.class, property = {DelegationTarget.ORDER + ":Integer=300"})
public final class ApiExtensionsServer implements DelegationTarget {
    @Override
    public String name() {
        return "apiextensions";
    }

    @Override
    public Director director(ServerContext context) {
        Director hosted = context.hostedApis();
        Director root = context.mergedRootDiscovery();
        return (request, response) -> hosted.serve(request, response) || root.serve(request, response);
    }
}
