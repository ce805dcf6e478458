package io.kapi.storage.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which etcd endpoints to try, in which order: round robin over every endpoint, as kube-apiserver's
 * etcd client balances its calls, with an endpoint that failed (refused, lost the connection, did
 * not answer in time) avoided for a while. An avoided endpoint is still tried, last, so a call
 * is never refused for want of a healthy endpoint; a success (of a call or of the periodic health
 * probe) makes it healthy again at once.
 *
 * <p>Plain and thread-safe; time is passed in (nanoTime), so tests need no clock.
 */
final class EndpointHealth {

    /** How long an endpoint that failed is tried only after the others. */
    static final long AVOID_NANOS = 5_000_000_000L;

    private final int size;
    private final AtomicInteger next = new AtomicInteger();
    /** Per endpoint: nanoTime until which it is avoided; 0 (or passed) for healthy. */
    private final AtomicLongArray avoidUntil;
    /** Per endpoint: 1 while avoided since a failure, so a transition is seen once. */
    private final AtomicLongArray failing;

    EndpointHealth(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("at least one endpoint");
        }
        this.size = size;
        this.avoidUntil = new AtomicLongArray(size);
        this.failing = new AtomicLongArray(size);
    }

    int size() {
        return size;
    }

    /**
     * The endpoints to try for one call, each once: the healthy ones first, starting one further
     * round each call, then the avoided ones (the one avoided longest ago first).
     */
    List<Integer> order(long now) {
        int start = Math.floorMod(next.getAndIncrement(), size);
        List<Integer> healthy = new ArrayList<>(size);
        List<Integer> avoided = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int index = (start + i) % size;
            (isHealthy(index, now) ? healthy : avoided).add(index);
        }
        avoided.sort((a, b) -> Long.compare(avoidUntil.get(a), avoidUntil.get(b)));
        healthy.addAll(avoided);
        return healthy;
    }

    boolean isHealthy(int index, long now) {
        long until = avoidUntil.get(index);
        return until == 0 || now - until >= 0;
    }

    /** How many endpoints are not avoided now. */
    int healthyCount(long now) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (isHealthy(i, now)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Endpoint {@code index} failed: avoid it for {@link #AVOID_NANOS}. Returns whether it was
     * healthy until now (a transition, which the caller may act on once).
     */
    boolean failed(int index, long now) {
        long until = now + AVOID_NANOS;
        avoidUntil.set(index, until == 0 ? 1 : until);
        return failing.getAndSet(index, 1) == 0;
    }

    /** Endpoint {@code index} answered: healthy again. Returns whether it was failing until now. */
    boolean succeeded(int index) {
        avoidUntil.set(index, 0);
        return failing.getAndSet(index, 0) == 1;
    }
}
