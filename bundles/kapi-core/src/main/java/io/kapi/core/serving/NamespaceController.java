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
import java.util.ArrayList;
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
    /** The namespace controller's own finalizer in {@code spec.finalizers} (kube's {@code FinalizerKubernetes}). */
    private static final String KUBERNETES_FINALIZER = "kubernetes";
    private static final long EMPTY_STORE_RETRY_MILLIS = 100;
    private static final UserInfo CONTROLLER = new UserInfo("system:serviceaccount:kube-system:namespace-controller", "",
            java.util.List.of("system:serviceaccounts", "system:authenticated"));
    private final Storage storage;
    private final Supplier<List<ServedResource>> served;
    private final java.util.concurrent.ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-namespace-controller");
        t.setDaemon(true);
        return t;
    });
    /** Collection deletes run here, each waited for a bounded time: a group that blocks holds a thread of its own. */
    private final java.util.concurrent.ExecutorService deletes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kapi-namespace-content-delete");
        t.setDaemon(true);
        return t;
    });
    /** How long each collection delete is waited for before the group is reported (kube's deleter has none: it waits). */
    private volatile long deleteTimeoutSeconds = 30;
    private final java.util.Set<String> pendingRechecks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A collection delete still running past its time: not started again until it returns (its thread is the group's). */
    private final java.util.Map<String, java.util.concurrent.Future<?>> runningDeletes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Watch watch;
    private volatile boolean closed;

    NamespaceController(Storage storage, Supplier<List<ServedResource>> served) {
        this.storage = storage;
        this.served = served;
    }

    /** Each collection delete's time before its group is reported (30 s). */
    void deleteTimeout(long seconds) {
        this.deleteTimeoutSeconds = seconds;
    }

    void start() {
        worker.execute(this::watchNamespaces);
    }

    private void watchNamespaces() {
        try {
            long rev = storage.currentRevision();
            if (rev == 0) {
                // nothing was ever written: the watch could only start "from now", and a namespace written
                // between the list and the watch would be missed; look again shortly (a server writes its
                // system namespaces as it starts)
                try {
                    worker.schedule(this::watchNamespaces, EMPTY_STORE_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                    // closed: nothing more to watch
                }
                return;
            }
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
     * objects' own finalizers are honoured), then takes the {@code kubernetes} finalizer off its
     * {@code spec.finalizers} (kube's controller calls {@code namespaces/finalize}); the namespace goes when
     * that leaves no finalizer, else it waits for the other finalizers' owners. While content remains it
     * looks again shortly. A namespace without the {@code kubernetes} finalizer is left alone, content
     * and all, as kube's controller leaves a namespace already finalized.
     * A group whose code fails or blocks (each collection delete gets 30 s) does not stop the others: it is
     * reported in the namespace's conditions, as kube's namespace controller reports it
     * ({@code NamespaceDeletionContentFailure}, {@code NamespaceContentRemaining}).
     */
    private void consider(String key, byte[] value) {
        try {
            ObjectNode ns = Json.parseObject(value);
            if (Json.text(ns.get("metadata"), "deletionTimestamp").isEmpty()) {
                return;
            }
            if (!hasFinalizer(ns.path("spec").path("finalizers"), KUBERNETES_FINALIZER)) {
                return;
            }
            String name = Json.name(ns);
            RequestContext ctx = new RequestContext(name, CONTROLLER, false, null);
            List<String> failures = new ArrayList<>();
            List<String> remaining = new ArrayList<>();
            for (ServedResource r : served.get()) {
                if (!r.meta().namespaced()) {
                    continue;
                }
                if (r.storage() instanceof CollectionDeleter deleter) {
                    String failure = deleteAll(r.meta().keyPrefix() + name + "/", deleter, ctx);
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
                long left = storage.count(r.meta().keyPrefix() + name + "/");
                if (left > 0) {
                    String qualified = r.meta().resource() + "." + r.meta().group();
                    remaining.add(qualified + " has " + left + " resource instances");
                }
            }
            report(key, failures, remaining);
            if (!remaining.isEmpty()) {
                scheduleRecheck(key);
                return;
            }
            finalizeNamespace(key);
        } catch (IOException | StorageException e) {
            LOG.log(Level.WARNING, "could not finish deleting namespace at " + key + "; retrying", e);
            scheduleRecheck(key);
        }
    }

    /**
     * Takes {@code kubernetes} off the namespace's {@code spec.finalizers}, on the stored object as it is now; removes
     * the namespace when no finalizer is left in its spec or metadata (kube's finalize update of a namespace being
     * deleted). A write in between is met by reading again.
     */
    private void finalizeNamespace(String key) throws IOException {
        while (true) {
            KeyValue current = storage.get(key);
            if (current == null) {
                return;
            }
            ObjectNode ns = Json.parseObject(current.value());
            com.fasterxml.jackson.databind.JsonNode specFinalizers = ns.path("spec").path("finalizers");
            if (!hasFinalizer(specFinalizers, KUBERNETES_FINALIZER)) {
                return;
            }
            com.fasterxml.jackson.databind.node.ArrayNode left = Json.NODES.arrayNode();
            specFinalizers.forEach(f -> {
                if (!f.asText().equals(KUBERNETES_FINALIZER)) {
                    left.add(f);
                }
            });
            try {
                if (left.isEmpty() && ns.path("metadata").path("finalizers").isEmpty()) {
                    storage.delete(key, current.modRevision());
                } else {
                    ns.with("spec").set("finalizers", left);
                    storage.update(key, current.modRevision(), Json.bytes(ns));
                }
                return;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw e;
                }
                LOG.log(Level.FINE, "namespace at " + key + " changed while it was finalized; reading it again", e);
            }
        }
    }

    private static boolean hasFinalizer(com.fasterxml.jackson.databind.JsonNode finalizers, String name) {
        for (com.fasterxml.jackson.databind.JsonNode f : finalizers) {
            if (name.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    /** One resource's collection delete, bounded in time; its failure as kube words it, or null. */
    private String deleteAll(String what, CollectionDeleter deleter, RequestContext ctx) {
        java.util.concurrent.Future<?> f = runningDeletes.get(what);
        if (f == null || f.isDone()) {
            // kube's namespace deleter deletes in the background: the garbage collector takes the dependents
            ObjectNode background = Json.object().put("propagationPolicy", "Background");
            f = deletes.submit(() -> deleter.deleteCollection(ctx, background, ListOptions.NONE));
            runningDeletes.put(what, f);
        }
        try {
            f.get(deleteTimeoutSeconds, TimeUnit.SECONDS);
            runningDeletes.remove(what, f);
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            // left running: the next pass waits for it again rather than starting another one
            return "timed out after " + deleteTimeoutSeconds + "s";
        } catch (java.util.concurrent.ExecutionException e) {
            runningDeletes.remove(what, f);
            Throwable cause = e.getCause();
            LOG.log(cause instanceof StatusException ? Level.FINE : Level.WARNING,
                    "deleting the content of namespace " + ctx.namespace() + " failed; retrying", cause);
            return String.valueOf(cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Writes kube's deletion conditions into the namespace's status when they changed: the content
     * that could not be deleted and why, and what remains.
     */
    private void report(String key, List<String> failures, List<String> remaining) throws IOException {
        // the object as it is now (a pass can take a while; a finalizer removed meanwhile stays removed)
        KeyValue current = storage.get(key);
        if (current == null) {
            return;
        }
        ObjectNode ns = Json.parseObject(current.value());
        ObjectNode status = ns.with("status");
        com.fasterxml.jackson.databind.JsonNode before = status.get("conditions");
        com.fasterxml.jackson.databind.node.ArrayNode conditions = Json.NODES.arrayNode();
        conditions.add(condition(before, "NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
                "All resources successfully discovered"));
        conditions.add(condition(before, "NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        conditions.add(failures.isEmpty()
                ? condition(before, "NamespaceDeletionContentFailure", false, "ContentDeleted",
                        "All content successfully deleted, may be waiting on finalization")
                : condition(before, "NamespaceDeletionContentFailure", true, "ContentDeletionFailed",
                        "Failed to delete all resource types, " + failures.size() + " remaining: " + String.join(", ", failures)));
        conditions.add(remaining.isEmpty()
                ? condition(before, "NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed")
                : condition(before, "NamespaceContentRemaining", true, "SomeResourcesRemain",
                        "Some resources are remaining: " + String.join(", ", remaining)));
        conditions.add(condition(before, "NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers",
                "All content-preserving finalizers finished"));
        if (conditions.equals(before)) {
            return;
        }
        status.set("conditions", conditions);
        try {
            storage.update(key, current.modRevision(), Json.bytes(ns));
        } catch (StorageException e) {
            // changed meanwhile: the next pass reports again
            LOG.log(Level.FINE, "namespace conditions of " + key + " not written; the next pass writes them", e);
        }
    }

    /** A condition as kube writes it; its lastTransitionTime stays while its status does. */
    private static ObjectNode condition(com.fasterxml.jackson.databind.JsonNode before, String type, boolean status,
                                        String reason, String message) {
        String statusText = status ? "True" : "False";
        String since = Json.now();
        if (before != null) {
            for (com.fasterxml.jackson.databind.JsonNode c : before) {
                if (type.equals(Json.text(c, "type")) && statusText.equals(Json.text(c, "status"))) {
                    since = Json.text(c, "lastTransitionTime");
                }
            }
        }
        ObjectNode c = Json.object();
        c.put("type", type);
        c.put("status", statusText);
        c.put("lastTransitionTime", since);
        c.put("reason", reason);
        c.put("message", message);
        return c;
    }

    /** One pending look per namespace, however many events and passes ask for it. */
    private void scheduleRecheck(String key) {
        if (!worker.isShutdown() && pendingRechecks.add(key)) {
            worker.schedule(() -> {
                pendingRechecks.remove(key);
                recheck(key);
            }, RETRY_SECONDS, TimeUnit.SECONDS);
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
        deletes.shutdownNow();
        runningDeletes.clear();
        if (w != null) {
            w.close();
        }
    }
}
