package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.rest.Watcher;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Namespaces on the generic store, with kube's verbs for them: every verb but deletecollection, which kube's
 * namespace storage does not offer (a namespace goes through its own deletion, one at a time). Discovery lists
 * no deletecollection and a DELETE of the collection answers 405.
 */
final class NamespaceRest implements Creater, Patcher, Lister, GracefulDeleter, Watcher, TableConvertor {
    private final RestStore store;
    private final TableConvertor table;

    NamespaceRest(RestStore store, NamespaceStrategy strategy) {
        this.store = store;
        this.table = strategy.table();
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
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
