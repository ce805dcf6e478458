package io.kapi.core.serving;

import io.kapi.api.server.KapiRuntime;
import io.kapi.api.storage.Storage;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.filters.MaxInFlight;
import io.kapi.core.metrics.KapiMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What one /metrics scrape reads from a serving snapshot: its watches, stored objects, in-flight requests and groups. */
final class SnapshotMetrics implements KapiMetrics.State {
    private static final Logger LOG = Logger.getLogger(SnapshotMetrics.class.getName());
    private final ServingSnapshot s;
    private final Storage storage;
    private final MaxInFlight maxInFlight;

    /**
     * @param s the snapshot, or null before the first
     * @param storage its backend, or null
     */
    SnapshotMetrics(ServingSnapshot s, Storage storage, MaxInFlight maxInFlight) {
        this.s = s;
        this.storage = storage;
        this.maxInFlight = maxInFlight;
    }

        @Override
        public List<KapiMetrics.Watching> watches() {
            List<KapiMetrics.Watching> out = new ArrayList<>();
            if (s != null) {
                for (ServedResource r : s.served()) {
                    out.add(new KapiMetrics.Watching(r.meta().group(), r.meta().version(), r.meta().resource(),
                            r.meta().kind(), r.meta().namespaced(), r.watchCount()));
                }
            }
            return out;
        }

        @Override
        public List<Object[]> storageObjects() {
            List<Object[]> out = new ArrayList<>();
            if (s != null && storage != null) {
                Set<String> seen = new HashSet<>();
                for (ServedResource r : s.served()) {
                    String name = r.meta().resource() + (r.meta().group().isEmpty() ? "" : "." + r.meta().group());
                    if (seen.add(name)) {
                        try {
                            out.add(new Object[] {name, storage.count(r.meta().keyPrefix())});
                        } catch (RuntimeException e) {
                            LOG.log(Level.FINE, "object count of " + name + " unavailable", e);
                        }
                    }
                }
            }
            return out;
        }

        @Override
        public int inFlight(boolean mutating) {
            return maxInFlight.inFlight(mutating);
        }

        @Override
        public long generation() {
            return s == null ? 0 : s.generation();
        }

        @Override
        public List<Object[]> servedGroups() {
            Map<String, Set<String>> groups = new java.util.TreeMap<>();
            if (s != null) {
                s.servers().forEach(sv -> groups.put(sv.name(), new HashSet<>()));
                for (KapiRuntime.GroupResourceInfo r : s.resources()) {
                    if (!r.shadowed()) {
                        groups.computeIfAbsent(r.server(), k -> new HashSet<>()).add(r.group());
                    }
                }
            }
            List<Object[]> out = new ArrayList<>();
            groups.forEach((server, gs) -> out.add(new Object[] {server, gs.size()}));
            return out;
        }
}
