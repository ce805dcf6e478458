package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.Updater;
import io.kapi.machinery.apply.FieldManager;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The write of a subresource whose storage records it in the managed fields itself (the endpoint records only the
 * writes of a resource, its status and its scale): {@code prepare} makes the written object what will be stored
 * (kube's strategy, run again by the store), then the write is recorded on it as {@code subresource}, as kube's
 * field manager sees it after the strategy's reset. Stateless.
 */
final class SubresourceWrites {
    private SubresourceWrites() {
    }

    /** {@code store}'s update of {@code name} through {@code transform}, recorded as described above. */
    static Updater.UpdateResult update(RestStore store, FieldManager fields, String subresource, RequestContext ctx, String name,
            UnaryOperator<ObjectNode> transform, BiConsumer<ObjectNode, ObjectNode> prepare) {
        String now = Json.now();
        return store.update(ctx, name, current -> {
            ObjectNode written = transform.apply(current);
            if (written == null || current == null) {
                return written;
            }
            if (ctx.fieldManager() != null) {
                prepare.accept(written, current);
                fields.update(current, written, ctx.fieldManager(), now, subresource);
            }
            return written;
        });
    }
}
