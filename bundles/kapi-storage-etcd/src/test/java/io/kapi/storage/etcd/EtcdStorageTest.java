package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.storage.testsupport.StorageContractSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract suite against a real etcd (Debian's etcd-server), plus what only etcd has: several
 * clients on one etcd, prefixes, the request size limit, progress notifications. One etcd serves
 * the class; every test gets its own key prefix, so each store starts empty although etcd's one
 * revision counter keeps counting across tests.
 */
class EtcdStorageTest extends StorageContractSuite {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static EtcdProcess etcd;

    private String prefix;

    @BeforeAll
    static void startEtcd() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        // progress notifications every second instead of etcd's 10 minutes, to see onProgress
        etcd = EtcdProcess.start("--experimental-watch-progress-notify-interval", "1s");
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    private EtcdConfig config() {
        return EtcdConfig.of(etcd.endpoint()).withPrefix(prefix);
    }

    @Override
    protected Storage newStorage() {
        prefix = "/kapi-test-" + PREFIXES.incrementAndGet();
        return new EtcdStorage(config());
    }

    @Override
    protected Storage restart(Storage s) throws Exception {
        ((EtcdStorage) s).close();
        return new EtcdStorage(config());
    }

    // ------------------------------------------------------------ etcd specifics

    @Test
    void twoInstancesSeeEachOthersWritesAndWatchEvents() throws Exception {
        EtcdStorage other = track(new EtcdStorage(config()));
        Recorder mine = new Recorder();
        Recorder theirs = new Recorder();
        track(store.watch("/registry/two/", 0, mine));
        track(other.watch("/registry/two/", 0, theirs));

        KeyValue a = store.create("/registry/two/a", bytes("from-1"));
        KeyValue b = other.create("/registry/two/b", bytes("from-2"));
        assertEquals("from-1", str(other.get("/registry/two/a").value()));
        assertEquals("from-2", str(store.get("/registry/two/b").value()));
        assertEquals(a.modRevision() + 1, b.modRevision(), "one revision counter for both");
        assertEquals(store.currentRevision(), other.currentRevision());

        // optimistic concurrency across instances
        KeyValue a2 = other.update("/registry/two/a", a.modRevision(), bytes("changed-by-2"));
        StorageException conflict = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
                () -> store.update("/registry/two/a", a.modRevision(), bytes("stale")));
        assertEquals(StorageException.Code.CONFLICT, conflict.code());
        assertEquals(a2.modRevision(), conflict.revision());

        for (Recorder r : List.of(mine, theirs)) {
            List<WatchEvent> events = r.next(3);
            assertEquals(List.of(a.modRevision(), b.modRevision(), a2.modRevision()),
                    events.stream().map(WatchEvent::revision).toList());
            assertEquals("changed-by-2", str(events.get(2).value()));
            assertEquals("from-1", str(events.get(2).prevValue()));
        }

        // compaction done by one is seen by the other
        store.compact(a2.modRevision());
        assertEquals(a2.modRevision(), other.compactedRevision());
        assertEquals(StorageException.Code.COMPACTED,
                codeOf(() -> other.list("/registry/two/", a.modRevision(), null, 0)));
    }

    @Test
    void prefixesIsolateInstallations() {
        EtcdStorage neighbour = track(new EtcdStorage(config().withPrefix(prefix + "-neighbour")));
        store.create("/registry/iso/a", bytes("mine"));
        neighbour.create("/registry/iso/a", bytes("theirs"));
        assertEquals("mine", str(store.get("/registry/iso/a").value()));
        assertEquals(List.of("/registry/iso/a"), keys(store.list("/registry/", 0, null, 0)));
        assertEquals(1, neighbour.count("/registry/"));
        store.compact(store.currentRevision());
        assertEquals(0, neighbour.compactedRevision(), "each prefix keeps its own compaction record");
    }

    @Test
    void compactionOfEtcdByAnotherPartyIsCompactedToo() throws Exception {
        KeyValue a = store.create("/registry/ext/a", bytes("1"));
        KeyValue a2 = store.update("/registry/ext/a", a.modRevision(), bytes("2"));
        // compacted through another prefix: etcd's history is gone, our record knows nothing of it
        EtcdStorage other = track(new EtcdStorage(config().withPrefix(prefix + "-other")));
        other.compact(a2.modRevision());
        assertEquals(0, store.compactedRevision());
        StorageException listed = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
                () -> store.list("/registry/ext/", a.modRevision(), null, 0));
        assertEquals(StorageException.Code.COMPACTED, listed.code());
        Recorder r = new Recorder();
        try {
            track(store.watch("/registry/ext/", a.modRevision() - 1, r));
            StorageException closed = r.awaitClose();
            assertEquals(StorageException.Code.COMPACTED, closed.code());
            assertEquals(a2.modRevision(), closed.revision());
        } catch (StorageException e) {
            assertEquals(StorageException.Code.COMPACTED, e.code());
        }
        assertTrue(r.events.isEmpty());
    }

    @Test
    void valueAboveTheLimitIsRefusedBeforeSending() {
        EtcdStorage small = track(new EtcdStorage(config().withMaxValueBytes(1000)));
        long rev = small.currentRevision();
        assertEquals(StorageException.Code.TOO_LARGE, codeOf(() -> small.create("/registry/big/a", new byte[1001])));
        small.create("/registry/big/a", new byte[1000]);
        KeyValue kv = small.get("/registry/big/a");
        assertEquals(StorageException.Code.TOO_LARGE,
                codeOf(() -> small.update("/registry/big/a", kv.modRevision(), new byte[1001])));
        assertEquals(rev + 1, small.currentRevision());
    }

    @Test
    void defaultLimitMatchesEtcdsRequestLimit() {
        // Just under 1.5 MiB goes through; above it, TOO_LARGE without bothering etcd.
        KeyValue kv = store.create("/registry/big/ok", new byte[EtcdConfig.DEFAULT_MAX_VALUE_BYTES - 4096]);
        assertEquals(EtcdConfig.DEFAULT_MAX_VALUE_BYTES - 4096, store.get("/registry/big/ok").value().length);
        assertEquals(StorageException.Code.TOO_LARGE,
                codeOf(() -> store.create("/registry/big/no", new byte[EtcdConfig.DEFAULT_MAX_VALUE_BYTES + 1])));
        // etcd's own refusal (value within our limit, request over etcd's) is TOO_LARGE as well
        EtcdStorage lax = track(new EtcdStorage(config().withMaxValueBytes(4 * 1024 * 1024)));
        assertEquals(StorageException.Code.TOO_LARGE,
                codeOf(() -> lax.update("/registry/big/ok", kv.modRevision(), new byte[EtcdConfig.DEFAULT_MAX_VALUE_BYTES + 1])));
    }

    @Test
    void emptyValuesRoundTrip() throws Exception {
        Recorder r = new Recorder();
        track(store.watch("/registry/empty/", 0, r));
        KeyValue kv = store.create("/registry/empty/a", new byte[0]);
        assertEquals(0, store.get("/registry/empty/a").value().length);
        store.update("/registry/empty/a", kv.modRevision(), bytes("x"));
        WatchEvent created = r.next();
        assertEquals(0, created.value().length);
        assertTrue(created.isCreate());
        WatchEvent updated = r.next();
        assertEquals(0, updated.prevValue().length, "an empty previous value is not 'no previous value'");
    }

    @Test
    void idleWatchGetsProgressNotifications() throws Exception {
        KeyValue kv = store.create("/registry/progress-other/a", bytes("x"));
        Recorder r = new Recorder();
        track(store.watch("/registry/progress/", 0, r));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.lastProgress == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(r.lastProgress >= kv.modRevision(), "progress at or after the last write: " + r.lastProgress);
        assertNull(r.events.poll());
    }

    @Test
    void closingTheStorageClosesItsWatches() throws Exception {
        EtcdStorage s = new EtcdStorage(config());
        Recorder r = new Recorder();
        s.watch("/registry/cw/", 0, r);
        s.close();
        assertNull(r.awaitClose());
        assertEquals(1, r.closeCalls.get());
        assertEquals(StorageException.Code.UNAVAILABLE, codeOf(() -> s.get("/registry/cw/a")));
    }
}
