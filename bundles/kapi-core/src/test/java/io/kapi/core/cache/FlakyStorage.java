package io.kapi.core.cache;

import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.testsupport.ForwardingStorage;

import java.util.ArrayList;
import java.util.List;

/**
 * A backend whose watches can be cut and whose watch calls can be refused, to stand in for an etcd
 * connection that drops (the real backends only end watches when they shut down).
 */
final class FlakyStorage extends ForwardingStorage {
    private final List<Gate> gates = new ArrayList<>(); // guarded by this
    private volatile boolean refuseWatches;

    FlakyStorage(Storage delegate) {
        super(delegate);
    }

    /** While true, watch() fails with UNAVAILABLE as an unreachable backend would. */
    void refuseWatches(boolean refuse) {
        this.refuseWatches = refuse;
    }

    /** Ends every open watch with UNAVAILABLE, as a dropped connection does. */
    void cutWatches() {
        List<Gate> copy;
        synchronized (this) {
            copy = new ArrayList<>(gates);
            gates.clear();
        }
        for (Gate g : copy) {
            g.cut();
        }
    }

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        if (refuseWatches) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, keyOrPrefix, 0, "backend unreachable");
        }
        Gate gate = new Gate(listener);
        synchronized (this) {
            gates.add(gate);
        }
        gate.inner = delegate.watch(keyOrPrefix, fromRevision, gate);
        return gate;
    }

    private static final class Gate implements WatchListener, Watch {
        private final WatchListener listener;
        private volatile Watch inner;
        private boolean cut; // guarded by this

        Gate(WatchListener listener) {
            this.listener = listener;
        }

        synchronized void cut() {
            if (cut) {
                return;
            }
            cut = true;
            listener.onClose(new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "connection lost"));
            Watch w = inner;
            if (w != null) {
                w.close();
            }
        }

        @Override
        public synchronized void onEvent(WatchEvent event) {
            if (!cut) {
                listener.onEvent(event);
            }
        }

        @Override
        public synchronized void onProgress(long revision) {
            if (!cut) {
                listener.onProgress(revision);
            }
        }

        @Override
        public synchronized void onClose(StorageException error) {
            if (!cut) {
                cut = true;
                listener.onClose(error);
            }
        }

        @Override
        public void close() {
            Watch w = inner;
            if (w != null) {
                w.close();
            }
        }
    }
}
