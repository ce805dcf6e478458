package io.kapi.itests;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** /readyz?verbose polled every 200 ms on one instance, recording each change of its answer. */
final class ReadyzPoller implements AutoCloseable {
    record Change(long nanos, int status, String failing) {
    }

    /** One poll: when it started and how long it took. */
    record Poll(long nanos, long millis) {
    }

    final InstanceApi api;
    final List<Change> changes = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Poll> polls = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread;
    volatile int lastStatus = -1;

    ReadyzPoller(InstanceApi api) {
        this.api = api;
        this.thread = new Thread(this::run, "readyz-" + api.name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        String lastFailing = null;
        while (!stop.get()) {
            int status;
            String failing = "";
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = api.client.send(HttpRequest.newBuilder(URI.create(api.dist.baseUrl() + "/readyz?verbose"))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                if (status != 200) {
                    failing = r.body().lines().filter(l -> l.startsWith("[-]")).reduce((x, y) -> x + "; " + y).orElse(r.body());
                }
            } catch (IOException e) {
                status = 0;
                failing = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            polls.add(new Poll(t0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            if (status != lastStatus || (status != 200 && !failing.equals(lastFailing))) {
                changes.add(new Change(System.nanoTime(), status, failing));
            }
            lastStatus = status;
            lastFailing = failing;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The slowest answer of the polls started within [from, to]. */
    long maxMillis(long fromNanos, long toNanos) {
        return polls.stream().filter(p -> p.nanos >= fromNanos && p.nanos <= toNanos).mapToLong(Poll::millis).max().orElse(-1);
    }

    boolean everFailedSince(long nanos) {
        return changes.stream().anyMatch(c -> c.nanos >= nanos && c.status != 200);
    }

    String transitions(long sinceNanos) {
        List<String> out = new ArrayList<>();
        for (Change c : changes) {
            if (c.nanos >= sinceNanos) {
                out.add("+" + TimeUnit.NANOSECONDS.toMillis(c.nanos - sinceNanos) + " " + c.status
                        + (c.failing.isEmpty() ? "" : " (" + c.failing + ")"));
            }
        }
        return out.toString();
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastStatus != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("/readyz on " + api.name + " at the end; transitions " + transitions(0), 200, lastStatus);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(20));
    }
}
