package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.CollectionDeleter;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.rest.Watcher;
import io.kapi.api.server.LoopbackClient;
import io.kapi.core.endpoints.ServedResource;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The loopback client over the serving snapshot current at each call: the store a request for the
 * resource would reach, without HTTP (kube's loopback clientset reaches it over its own listener). A storage
 * that offers only some verbs (namespaces have no deletecollection) answers the others 405, as over HTTP.
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
                        && r.subresource().isEmpty() && r.storage() != null) {
                    return r.storage() instanceof RestStore store ? store : new Verbs(r.storage(), group, resource);
                }
            }
        }
        throw StatusException.notFound(group, resource, "");
    }

    /** The verbs a storage offers; the others answer 405. */
    private record Verbs(Object storage, String group, String resource) implements RestStore {
        private <T> T verb(Class<T> verb, String method) {
            if (verb.isInstance(storage)) {
                return verb.cast(storage);
            }
            throw StatusException.methodNotAllowed(method, group, resource);
        }

        @Override
        public ObjectNode create(RequestContext ctx, ObjectNode object) {
            return verb(Creater.class, "POST").create(ctx, object);
        }

        @Override
        public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
            return verb(Getter.class, "GET").get(ctx, name, resourceVersion);
        }

        @Override
        public ObjectNode list(RequestContext ctx, ListOptions options) {
            return verb(Lister.class, "LIST").list(ctx, options);
        }

        @Override
        public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
            return verb(Updater.class, "PUT").update(ctx, name, transform);
        }

        @Override
        public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
            return verb(GracefulDeleter.class, "DELETE").delete(ctx, name, options);
        }

        @Override
        public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
            return verb(CollectionDeleter.class, "DELETE").deleteCollection(ctx, deleteOptions, listOptions);
        }

        @Override
        public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
            return verb(Watcher.class, "WATCH").watch(ctx, options, sink);
        }
    }
}
