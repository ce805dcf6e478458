package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The {@code status} subresource (kube's {@code StatusREST}): get, update and patch of the whole
 * object through a store whose updates change only its status. Its table is the resource's.
 */
public final class StatusRest implements Patcher, TableConvertor {
    private final GenericStore store;

    /** @param store a store built with {@link GenericStore.Options#statusWrites()} set */
    public StatusRest(GenericStore store) {
        if (store == null) {
            throw new IllegalArgumentException("store is required");
        }
        this.store = store;
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return store.get(ctx, name, resourceVersion);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return store.update(ctx, name, transform);
    }

    @Override
    public List<TableColumn> columns() {
        return store.columns();
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        return store.cells(object);
    }
}
