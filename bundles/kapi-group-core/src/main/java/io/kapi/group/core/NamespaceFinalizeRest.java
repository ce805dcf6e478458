package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.Updater;
import io.kapi.machinery.apply.FieldManager;
import java.util.function.UnaryOperator;

/**
 * {@code namespaces/finalize}, as kube's {@code FinalizeREST}: update only (a PUT of the Namespace; kube serves no
 * get or patch here). It is how the namespace controller hands a namespace back once its content is gone, and how
 * a namespace held by a finalizer whose owner is gone is let go
 * ({@code kubectl replace --raw /api/v1/namespaces/<name>/finalize -f <namespace without the finalizer>}). A write
 * that leaves a namespace being deleted without finalizers removes it. The write is recorded in the managed
 * fields as {@code subresource: finalize}. Thread-safe.
 */
final class NamespaceFinalizeRest implements Updater {
    static final String SUBRESOURCE = "finalize";

    private final RestStore store;
    private final FieldManager fieldManager;

    NamespaceFinalizeRest(RestStore store, FieldManager fieldManager) {
        this.store = store;
        this.fieldManager = fieldManager;
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        // recorded on what will be stored: the status is the stored one whatever was sent
        return SubresourceWrites.update(store, fieldManager, SUBRESOURCE, ctx, name, transform, NamespaceFinalizeStrategy::keepStoredStatus);
    }
}
