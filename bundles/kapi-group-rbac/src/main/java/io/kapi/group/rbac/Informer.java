package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.server.LoopbackClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One resource's objects, across namespaces, as a list and the watch since have them (client-go's reflector and
 * store, in process, over the loopback client): lists through the store, watches from the list's resourceVersion,
 * and calls {@code changed} after each change. A watch that ends, cleanly or not, or a list that fails is started
 * again after {@code retryMillis}, from a new list.
 *
 * <p>Thread-safety: everything but {@link #start()} and {@link #close()} runs on the executor it is given, which
 * must run one task at a time (several informers may share it); {@link #objects()} and {@link #synced()} are for
 * that thread too.
 */
final class Informer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Informer.class.getName());
    private static final RequestContext ALL_NAMESPACES = LoopbackClient.context("");

    private final String resource;
    private final Supplier<RestStore> store;
    private final ScheduledExecutorService worker;
    private final long retryMillis;
    private final Runnable changed;
    /** The objects by namespace/name (name alone when cluster-scoped); worker thread only. */
    private final Map<String, ObjectNode> objects = new HashMap<>();
    private AutoCloseable watch;
    /** Which list-and-watch is current: events and ends of an earlier watch are ignored. */
    private long generation;
    private boolean synced;
    private volatile boolean closed;

    /**
     * @param resource the resource's name, for the log
     * @param store its store, looked up again at each list (it may change with the serving snapshot)
     */
    Informer(String resource, Supplier<RestStore> store, ScheduledExecutorService worker, long retryMillis, Runnable changed) {
        this.resource = resource;
        this.store = store;
        this.worker = worker;
        this.retryMillis = retryMillis;
        this.changed = changed;
    }

    void start() {
        submit(this::relist);
    }

    /** The objects now (a live view); worker thread only. */
    Collection<ObjectNode> objects() {
        return objects.values();
    }

    /** Whether a list has been taken (and not lost since); worker thread only. */
    boolean synced() {
        return synced;
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, resource + " informer stopped; dropping a task", e);
        }
    }

    private void later(Runnable task) {
        try {
            worker.schedule(task, retryMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, resource + " informer stopped; not retrying", e);
        }
    }

    private void relist() {
        if (closed) {
            return;
        }
        endWatch();
        long current = ++generation;
        try {
            RestStore s = store.get();
            ObjectNode list = s.list(ALL_NAMESPACES, ListOptions.NONE);
            objects.clear();
            for (JsonNode item : list.path("items")) {
                if (item instanceof ObjectNode o) {
                    objects.put(key(o), o);
                }
            }
            String rv = list.path("metadata").path("resourceVersion").asText("");
            watch = s.watch(ALL_NAMESPACES, new ListOptions(null, null, 0, null, rv, null, false, 0, null), new Sink(current));
            synced = true;
            changed.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot list and watch " + resource + "; trying again in " + retryMillis + " ms", e);
            later(this::relist);
        }
    }

    private static String key(ObjectNode o) {
        String namespace = o.path("metadata").path("namespace").asText("");
        return namespace.isEmpty() ? Json.name(o) : namespace + "/" + Json.name(o);
    }

    private void endWatch() {
        AutoCloseable w = watch;
        watch = null;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the " + resource + " watch failed", e);
            }
        }
    }

    /** Receives one list-and-watch's events on the watch's thread and hands them to the worker. */
    private final class Sink implements WatchSink {
        private final long of;

        Sink(long of) {
            this.of = of;
        }

        @Override
        public void event(String type, ObjectNode object) {
            submit(() -> onEvent(of, type, object));
        }

        @Override
        public void closed(StatusException error) {
            submit(() -> {
                if (of != generation || closed) {
                    return;
                }
                if (error != null) {
                    LOG.log(Level.WARNING, resource + " watch ended; listing again in " + retryMillis + " ms", error);
                } else {
                    LOG.fine(resource + " watch ended; listing again in " + retryMillis + " ms");
                }
                generation++; // until the new list, nothing of this watch counts
                later(Informer.this::relist);
            });
        }
    }

    private void onEvent(long of, String type, ObjectNode object) {
        if (of != generation || closed) {
            return;
        }
        switch (type) {
            case "ADDED", "MODIFIED" -> objects.put(key(object), object);
            case "DELETED" -> objects.remove(key(object));
            case "BOOKMARK" -> {
                return;
            }
            default -> {
                LOG.warning(resource + " watch sent " + type + " " + object + "; listing again");
                generation++;
                later(this::relist);
                return;
            }
        }
        changed.run();
    }

    /** Ends the watch; the caller shuts the shared executor down. */
    @Override
    public void close() {
        closed = true;
        submit(this::endWatch);
    }
}
