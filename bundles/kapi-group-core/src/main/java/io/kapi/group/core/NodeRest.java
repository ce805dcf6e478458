package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StorageBinding;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.WatchSink;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Nodes on the generic store, with kube's one exception to the status subresource: a create keeps the
 * status it carries ("Nodes allow *all* fields, including status, to be set on create", kube's node
 * strategy), where the store drops the status of every create of a resource that has the subresource.
 * Such a create runs on a store whose strategy puts the status back before defaulting.
 */
final class NodeRest implements RestStore, TableConvertor {
    private final StorageBinding binding;
    private final RestStore store;
    private final TableConvertor table;

    NodeRest(StorageBinding binding, NodeStrategy strategy) {
        this.binding = binding;
        this.store = binding.genericStore(strategy);
        this.table = strategy.table();
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        if (object.get("status") instanceof ObjectNode status) {
            return binding.genericStore(NodeStrategy.creatingWith(status.deepCopy())).create(ctx, object);
        }
        return store.create(ctx, object);
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return store.get(ctx, name, resourceVersion);
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        return store.list(ctx, options);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return store.update(ctx, name, transform);
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        return store.delete(ctx, name, options);
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        return store.deleteCollection(ctx, deleteOptions, listOptions);
    }

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        return store.watch(ctx, options, sink);
    }

    @Override
    public List<TableColumn> columns() {
        return table.columns();
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        return table.cells(object);
    }
}
