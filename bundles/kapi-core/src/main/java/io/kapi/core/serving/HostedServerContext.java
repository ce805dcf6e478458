package io.kapi.core.serving;

import io.kapi.api.server.Director;
import io.kapi.api.server.ServerContext;
import io.kapi.core.discovery.Discovery;
import io.kapi.core.discovery.GroupView;
import io.kapi.core.endpoints.ResourceHandler;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.filters.GroupBudgets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a delegation target is handed to build its director: its hosted groups' resources routed by
 * group/version/resource (each request holding a slot of its group's share), its own group discovery
 * documents, and the root discovery merged from it and the servers after it in the chain.
 */
final class HostedServerContext implements ServerContext {
    private final List<GroupView> hosted;
    private final Director hostedApis;
    private final Director root;

    /** @param budgets the current per-group shares, read at each request */
    HostedServerContext(List<GroupView> hosted, List<GroupView> mergedFromHere, Supplier<GroupBudgets> budgets) {
        this.hosted = hosted;
        Discovery own = new Discovery(hosted);
        Map<String, ServedResource> routes = new HashMap<>();
        for (GroupView g : hosted) {
            g.resources().forEach((v, rs) -> rs.forEach(r -> routes.put(g.group() + "/" + v + "/" + r.meta().resource(), r)));
        }
        this.hostedApis = (request, resp) -> {
            var info = request.info();
            if (info.resourceRequest()) {
                ServedResource r = routes.get(info.apiGroup() + "/" + info.apiVersion() + "/" + info.resource());
                if (r == null) {
                    return false;
                }
                try (AutoCloseable slot = budgets.get().acquire(info)) {
                    ResourceHandler.serve(r, request, resp);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e); // releasing a slot throws nothing
                }
                return true;
            }
            return own.serveGroupDocs(request, resp);
        };
        this.root = new Discovery(mergedFromHere).root();
    }

    @Override
    public List<String> hostedGroups() {
        List<String> gs = new ArrayList<>();
        hosted.forEach(g -> gs.add(g.group()));
        return gs;
    }

    @Override
    public Director hostedApis() {
        return hostedApis;
    }

    @Override
    public Director mergedRootDiscovery() {
        return root;
    }
}
