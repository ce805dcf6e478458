package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ForwardingRestStore;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StorageBinding;

/**
 * Nodes on the generic store, with kube's one exception to the status subresource: a create keeps the
 * status it carries ("Nodes allow *all* fields, including status, to be set on create", kube's node
 * strategy), where the store drops the status of every create of a resource that has the subresource.
 * Such a create runs on a store whose strategy puts the status back before defaulting.
 */
final class NodeRest extends ForwardingRestStore {
    private final StorageBinding binding;

    NodeRest(StorageBinding binding, NodeStrategy strategy) {
        super(binding.genericStore(strategy));
        this.binding = binding;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        if (object.get("status") instanceof ObjectNode status) {
            return binding.genericStore(NodeStrategy.creatingWith(status.deepCopy())).create(ctx, object);
        }
        return super.create(ctx, object);
    }
}
