package io.kapi.storage.etcd;

import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Rough figures for docs/PERFORMANCE.md; not a test. Starts its own etcd (Debian's, on loopback,
 * default settings, so every write is fsynced by etcd). Run with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<kapi-api jar> io.kapi.storage.etcd.EtcdStorageBench}.
 */
public final class EtcdStorageBench {

    private static final byte[] VALUE = new byte[1024];

    private EtcdStorageBench() {
    }

    public static void main(String[] args) throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdStorage s = new EtcdStorage(EtcdConfig.of(etcd.endpoint()))) {
            System.out.printf("%-44s %14s %s%n", "measure", "result", "notes");
            for (int concurrency : new int[] {1, 16, 64}) {
                createRate(s, concurrency, concurrency == 1 ? 500 : 8000 / concurrency);
            }
            gets(s);
            lists(s);
            watchLatency(s);
        }
    }

    private static void createRate(EtcdStorage s, int concurrency, int perThread) throws Exception {
        long[][] latencies = new long[concurrency][perThread];
        long elapsed = run(concurrency, t -> {
            for (int i = 0; i < perThread; i++) {
                long t0 = System.nanoTime();
                s.create("/registry/bench/c" + concurrency + "/t" + t + "-" + i, VALUE);
                latencies[t][i] = System.nanoTime() - t0;
            }
        });
        long n = (long) concurrency * perThread;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%-44s %10.0f /s  %d writes, p50 %.2f ms, p99 %.2f ms%n",
                "create 1 KiB, concurrency " + concurrency, n * 1e9 / elapsed, n,
                all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
    }

    private static void gets(EtcdStorage s) throws Exception {
        int concurrency = 16;
        int per = 500;
        long elapsed = run(concurrency, t -> {
            for (int i = 0; i < per; i++) {
                s.get("/registry/bench/c16/t" + t + "-" + (i % 500));
            }
        });
        System.out.printf("%-44s %10.0f /s  %d gets%n", "get, concurrency 16", (double) concurrency * per * 1e9 / elapsed,
                concurrency * per);
    }

    private static void lists(EtcdStorage s) throws Exception {
        // 10 000 objects under one prefix
        run(16, t -> {
            for (int i = 0; i < 625; i++) {
                s.create("/registry/list/t" + t + "-" + i, VALUE);
            }
        });
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            ListResult all = s.list("/registry/list/", 0, null, 0);
            long full = System.nanoTime() - t0;
            t0 = System.nanoTime();
            int pages = 0;
            int items = 0;
            ListResult page = s.list("/registry/list/", 0, null, 500);
            long rev = page.revision();
            items += page.items().size();
            pages++;
            while (page.more()) {
                page = s.list("/registry/list/", rev, page.items().get(page.items().size() - 1).key(), 500);
                items += page.items().size();
                pages++;
            }
            long paged = System.nanoTime() - t0;
            if (round == 1) {
                System.out.printf("%-44s %10.1f ms %d objects%n", "full list of 10 000 (from etcd)", full / 1e6, all.items().size());
                System.out.printf("%-44s %10.1f ms %d objects in %d pages of 500%n", "paginated list of 10 000", paged / 1e6,
                        items, pages);
            }
        }
    }

    private static void watchLatency(EtcdStorage s) throws Exception {
        int watchers = 50;
        int writes = 500;
        long[][] delays = new long[watchers][writes];
        long[] written = new long[writes];
        CountDownLatch done = new CountDownLatch(watchers);
        List<AutoCloseable> open = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            int id = w;
            AtomicInteger seen = new AtomicInteger();
            open.add(s.watch("/registry/watch/", 0, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    int i = seen.getAndIncrement();
                    if (i < writes) {
                        delays[id][i] = System.nanoTime();
                    }
                    if (i == writes - 1) {
                        done.countDown();
                    }
                }

                @Override
                public void onClose(StorageException error) {
                }
            }));
        }
        for (int i = 0; i < writes; i++) {
            written[i] = System.nanoTime();
            s.create("/registry/watch/k" + i, VALUE);
            Thread.sleep(5); // about 100-200 writes/s
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("events lost");
        }
        long[] all = new long[watchers * writes];
        for (int w = 0; w < watchers; w++) {
            for (int i = 0; i < writes; i++) {
                all[w * writes + i] = delays[w][i] - written[i];
            }
        }
        Arrays.sort(all);
        System.out.printf("%-44s %10.2f ms p50, %.2f ms p99 (%d watchers x %d writes, 0 lost; from before the create call)%n",
                "watch delivery", all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, watchers, writes);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private interface Body {
        void run(int thread) throws Exception;
    }

    private static long run(int threads, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    body.run(id);
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdownNow();
        }
    }
}
