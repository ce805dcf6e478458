package io.kapi.core.serving;

import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.core.endpoints.ServedResource;
import java.util.function.Supplier;

/**
 * The loopback client over the serving snapshot current at each call: the store a request for the
 * resource would reach, without HTTP (kube's loopback clientset reaches it over its own listener).
 */
final class Loopback implements LoopbackClient {
    private final Supplier<ServingSnapshot> snapshot;

    Loopback(Supplier<ServingSnapshot> snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public RestStore resource(String group, String version, String resource) {
        ServingSnapshot s = snapshot.get();
        if (s != null) {
            for (ServedResource r : s.served()) {
                if (r.meta().group().equals(group) && r.meta().version().equals(version) && r.meta().resource().equals(resource)
                        && r.storage() instanceof RestStore store) {
                    return store;
                }
            }
        }
        throw StatusException.notFound(group, resource, "");
    }
}
