package io.kapi.core.gc;

import io.kapi.api.storage.Storage;
import io.kapi.core.cache.WatchCache;
import io.kapi.storage.embedded.EmbeddedStorage;

/** The same cases with the collector and the stores over the watch cache, as the server runs them. */
class GarbageCollectorOverWatchCacheTest extends GarbageCollectorTest {
    @Override
    Storage serving(EmbeddedStorage backend) {
        return new WatchCache(backend, "/registry/");
    }
}
