package io.kapi.core.cache;

import io.kapi.api.storage.Storage;
import io.kapi.storage.embedded.EmbeddedStorage;
import io.kapi.storage.testsupport.StorageContractSuite;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The storage contract, run against the watch cache over the embedded store, as kube runs its suite
 * against both etcd3 and the cacher. The root is "/" so that every key the suite writes is cached.
 * {@code restart} is not offered: like kube's cacher, a new cache has no history from before it
 * started, so the suite's restart test (which replays old history) is skipped.
 */
class WatchCacheContractTest extends StorageContractSuite {

    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        EmbeddedStorage backend = track(EmbeddedStorage.open(dir));
        return new WatchCache(backend, "/");
    }
}
