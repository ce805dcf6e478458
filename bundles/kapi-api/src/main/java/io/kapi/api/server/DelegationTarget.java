package io.kapi.api.server;

import java.util.List;

/**
 * A server of the delegation chain (kube's {@code DelegationTarget}). The core chains the servers
 * present by the service property {@value #ORDER} (aggregator 100, kube 200, apiextensions 300);
 * a server's not-found goes to the next one, the last one's to a 404 {@code Status}.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface DelegationTarget {
    String ORDER = "kapi.server.order";

    /** The server's name; group providers name it in their {@code kapi.server} property. */
    String name();

    /**
     * Builds this server's director for one serving snapshot. Called on the core's rebuild thread,
     * never on a request thread; must not block.
     */
    Director director(ServerContext context);

    /** The server's post-start hooks; they are health checks under {@code /healthz/poststarthook/<name>}. */
    default List<PostStartHook> postStartHooks() {
        return List.of();
    }
}
