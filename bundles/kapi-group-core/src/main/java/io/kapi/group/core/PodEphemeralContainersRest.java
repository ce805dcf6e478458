package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.machinery.apply.FieldManager;
import java.util.function.UnaryOperator;

/**
 * {@code pods/ephemeralcontainers}, as kube's {@code EphemeralContainersREST}: get, update and patch of the Pod, where
 * a write adds ephemeral containers and changes nothing else ({@link PodEphemeralContainersStrategy}); never a
 * create. It is what {@code kubectl debug <pod> --image=…} patches. The write is recorded in the managed fields as
 * {@code subresource: ephemeralcontainers}, on the object as it will be stored. Thread-safe.
 */
final class PodEphemeralContainersRest implements Patcher {
    static final String SUBRESOURCE = "ephemeralcontainers";

    private final RestStore store;
    private final FieldManager fieldManager;

    PodEphemeralContainersRest(RestStore store, FieldManager fieldManager) {
        this.store = store;
        this.fieldManager = fieldManager;
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return store.get(ctx, name, resourceVersion);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return SubresourceWrites.update(store, fieldManager, SUBRESOURCE, ctx, name, transform,
                PodEphemeralContainersStrategy::dropNonEphemeralContainerUpdates);
    }
}
