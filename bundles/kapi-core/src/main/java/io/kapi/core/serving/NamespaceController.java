package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.CollectionDeleter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.json.Json;
import io.kapi.core.registry.StorageNamespaceGuard;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process namespace controller (kube-controller-manager's namespace deleter, as kcp runs it
 * in the server): a namespace marked for deletion has every object of every served namespaced
 * resource deleted, then is removed itself. Data of groups that are not served at that moment stays
 * in storage, as the group's data stays when its bundle leaves.
 */
final class NamespaceController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NamespaceController.class.getName());
    private static final long RETRY_SECONDS = 1;
    private static final UserInfo CONTROLLER = new UserInfo("system:serviceaccount:kube-system:namespace-controller", "",
            java.util.List.of("system:serviceaccounts", "system:authenticated"));
    private final Storage storage;
    private final Supplier<List<ServedResource>> served;
    private final java.util.concurrent.ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-namespace-controller");
        t.setDaemon(true);
        return t;
    });
    private volatile Watch watch;
    private volatile boolean closed;

    NamespaceController(Storage storage, Supplier<List<ServedResource>> served) {
        this.storage = storage;
        this.served = served;
    }

    void start() {
        worker.execute(this::watchNamespaces);
    }

    private void watchNamespaces() {
        try {
            long rev = storage.currentRevision();
            for (KeyValue kv : storage.list(StorageNamespaceGuard.NAMESPACES_PREFIX, rev, null, 0).items()) {
                consider(kv.key(), kv.value());
            }
            Watch w = storage.watch(StorageNamespaceGuard.NAMESPACES_PREFIX, rev, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    if (event.type() == WatchEvent.Type.PUT) {
                        worker.execute(() -> consider(event.key(), event.value()));
                    }
                }

                @Override
                public void onClose(StorageException error) {
                    if (error != null && !worker.isShutdown()) {
                        LOG.log(Level.WARNING, "namespace watch ended; restarting", error);
                        start();
                    }
                }
            });
            watch = w;
            if (closed) {
                w.close();
            }
        } catch (StorageException e) {
            if (!worker.isShutdown()) {
                LOG.log(Level.WARNING, "namespace controller cannot watch namespaces", e);
            }
        }
    }

    /**
     * Empties a namespace marked for deletion through each served resource's collection delete (so the
     * objects' own finalizers are honoured), and removes the namespace once nothing is left in it and
     * no finalizer other than its own {@code kubernetes} one remains; otherwise it looks again shortly.
     */
    private void consider(String key, byte[] value) {
        try {
            ObjectNode ns = Json.parseObject(value);
            if (Json.text(ns.get("metadata"), "deletionTimestamp").isEmpty()) {
                return;
            }
            String name = Json.name(ns);
            RequestContext ctx = new RequestContext(name, CONTROLLER, false, null);
            boolean empty = true;
            for (ServedResource r : served.get()) {
                if (!r.meta().namespaced()) {
                    continue;
                }
                if (r.storage() instanceof CollectionDeleter deleter) {
                    try {
                        deleter.deleteCollection(ctx, Json.object(), ListOptions.NONE);
                    } catch (StatusException e) {
                        LOG.log(Level.FINE, "deleting " + r.meta().resource() + " in " + name + " failed; retrying", e);
                    }
                }
                empty &= storage.count(r.meta().keyPrefix() + name + "/") == 0;
            }
            if (!empty || ns.path("metadata").path("finalizers").size() > 0) {
                worker.schedule(() -> recheck(key), RETRY_SECONDS, TimeUnit.SECONDS);
                return;
            }
            KeyValue current = storage.get(key);
            if (current != null) {
                storage.delete(key, current.modRevision());
            }
        } catch (IOException | StorageException e) {
            LOG.log(Level.WARNING, "could not finish deleting namespace at " + key + "; retrying", e);
            if (!worker.isShutdown()) {
                worker.schedule(() -> recheck(key), RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private void recheck(String key) {
        KeyValue kv = storage.get(key);
        if (kv != null) {
            consider(key, kv.value());
        }
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        worker.shutdownNow();
        if (w != null) {
            w.close();
        }
    }
}
