package io.kapi.core.serving;

import io.kapi.api.storage.Storage;
import io.kapi.core.cache.WatchCache;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.gc.GarbageCollector;
import io.kapi.core.metrics.KapiMetrics;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What requests read and watch, and what the in-process controllers run on: a watch cache (kube's cacher) over
 * the highest-ranked storage backend, whose calls are timed for the metrics. One backend watch is fanned out to
 * every watcher and lists are served from memory. A new backend gets a new cache, and the old one ends its
 * watches cleanly; if the cache cannot start (the backend is down), the backend serves directly and the failure
 * is reported, and the next rebuild tries again.
 *
 * <p>The namespace controller, the garbage collector and the expiry of objects with a time to live read and watch
 * what requests do, and are restarted when that changes. Used from the server's rebuild thread only (and its shutdown).
 */
final class ServingStorage {
    private static final Logger LOG = Logger.getLogger(KapiServer.class.getName());

    private final KapiMetrics metrics;
    private final Supplier<List<ServedResource>> served;
    private Storage cachedBackend;
    private WatchCache cache;
    /** The backend with its calls timed, one per backend, so that it stays the same object across rebuilds. */
    private Storage timedBackend;
    private Storage timedBackendOf;
    private Storage controlledStorage;
    private NamespaceController namespaceController;
    private GarbageCollector garbageCollector;
    private ObjectExpiry objectExpiry;
    private volatile long namespaceDeleteTimeoutSeconds = 30;

    /** {@code served}: the resources the current snapshot serves, which the controllers go through. */
    ServingStorage(KapiMetrics metrics, Supplier<List<ServedResource>> served) {
        this.metrics = metrics;
        this.served = served;
    }

    /** What to serve from over {@code backend} (null: nothing); a failure to start the cache is added to {@code failures}. */
    Storage over(Storage backend, List<String> failures) {
        if (backend == null) {
            closeCache();
            return null;
        }
        if (backend == cachedBackend && cache != null) {
            return cache;
        }
        closeCache();
        Storage timed = timedBackend != null && timedBackendOf == backend ? timedBackend : metrics.timed(backend);
        timedBackend = timed;
        timedBackendOf = backend;
        try {
            long start = System.nanoTime();
            cache = new WatchCache(timed, "/registry/");
            // kube's cacher logs its first list too: at a start with many objects, it is most of the wait for /readyz
            LOG.info("the watch cache listed " + cache.objectCount() + " keys under /registry/ in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            cachedBackend = backend;
            return cache;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the watch cache could not start; serving from the storage backend directly", e);
            failures.add("watch cache not started (" + e.getMessage() + "): reads and watches go to the storage backend");
            return timed;
        }
    }

    /** Runs the controllers on {@code storage} (what the snapshot now serves from), restarting them when it changed. */
    void runControllers(Storage storage) {
        if (storage == controlledStorage) {
            return;
        }
        stopControllers();
        controlledStorage = storage;
        if (storage != null) {
            namespaceController = new NamespaceController(storage, served);
            namespaceController.deleteTimeout(namespaceDeleteTimeoutSeconds);
            namespaceController.start();
            garbageCollector = new GarbageCollector(storage, served);
            garbageCollector.start();
            objectExpiry = new ObjectExpiry(storage, served, ObjectExpiry.monotonicWallClock());
            objectExpiry.start();
        }
    }

    /** How long the namespace controller waits for a group's collection delete before reporting it. */
    void namespaceDeleteTimeout(long seconds) {
        namespaceDeleteTimeoutSeconds = seconds;
        NamespaceController c = namespaceController;
        if (c != null) {
            c.deleteTimeout(seconds);
        }
    }

    /** Stops the controllers and the cache. */
    void close() {
        stopControllers();
        closeCache();
    }

    private void stopControllers() {
        if (namespaceController != null) {
            namespaceController.close();
            namespaceController = null;
        }
        if (garbageCollector != null) {
            garbageCollector.close();
            garbageCollector = null;
        }
        if (objectExpiry != null) {
            objectExpiry.close();
            objectExpiry = null;
        }
    }

    private void closeCache() {
        if (cache != null) {
            cache.close();
        }
        cache = null;
        cachedBackend = null;
    }
}
