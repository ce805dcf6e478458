package io.kapi.core.serving;

import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.KapiRuntime.HookInfo;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kube's post-start hooks: each runs once, on the rebuild thread, after the API surface is complete
 * (the servers' own and those published as services), and its state is a readiness check
 * ({@code poststarthook/<name>}) and part of the runtime's description. A hook that finds a resource
 * it needs not served yet (404) runs again with a later snapshot; one that fails otherwise (its storage
 * unreachable for a moment) is shown failed and runs again after a delay that doubles up to 10 s, so
 * that readiness comes back by itself.
 *
 * <p>A new storage backend (etcd switched on) is a new start: every hook runs again against it, as
 * kube-apiserver started on another etcd would run them ({@link #restart()}). Each attempt owns the
 * state it was started with, so an attempt still running against the old backend cannot mark its
 * hook done once the hook was started again.
 */
final class PostStartHooks {
    private static final Logger LOG = Logger.getLogger(PostStartHooks.class.getName());

    /** One attempt's state; compared by identity, so that an attempt only changes the state it was started with. */
    private static final class State {
        final String name;
        final String owner;
        final String state;
        final String error;

        State(String name, String owner, String state, String error) {
            this.name = name;
            this.owner = owner;
            this.state = state;
            this.error = error;
        }
    }

    private static final long MAX_RETRY_MILLIS = 10_000;

    private final Map<PostStartHook, State> states = new ConcurrentHashMap<>();
    /** The delay before a failed hook runs again, per hook. */
    private final Map<PostStartHook, Long> retryMillis = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final PostStartHookContext context;
    private final Runnable changed;
    private final long firstRetryMillis;

    /** @param changed called after a hook finished or failed (the runtime's description changed) */
    PostStartHooks(ScheduledExecutorService executor, PostStartHookContext context, Runnable changed) {
        this(executor, context, changed, 500);
    }

    PostStartHooks(ScheduledExecutorService executor, PostStartHookContext context, Runnable changed, long firstRetryMillis) {
        this.executor = executor;
        this.context = context;
        this.changed = changed;
        this.firstRetryMillis = firstRetryMillis;
    }

    /** Starts every hook that has not run yet and forgets those whose owner left. */
    void run(Contributions contributions) {
        for (Contribution<DelegationTarget> s : contributions.servers()) {
            for (PostStartHook h : s.service().postStartHooks()) {
                run(h, s.service().name());
            }
        }
        for (Contribution<PostStartHook> h : contributions.hooks()) {
            run(h.service(), h.bundle());
        }
        Set<PostStartHook> active = active(contributions);
        states.keySet().removeIf(h -> !active.contains(h));
        retryMillis.keySet().removeIf(h -> !active.contains(h));
    }

    /** The hooks of the servers and bundles contributing now. */
    static Set<PostStartHook> active(Contributions contributions) {
        Set<PostStartHook> active = new HashSet<>();
        contributions.servers().forEach(s -> active.addAll(s.service().postStartHooks()));
        contributions.hooks().forEach(h -> active.add(h.service()));
        return active;
    }

    /**
     * Every hook runs again on the next {@link #run}: the serving backend changed, and what the hooks
     * wrote (system namespaces, bootstrap policy) may not be in the new one. Attempts still running or
     * waiting to retry find their state replaced and end without effect on it.
     */
    void restart() {
        states.clear();
        retryMillis.clear();
    }

    /** Whether {@code hook} has run to its end. */
    boolean done(PostStartHook hook) {
        State s = states.get(hook);
        return s != null && s.state.equals("done");
    }

    List<HookInfo> infos() {
        List<HookInfo> out = new ArrayList<>();
        states.values().forEach(h -> out.add(new HookInfo(h.name, h.owner, h.state, h.error)));
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private void run(PostStartHook hook, String owner) {
        State running = new State(hook.name(), owner, "running", null);
        if (states.putIfAbsent(hook, running) != null) {
            return;
        }
        executor.execute(() -> attempt(hook, owner, running));
    }

    /** Runs {@code hook}, whose state was {@code running} when the attempt started; another state by then means a restart. */
    private void attempt(PostStartHook hook, String owner, State running) {
        if (states.get(hook) != running) {
            return; // restarted (or its owner left) before this attempt began
        }
        try {
            hook.run(context);
            if (states.replace(hook, running, new State(hook.name(), owner, "done", null))) {
                retryMillis.remove(hook);
            }
        } catch (io.kapi.api.rest.StatusException e) {
            if (e.code() != 404) {
                failed(hook, owner, running, e);
            } else {
                // a resource it needs is not served yet (its group arrives in a later snapshot): run again then
                LOG.log(Level.FINE, "post-start hook " + hook.name() + " waits for a resource: " + e.getMessage());
                states.remove(hook, running);
            }
        } catch (Exception | LinkageError e) {
            // a linkage error (a class of a bundle being refreshed) fails the attempt too: it is run again, never left running
            failed(hook, owner, running, e);
        }
        changed.run();
    }

    /** Shown failed, and run again later while its owner still contributes it and no restart came between. */
    private void failed(PostStartHook hook, String owner, State running, Throwable e) {
        State failed = new State(hook.name(), owner, "failed", String.valueOf(e.getMessage()));
        if (!states.replace(hook, running, failed)) {
            LOG.log(Level.FINE, "post-start hook " + hook.name() + " failed in an attempt that a restart replaced", e);
            return;
        }
        long delay = retryMillis.merge(hook, firstRetryMillis, (was, first) -> Math.min(was * 2, MAX_RETRY_MILLIS));
        LOG.log(Level.WARNING, "post-start hook " + hook.name() + " failed; running it again in " + delay + " ms", e);
        try {
            executor.schedule(() -> {
                // its owner may have left meanwhile (its state is then gone), or a new snapshot ran it already
                State again = new State(hook.name(), owner, "running", null);
                if (states.replace(hook, failed, again)) {
                    attempt(hook, owner, again);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the server is stopping: nothing to run again
        }
    }
}
