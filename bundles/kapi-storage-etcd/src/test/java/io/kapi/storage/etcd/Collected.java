package io.kapi.storage.etcd;

import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Queues what a watch delivers, events and progress revisions (as Longs) in order, and how it ended. */
final class Collected implements WatchListener {
    final LinkedBlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    final CompletableFuture<StorageException> closed = new CompletableFuture<>();

    @Override
    public void onEvent(WatchEvent event) {
        seen.add(event);
    }

    @Override
    public void onProgress(long revision) {
        seen.add(revision);
    }

    @Override
    public void onClose(StorageException error) {
        closed.complete(error);
    }

    /** The next event within 10 s, passing over progress notifications; null when none came. */
    WatchEvent nextEvent() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Object o = seen.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (o == null || o instanceof WatchEvent) {
                return (WatchEvent) o;
            }
        }
    }
}
