package io.kapi.core.gc;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.core.endpoints.ServedResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process garbage collector (kube-controller-manager's, as kcp runs it in the server): one
 * storage watch over every object of every group feeds the {@link GraphBuilder}, whose work the
 * {@link Collector} does, one item at a time on one thread. An item that cannot be done now (an owner
 * whose group is not served at the moment, a write that failed) is tried again after a delay that
 * doubles from 1 s up to a minute, as kube's rate-limited queues do. The watch starts again from a
 * fresh listing when it ends.
 */
public final class GarbageCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GarbageCollector.class.getName());
    static final String ROOT = "/registry/";
    private static final int PAGE = 500;
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long EMPTY_STORE_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 60_000;

    private final Storage storage;
    private final OwnerIndex index = new OwnerIndex();
    private final Collector collector;
    private final GraphBuilder graph;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-garbage-collector");
        t.setDaemon(true);
        return t;
    });
    /** Items queued and not yet run ("delete:" or "orphan:" and the key): one run per item however often it is asked for. */
    private final Set<String> queued = new LinkedHashSet<>();
    private final Map<String, Long> backoff = new HashMap<>();
    private volatile Watch watch;
    private volatile boolean closed;

    /**
     * @param served the resources served now (read for every item: a group that comes or goes is seen at once)
     */
    public GarbageCollector(Storage storage, Supplier<List<ServedResource>> served) {
        this.storage = storage;
        this.collector = new Collector(storage, () -> new ServedKinds(served.get()), index);
        this.graph = new GraphBuilder(index, new GraphBuilder.Work() {
            @Override
            public void attemptToDelete(String key) {
                enqueue("delete:", key);
            }

            @Override
            public void orphanDependents(String key) {
                enqueue("orphan:", key);
            }

            @Override
            public String ownerKey(String dependentKey, OwnerRef owner) {
                return collector.ownerKey(dependentKey, owner);
            }
        });
    }

    public void start() {
        worker.execute(this::listAndWatch);
    }

    private void listAndWatch() {
        if (closed) {
            return;
        }
        try {
            if (storage.currentRevision() == 0) {
                // nothing was ever written: the watch could only start "from now", and what is written
                // between the list and the watch would be missed; look again shortly (a server writes its
                // system namespaces as it starts)
                schedule(this::listAndWatch, EMPTY_STORE_RETRY_MILLIS);
                return;
            }
            // the watch cache answers every object from memory at its own revision, in one piece; paged
            // at a fixed revision, pages after the first went to the backend while writes went on (a
            // scan of the whole store per page, and a new start whenever compaction passed the revision)
            boolean inMemory = storage instanceof io.kapi.core.cache.WatchCache;
            long rev = inMemory ? 0 : storage.currentRevision();
            graph.startListing();
            queued.clear();
            List<String> beingDeleted = new ArrayList<>();
            String after = null;
            while (true) {
                ListResult page = storage.list(ROOT, rev, after, inMemory ? 0 : PAGE);
                if (rev == 0) {
                    rev = page.revision();
                }
                for (KeyValue kv : page.items()) {
                    if (graph.put(kv.key(), kv.value())) {
                        beingDeleted.add(kv.key());
                    }
                    after = kv.key();
                }
                if (!page.more() || page.items().isEmpty()) {
                    break;
                }
            }
            graph.endListing(beingDeleted);
            Watch w = storage.watch(ROOT, rev, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    submit(() -> {
                        if (event.type() == WatchEvent.Type.PUT) {
                            graph.put(event.key(), event.value());
                        } else {
                            graph.delete(event.key(), event.prevValue());
                        }
                    });
                }

                @Override
                public void onClose(StorageException error) {
                    if (!closed) {
                        LOG.log(Level.INFO, "garbage collector: the watch of every object ended; listing again", error);
                        schedule(GarbageCollector.this::listAndWatch, FIRST_RETRY_MILLIS);
                    }
                }
            });
            watch = w;
            if (closed) {
                w.close();
            }
        } catch (StorageException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "garbage collector cannot list the objects; trying again", e);
                schedule(this::listAndWatch, FIRST_RETRY_MILLIS);
            }
        }
    }

    private void enqueue(String kind, String key) {
        String item = kind + key;
        if (!closed && queued.add(item)) {
            submit(() -> run(item));
        }
    }

    private void run(String item) {
        if (!queued.remove(item)) {
            return; // dropped by a new listing
        }
        String key = item.substring(item.indexOf(':') + 1);
        try {
            if (item.startsWith("delete:")) {
                collector.attemptToDelete(key);
            } else {
                collector.orphanDependents(key);
            }
            backoff.remove(item);
        } catch (Collector.Retry e) {
            long delay = Math.min(MAX_RETRY_MILLIS, backoff.getOrDefault(item, FIRST_RETRY_MILLIS / 2) * 2);
            backoff.put(item, delay);
            LOG.log(Level.FINE, "garbage collector: " + e.getMessage() + "; again in " + delay + " ms");
            schedule(() -> enqueue(item.substring(0, item.indexOf(':') + 1), key), delay);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "garbage collector: " + item + " failed; trying again", e);
            schedule(() -> enqueue(item.substring(0, item.indexOf(':') + 1), key), MAX_RETRY_MILLIS);
        }
    }

    private void submit(Runnable r) {
        try {
            worker.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    private void schedule(Runnable r, long millis) {
        if (!closed) {
            try {
                worker.schedule(r, millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }


    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        worker.shutdownNow();
        if (w != null) {
            w.close();
        }
    }
}
