package io.kapi.core.cache;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.embedded.EmbeddedStorage;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rough figures, not a test: the watch cache's own CPU per event delivered, to listeners that do nothing but
 * count, with each event handed to a delivery thread (a listener that may block) against delivered on the
 * dispatching thread ({@link NonBlocking}, as a client's watch stream is). Rounds alternate between the two.
 * Run with the test classpath: {@code java -cp ... io.kapi.core.cache.CacheDeliveryBench [watchers] [writes] [rounds]}.
 */
public final class CacheDeliveryBench {

    private CacheDeliveryBench() {
    }

    static class Counter implements WatchListener {
        final AtomicInteger seen = new AtomicInteger();
        final int expected;
        final CountDownLatch done;

        Counter(int expected, CountDownLatch done) {
            this.expected = expected;
            this.done = done;
        }

        @Override
        public void onEvent(WatchEvent event) {
            if (seen.incrementAndGet() == expected) {
                done.countDown();
            }
        }

        @Override
        public void onClose(StorageException error) {
        }
    }

    static final class NonBlockingCounter extends Counter implements NonBlocking {
        NonBlockingCounter(int expected, CountDownLatch done) {
            super(expected, done);
        }
    }

    public static void main(String[] args) throws Exception {
        int watchers = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path base = Files.createTempDirectory("kapi-delivery-bench");
        try (EmbeddedStorage backend = EmbeddedStorage.open(base, new EmbeddedStorage.Options().syncWrites(false));
             WatchCache cache = new WatchCache(backend, "/registry/")) {
            byte[] value = new byte[600];
            for (int round = 0; round < rounds * 2; round++) {
                boolean inline = round % 2 == 1;
                CountDownLatch done = new CountDownLatch(watchers);
                List<Watch> watches = new ArrayList<>();
                for (int i = 0; i < watchers; i++) {
                    watches.add(cache.watch("/registry/configmaps/", 0,
                            inline ? new NonBlockingCounter(writes, done) : new Counter(writes, done)));
                }
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    cache.create("/registry/configmaps/r" + round + "/cm-" + i, value);
                    if (i % 10 == 9) {
                        Thread.sleep(1); // a steady stream of events, not one burst
                    }
                }
                if (!done.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every event was delivered");
                }
                long cpu = os.getProcessCpuTime() - cpu0;
                long wall = System.nanoTime() - t0;
                System.out.printf("%-12s %d watchers x %d events: %.3f us of CPU per delivery, %.1f s of CPU in %.1f s%n",
                        inline ? "non-blocking" : "handed over", watchers, writes,
                        cpu / 1000.0 / ((double) watchers * writes), cpu / 1e9, wall / 1e9);
                for (Watch w : watches) {
                    w.close();
                }
            }
        }
    }
}
