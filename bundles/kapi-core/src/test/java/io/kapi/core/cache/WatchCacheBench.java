package io.kapi.core.cache;

import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.embedded.EmbeddedStorage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Rough figures for docs/PERFORMANCE.md; not a test. Run with the test classpath:
 * {@code java -cp ... io.kapi.core.cache.WatchCacheBench [dir]}.
 *
 * <p>Watch fan-out: N watchers on the cache over the embedded store (fsync on), one writer creating
 * 1 KiB values at 100 writes/s; the latency is from just before the create call to the listener
 * call, so it includes the write's own (fsync) latency, printed alongside. LIST: the whole prefix
 * from the cache versus the same call on the backend.
 */
public final class WatchCacheBench {

    private WatchCacheBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Paths.get(args[0]) : Files.createTempDirectory("kapi-cache-bench");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.printf("%-52s %14s %s%n", "measure", "result", "notes");
        for (int watchers : new int[] {500, 2000}) {
            fanOut(base.resolve("fan" + watchers), watchers, 100, seconds);
        }
        for (int keys : new int[] {10_000, 100_000}) {
            list(base.resolve("list" + keys), keys);
        }
        delete(base);
    }

    private static void fanOut(Path dir, int watcherCount, int rate, int seconds) throws Exception {
        int writes = rate * seconds;
        try (EmbeddedStorage backend = EmbeddedStorage.open(dir);
             WatchCache cache = new WatchCache(backend, "/registry/")) {
            List<Probe> probes = new ArrayList<>();
            List<Watch> watches = new ArrayList<>();
            CountDownLatch allSeen = new CountDownLatch(watcherCount);
            for (int i = 0; i < watcherCount; i++) {
                Probe p = new Probe(writes, allSeen);
                probes.add(p);
                watches.add(cache.watch("/registry/configmaps/", 0, p));
            }
            long[] writeLatency = new long[writes];
            byte[] value = new byte[1024];
            long start = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            for (int i = 0; i < writes; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] v = value.clone();
                long t0 = System.nanoTime();
                ByteBuffer.wrap(v).putLong(t0);
                cache.create("/registry/configmaps/bench/cm-" + i, v);
                writeLatency[i] = System.nanoTime() - t0;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean complete = allSeen.await(30, TimeUnit.SECONDS);
            long received = 0;
            int closed = 0;
            List<long[]> parts = new ArrayList<>();
            int total = 0;
            for (Probe p : probes) {
                int n = p.count.get();
                received += n;
                if (p.closedWith != null) {
                    closed++;
                }
                parts.add(Arrays.copyOf(p.latency, Math.min(n, writes)));
                total += Math.min(n, writes);
            }
            long[] all = new long[total];
            int at = 0;
            for (long[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            Arrays.sort(all);
            Arrays.sort(writeLatency);
            String label = "watch fan-out " + watcherCount + " watchers, " + rate + " writes/s";
            System.out.printf("%-52s %14s %s%n", label + ": delivery p50", ms(pct(all, 50)),
                    writes + " writes in " + String.format("%.1f", elapsed) + " s, " + received + " deliveries");
            System.out.printf("%-52s %14s %s%n", label + ": delivery p99", ms(pct(all, 99)),
                    "max " + ms(all.length == 0 ? 0 : all[all.length - 1]));
            System.out.printf("%-52s %14s %s%n", label + ": events lost",
                    Long.toString((long) writes * watcherCount - received),
                    "watchers closed: " + closed + (complete ? "" : " (timed out waiting)"));
            System.out.printf("%-52s %14s %s%n", label + ": write p50/p99", ms(pct(writeLatency, 50))
                    + "/" + ms(pct(writeLatency, 99)), "create latency (fsync), included in delivery");
            for (Watch w : watches) {
                w.close();
            }
        }
    }

    private static final class Probe implements WatchListener {
        final long[] latency;
        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch allSeen;
        volatile StorageException closedWith;

        Probe(int expected, CountDownLatch allSeen) {
            this.latency = new long[expected];
            this.allSeen = allSeen;
        }

        @Override
        public void onEvent(WatchEvent event) {
            long now = System.nanoTime();
            int i = count.getAndIncrement();
            if (i < latency.length) {
                latency[i] = now - ByteBuffer.wrap(event.value()).getLong();
            }
            if (i + 1 == latency.length) {
                allSeen.countDown();
            }
        }

        @Override
        public void onClose(StorageException error) {
            closedWith = error == null ? new StorageException(StorageException.Code.INTERNAL, null, 0, "clean")
                    : error;
        }
    }

    private static void list(Path dir, int keys) throws Exception {
        EmbeddedStorage.Options options = new EmbeddedStorage.Options().syncWrites(false);
        try (EmbeddedStorage backend = EmbeddedStorage.open(dir, options)) {
            byte[] value = new byte[1024];
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    int id = t;
                    fs.add(pool.submit(() -> {
                        for (int i = id; i < keys; i += 16) {
                            backend.create(String.format("/registry/configmaps/ns%02d/cm-%07d", i % 10, i), value);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long t0 = System.nanoTime();
            try (WatchCache cache = new WatchCache(backend, "/registry/")) {
                long fill = System.nanoTime() - t0;
                // Each variant warmed up, then timed in its own block, so that one's garbage does not
                // land in the other's figures.
                long[] fromCache = repeat(() -> check(cache.list("/registry/configmaps/", 0, null, 0), keys));
                long[] fromBackend = repeat(() -> check(backend.list("/registry/configmaps/", 0, null, 0), keys));
                long[] pageCache = repeat(() -> cache.list("/registry/configmaps/", 0, null, 500));
                long[] pageBackend = repeat(() -> backend.list("/registry/configmaps/", 0, null, 500));
                String label = "LIST " + keys + " keys (1 KiB)";
                System.out.printf("%-52s %14s %s%n", label + ": from cache", ms(fromCache[REPS / 2]),
                        "median of " + REPS + "; backend " + ms(fromBackend[REPS / 2]));
                System.out.printf("%-52s %14s %s%n", label + ": first page of 500, cache", ms(pageCache[REPS / 2]),
                        "median of " + REPS + "; backend " + ms(pageBackend[REPS / 2]));
                System.out.printf("%-52s %14s %s%n", label + ": cache fill (initial list)", ms(fill),
                        "reads from memory: " + cache.readsFromMemory());
            }
        }
    }

    private static void check(ListResult r, int keys) {
        if (r.items().size() != keys) {
            throw new IllegalStateException("expected " + keys + " items, got " + r.items().size());
        }
    }

    private static final int REPS = 20;

    /** Times {@code r} REPS times after as many warm-up runs; sorted. */
    private static long[] repeat(Runnable r) {
        for (int i = 0; i < REPS; i++) {
            r.run();
        }
        long[] t = new long[REPS];
        for (int i = 0; i < REPS; i++) {
            t[i] = time(r);
        }
        Arrays.sort(t);
        return t;
    }

    private static long time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    private static void delete(Path base) throws Exception {
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
