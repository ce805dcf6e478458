package io.kapi.storage.embedded;

import io.kapi.api.storage.ListResult;

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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Rough figures for docs/PERFORMANCE.md; not a test. Run with the test classpath:
 * {@code java -cp ... io.kapi.storage.embedded.EmbeddedStorageBench [dir]}.
 */
public final class EmbeddedStorageBench {

    private static final byte[] VALUE = new byte[1024];

    private EmbeddedStorageBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Paths.get(args[0]) : Files.createTempDirectory("kapi-bench");
        System.out.printf("%-44s %14s %s%n", "measure", "result", "notes");
        for (int concurrency : new int[] {1, 16, 64}) {
            createRate(base.resolve("c" + concurrency), concurrency, concurrency == 1 ? 500 : 8000 / concurrency * 2, true);
        }
        createRate(base.resolve("nosync"), 16, 1000, false);
        getsAndList(base.resolve("list"));
        reopen(base.resolve("reopen"), 100_000);
        delete(base);
    }

    private static void createRate(Path dir, int concurrency, int perThread, boolean sync) throws Exception {
        try (EmbeddedStorage s = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(sync))) {
            long syncsBefore = s.syncCount();
            long[][] latencies = new long[concurrency][perThread];
            long elapsed = run(concurrency, t -> {
                for (int i = 0; i < perThread; i++) {
                    long t0 = System.nanoTime();
                    s.create("/registry/bench/t" + t + "-" + i, VALUE);
                    latencies[t][i] = System.nanoTime() - t0;
                }
            });
            long n = (long) concurrency * perThread;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("%-44s %10.0f /s  %d writes, %.1f writes per sync, p50 %.2f ms, p99 %.2f ms%n",
                    "create 1 KiB, concurrency " + concurrency + (sync ? "" : " (fsync off)"),
                    n * 1e9 / elapsed, n, (double) n / Math.max(1, s.syncCount() - syncsBefore),
                    all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
        }
    }

    private static void getsAndList(Path dir) throws Exception {
        try (EmbeddedStorage s = EmbeddedStorage.open(dir)) {
            run(64, t -> {
                for (int i = t; i < 10_000; i += 64) {
                    s.create(String.format("/registry/list/k%05d", i), VALUE);
                }
            });
            for (int threads : new int[] {1, 4}) {
                int per = 200_000 / threads;
                long elapsed = run(threads, t -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < per; i++) {
                        if (s.get(String.format("/registry/list/k%05d", r.nextInt(10_000))) == null) {
                            throw new IllegalStateException();
                        }
                    }
                });
                System.out.printf("%-44s %10.0f /s  10 000 keys of 1 KiB%n", "get, " + threads + " thread(s)",
                        (double) per * threads * 1e9 / elapsed);
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                ListResult r = s.list("/registry/list/", 0, null, 0);
                best = Math.min(best, System.nanoTime() - t0);
                if (r.items().size() != 10_000) {
                    throw new IllegalStateException("listed " + r.items().size());
                }
            }
            System.out.printf("%-44s %10.1f ms best of 5, 10 000 keys of 1 KiB%n", "full list", best / 1e6);
            long t0 = System.nanoTime();
            int pages = 0;
            ListResult page = s.list("/registry/list/", 0, null, 500);
            long rev = page.revision();
            while (page.more()) {
                pages++;
                page = s.list("/registry/list/", rev, page.items().get(page.items().size() - 1).key(), 500);
            }
            System.out.printf("%-44s %10.1f ms %d pages of 500 at one revision%n", "paged list", (System.nanoTime() - t0) / 1e6,
                    pages + 1);
        }
    }

    private static void reopen(Path dir, int keys) throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedStorage s = EmbeddedStorage.open(dir)) {
            run(64, t -> {
                for (int i = t; i < keys; i += 64) {
                    s.create(String.format("/registry/reopen/k%06d", i), VALUE);
                }
            });
        }
        long fill = System.nanoTime() - t0;
        long size = Files.size(dir.resolve(EmbeddedStorage.FILE_NAME));
        t0 = System.nanoTime();
        try (EmbeddedStorage s = EmbeddedStorage.open(dir)) {
            long opened = System.nanoTime() - t0;
            s.get("/registry/reopen/k000001");
            long firstGet = System.nanoTime() - t0;
            long count = s.count("/registry/reopen/");
            long counted = System.nanoTime() - t0;
            System.out.printf("%-44s %10.1f ms first get after %.1f ms, count(%d) after %.1f ms; file %d MiB, fill %.1f s%n",
                    "reopen with " + keys + " keys", opened / 1e6, firstGet / 1e6, count, counted / 1e6,
                    size >> 20, fill / 1e9);
        }
    }

    private interface Task {
        void run(int thread) throws Exception;
    }

    private static long run(int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    go.await();
                    task.run(id);
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.MINUTES);
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void delete(Path base) throws Exception {
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
