package io.kapi.core.serving;

import io.kapi.api.server.KapiRuntime;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.endpoints.RequestInfoResolver;
import io.kapi.core.endpoints.ServedResource;
import java.util.ArrayList;
import java.util.List;

/** The runtime's questions about one serving snapshot (the shell's kapi:watchers and kapi:resolve). Stateless. */
final class RuntimeQueries {
    private RuntimeQueries() {
    }

    static List<KapiRuntime.WatchInfo> watches(ServingSnapshot s) {
        List<KapiRuntime.WatchInfo> out = new ArrayList<>();
        if (s != null) {
            for (ServedResource r : s.served()) {
                r.watchesByUser().forEach((user, count) -> out.add(new KapiRuntime.WatchInfo(r.meta().group(), r.meta().version(),
                        r.meta().resource(), user, count)));
            }
        }
        return out;
    }

    static KapiRuntime.Resolution resolve(ServingSnapshot s, String method, String path) {
        int q = path.indexOf('?');
        String query = q < 0 ? "" : path.substring(q + 1);
        String bare = q < 0 ? path : path.substring(0, q);
        String watch = null;
        for (String p : query.split("&")) {
            if (p.startsWith("watch=")) {
                watch = p.substring("watch=".length());
            }
        }
        RequestInfo info = RequestInfoResolver.resolve(method, bare, watch);
        String head = s == null || s.servers().isEmpty() ? "" : s.servers().get(0).name();
        if (!info.resourceRequest() || s == null) {
            return new KapiRuntime.Resolution(info.verb(), info.resourceRequest(), "", "", "", "", head, "");
        }
        for (KapiRuntime.GroupResourceInfo r : s.resources()) {
            if (!r.shadowed() && r.group().equals(info.apiGroup()) && r.version().equals(info.apiVersion())
                    && r.resource().equals(info.resource())) {
                return new KapiRuntime.Resolution(info.verb(), true, r.group(), r.version(), r.resource(),
                        info.subresource() == null ? "" : info.subresource(), r.server(), r.bundle());
            }
        }
        // no group serves it: the chain's tail answers 404
        String tail = s.servers().isEmpty() ? "" : s.servers().get(s.servers().size() - 1).name();
        return new KapiRuntime.Resolution(info.verb(), true, info.apiGroup(), info.apiVersion(), info.resource(),
                info.subresource() == null ? "" : info.subresource(), tail, "");
    }
}
