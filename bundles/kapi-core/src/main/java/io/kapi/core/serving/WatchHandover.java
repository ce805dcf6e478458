package io.kapi.core.serving;

import io.kapi.core.endpoints.HeldWatch;
import io.kapi.core.endpoints.ServedResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What happens to a resource's open watches when it leaves a serving snapshot. A successor serving
 * the same group/version/resource in the next snapshot (the group's bundle updated and back, a new
 * version of it, a higher-ranked claim) takes them over. Without one, the resource may be on its
 * way back (a bundle update stops the bundle before it starts again): its watches are held for a
 * grace period, requests for it answer 503 meanwhile, and only when it does not come back are the
 * watches ended cleanly. Used by the snapshot's rebuild, under the server's lock.
 */
final class WatchHandover {
    private static final Logger LOG = Logger.getLogger(WatchHandover.class.getName());

    record Gvr(String group, String version, String resource) {
        static Gvr of(ServedResource r) {
            return new Gvr(r.meta().group(), r.meta().version(), r.meta().resource());
        }
    }

    private record Held(List<HeldWatch> watches, long deadlineNanos, ServedResource from) {
    }

    private final ScheduledExecutorService timer;
    private final Object lock;
    private final Runnable changed;
    private final Map<Gvr, Held> held = new HashMap<>(); // guarded by lock
    private volatile Duration grace;
    private volatile Set<Gvr> away = Set.of(); // read by requests without the lock

    /**
     * @param timer runs the end of a grace period
     * @param lock the lock the rebuild holds, taken again when a grace period ends
     * @param changed told when a grace period ends with the resource gone (the runtime's description changed)
     */
    WatchHandover(ScheduledExecutorService timer, Object lock, Duration grace, Runnable changed) {
        this.timer = timer;
        this.lock = lock;
        this.changed = changed;
        this.grace = grace;
    }

    void grace(Duration grace) {
        this.grace = grace;
    }

    /** Whether requests for this resource should hear "try again": it left moments ago and may be coming back. */
    boolean away(String group, String version, String resource) {
        Set<Gvr> a = away;
        return !a.isEmpty() && a.contains(new Gvr(group, version, resource));
    }

    /**
     * Before {@code next} replaces {@code previous}: what {@code next} no longer serves is away from now on (until
     * {@link #swapped} decides whether it is held or gone), so that no request on {@code next} hears 404 for it first.
     */
    void leaving(ServingSnapshot previous, ServingSnapshot next) {
        if (previous == null || grace.isZero()) {
            return; // without a grace, what leaves is gone at once: kube's 404
        }
        Set<Gvr> served = new HashSet<>();
        next.served().forEach(r -> served.add(Gvr.of(r)));
        Set<Gvr> marked = new HashSet<>(away);
        boolean more = false;
        for (ServedResource r : previous.served()) {
            Gvr gvr = Gvr.of(r);
            if (!served.contains(gvr)) {
                more |= marked.add(gvr);
            }
        }
        if (more) {
            away = Set.copyOf(marked);
        }
    }

    /** After {@code next} replaced {@code previous}: watches move to successors, or are held, or end. */
    void swapped(ServingSnapshot previous, ServingSnapshot next) {
        Map<Gvr, ServedResource> successors = new HashMap<>();
        for (ServedResource r : next.served()) {
            successors.put(Gvr.of(r), r);
        }
        Set<ServedResource> kept = new HashSet<>(next.served());
        if (previous != null) {
            for (ServedResource r : previous.served()) {
                if (kept.contains(r)) {
                    continue;
                }
                Gvr gvr = Gvr.of(r);
                List<HeldWatch> watches = r.releaseWatches();
                ServedResource successor = successors.get(gvr);
                if (successor != null && r.sameBackend(successor)) {
                    moveAll(watches, successor);
                } else if (successor != null || grace.isZero()) {
                    // another backend (its revisions are another history), or no grace: the watches end
                    watches.forEach(HeldWatch::end);
                } else {
                    hold(gvr, watches, r);
                }
            }
        }
        // held watches whose resource is served again
        for (Gvr gvr : List.copyOf(held.keySet())) {
            ServedResource successor = successors.get(gvr);
            if (successor != null) {
                Held h = held.remove(gvr);
                if (h.from().sameBackend(successor)) {
                    moveAll(h.watches(), successor);
                } else {
                    h.watches().forEach(HeldWatch::end);
                }
            }
        }
        publishAway();
    }

    private void moveAll(List<HeldWatch> watches, ServedResource successor) {
        int moved = 0;
        for (HeldWatch w : watches) {
            try {
                if (w.moveTo(successor)) {
                    moved++;
                }
            } catch (RuntimeException e) {
                // moveTo ends what it cannot move; whatever else failed must not stop the others or the rebuild
                LOG.log(java.util.logging.Level.WARNING, "an open watch on " + successor.meta().resource() + " could not be moved", e);
                w.end();
            }
        }
        if (!watches.isEmpty()) {
            LOG.info(moved + " of " + watches.size() + " open watches on " + successor.meta().resource()
                    + " moved to its new version (" + successor.meta().apiVersion() + ")");
        }
    }

    private void hold(Gvr gvr, List<HeldWatch> watches, ServedResource from) {
        long deadline = System.nanoTime() + grace.toNanos();
        Held before = held.get(gvr);
        List<HeldWatch> all = new ArrayList<>(watches);
        if (before != null) {
            all.addAll(before.watches());
        }
        held.put(gvr, new Held(all, deadline, from));
        timer.schedule(() -> expire(gvr), grace.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expire(Gvr gvr) {
        List<HeldWatch> ending = List.of();
        boolean gone = false;
        synchronized (lock) {
            Held h = held.get(gvr);
            if (h != null && System.nanoTime() - h.deadlineNanos() >= 0) {
                held.remove(gvr);
                ending = h.watches();
                publishAway();
                gone = true;
            }
        }
        ending.forEach(HeldWatch::end);
        if (gone) {
            changed.run();
        }
    }

    private void publishAway() {
        away = Set.copyOf(held.keySet());
    }

    /** The server stops: held watches end now. */
    void close() {
        List<HeldWatch> ending = new ArrayList<>();
        synchronized (lock) {
            held.values().forEach(h -> ending.addAll(h.watches()));
            held.clear();
            publishAway();
        }
        ending.forEach(HeldWatch::end);
    }
}
