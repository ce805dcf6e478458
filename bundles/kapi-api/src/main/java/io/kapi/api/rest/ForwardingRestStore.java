package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A resource's REST storage that hands every verb to another one (usually the generic store from
 * {@link StorageBinding#genericStore}): a group extends it and overrides only the verbs it adds rules to,
 * as kube's registries embed {@code genericregistry.Store} and override a verb or two. Tables come from
 * the delegate when it converts them, else from {@link Printer#nameAndAge()}.
 */
@org.osgi.annotation.versioning.ConsumerType
public abstract class ForwardingRestStore implements RestStore, TableConvertor {
    private final RestStore delegate;

    protected ForwardingRestStore(RestStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The storage every verb not overridden goes to. */
    protected final RestStore delegate() {
        return delegate;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        return delegate.create(ctx, object);
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return delegate.get(ctx, name, resourceVersion);
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        return delegate.list(ctx, options);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return delegate.update(ctx, name, transform);
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        return delegate.delete(ctx, name, options);
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        return delegate.deleteCollection(ctx, deleteOptions, listOptions);
    }

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        return delegate.watch(ctx, options, sink);
    }

    @Override
    public List<TableColumn> columns() {
        return delegate instanceof TableConvertor t ? t.columns() : Printer.nameAndAge().columns();
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        return delegate instanceof TableConvertor t ? t.cells(object) : Printer.nameAndAge().cells(object);
    }
}
