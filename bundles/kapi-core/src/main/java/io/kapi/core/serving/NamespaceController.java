package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.ExecutorService;
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
    private final Storage storage;
    private final Supplier<List<ServedResource>> served;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kapi-namespace-controller");
        t.setDaemon(true);
        return t;
    });
    private volatile Watch watch;

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
            watch = storage.watch(StorageNamespaceGuard.NAMESPACES_PREFIX, rev, new WatchListener() {
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
        } catch (StorageException e) {
            if (!worker.isShutdown()) {
                LOG.log(Level.WARNING, "namespace controller cannot watch namespaces", e);
            }
        }
    }

    private void consider(String key, byte[] value) {
        try {
            ObjectNode ns = Json.parseObject(value);
            if (Json.text(ns.get("metadata"), "deletionTimestamp").isEmpty()) {
                return;
            }
            String name = Json.name(ns);
            for (ServedResource r : served.get()) {
                if (!r.meta().namespaced()) {
                    continue;
                }
                String prefix = r.meta().keyPrefix() + name + "/";
                for (KeyValue kv : storage.list(prefix, 0, null, 0).items()) {
                    try {
                        storage.delete(kv.key(), 0);
                    } catch (StorageException e) {
                        if (e.code() != StorageException.Code.NOT_FOUND) {
                            throw e;
                        }
                    }
                }
            }
            KeyValue current = storage.get(key);
            if (current != null) {
                storage.delete(key, current.modRevision());
            }
        } catch (IOException | StorageException e) {
            LOG.log(Level.WARNING, "could not finish deleting namespace at " + key + "; will retry on its next change", e);
        }
    }

    @Override
    public void close() {
        Watch w = watch;
        worker.shutdownNow();
        if (w != null) {
            w.close();
        }
    }
}
