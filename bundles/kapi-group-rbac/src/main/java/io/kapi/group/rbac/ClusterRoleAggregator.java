package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kube's ClusterRole aggregation controller run in process: it follows the cluster roles (an {@link Informer}:
 * a list, then a watch from its resourceVersion), and after every change gives each aggregated cluster role the rules
 * {@link Aggregation} computes from the roles as they are now (kube re-checks the whole set on any
 * change, since one role may feed several), written through the store's update, which re-reads on a
 * conflict and skips writes that change nothing. A watch that ends, cleanly or not, or a list that
 * fails is started again after {@code retryMillis}, from a new list; a failed write is tried again by
 * the next pass, scheduled after the same delay.
 *
 * <p>Thread-safety: everything but {@link #start()} and {@link #close()} runs on its one worker thread,
 * which it shares with its informer; watch events are handed to it. {@link #close()} ends the watch and the thread
 * and waits for it, up to 5 s.
 */
final class ClusterRoleAggregator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterRoleAggregator.class.getName());
    private static final RequestContext CTX = LoopbackClient.context("");

    private final Supplier<RestStore> store;
    private final long retryMillis;
    private final ScheduledThreadPoolExecutor worker;
    /** The cluster roles, as the last list and the watch since have them; read on the worker thread only. */
    private final Informer roles;
    private boolean syncQueued;
    private boolean retryQueued;
    private volatile boolean closed;
    /** The worker's threads (one, or its replacement if a task threw an Error), joined by {@link #close()}. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** @param store the clusterroles store, looked up again at each list (it may change with the serving snapshot) */
    ClusterRoleAggregator(Supplier<RestStore> store, long retryMillis) {
        this.store = store;
        this.retryMillis = retryMillis;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kapi-clusterrole-aggregation");
            t.setDaemon(true);
            threads.add(t);
            return t;
        });
        worker.setRemoveOnCancelPolicy(true);
        // a retry scheduled for later must not hold up close()
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.roles = new Informer("clusterroles", store, worker, retryMillis, this::changed);
    }

    void start() {
        roles.start();
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "cluster role aggregation stopped; dropping a task", e);
        }
    }

    private void later(Runnable task) {
        try {
            worker.schedule(task, retryMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "cluster role aggregation stopped; not retrying", e);
        }
    }

    /** On the worker, after a list or a change: one pass queued, however many changes came. */
    private void changed() {
        if (!syncQueued) {
            syncQueued = true;
            submit(this::sync);
        }
    }

    /** One pass over every aggregated cluster role in the cache (kube's {@code enqueue} then {@code syncClusterRole}). */
    private void sync() {
        syncQueued = false;
        if (closed) {
            return;
        }
        boolean failed = false;
        for (ObjectNode role : new ArrayList<>(roles.objects())) {
            ArrayNode rules;
            try {
                rules = Aggregation.rules(role, roles.objects());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "clusterrole " + Json.name(role) + " has a selector kube refuses; not aggregated", e);
                continue;
            }
            if (rules == null || Aggregation.upToDate(role, rules)) {
                continue;
            }
            try {
                write(Json.name(role));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot update the rules of clusterrole " + Json.name(role) + "; trying again in "
                        + retryMillis + " ms", e);
                failed = true;
            }
        }
        if (failed && !retryQueued) {
            retryQueued = true;
            later(() -> {
                retryQueued = false;
                sync();
            });
        }
    }

    private void write(String name) {
        try {
            store.get().update(CTX, name, current -> {
                if (current == null) {
                    throw StatusException.notFound(Rbac.GROUP, "clusterroles", name);
                }
                // computed again on the object as it is now: the store runs this again after a conflict
                ArrayNode rules = Aggregation.rules(current, roles.objects());
                if (rules == null || Aggregation.upToDate(current, rules)) {
                    return current;
                }
                current.set("rules", rules);
                return current;
            });
        } catch (StatusException e) {
            if (e.code() != 404) {
                throw e;
            }
            LOG.fine("clusterrole " + name + " went away before its rules were written");
        }
    }

    /** Whether the worker has nothing queued, asked on the worker itself: for tests that wait for a quiet state. */
    boolean idle() throws Exception {
        return worker.submit(() -> !syncQueued && worker.getQueue().isEmpty()).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        closed = true;
        roles.close();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("cluster role aggregation did not stop within 5 s; interrupting it");
                worker.shutdownNow();
            }
            // the executor counts as terminated a moment before its thread has died: wait for the thread too,
            // so a stopped bundle leaves no thread of its own behind
            for (Thread t : threads) {
                t.join(5000);
                if (t.isAlive()) {
                    LOG.warning("cluster role aggregation thread " + t.getName() + " still alive 5 s after close");
                }
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the worker thread has ended (after {@link #close()}). */
    boolean terminated() {
        return worker.isTerminated();
    }
}
