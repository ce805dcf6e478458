package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * etcd going away and coming back, and the store itself going away; each test has an etcd of its own, since it
 * stops it.
 */
class EtcdFailureTest {

    private EtcdProcess etcd;
    private EtcdStorage store;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        etcd = EtcdProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static StorageException.Code codeOf(Executable call) {
        return assertThrows(StorageException.class, call).code();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void etcdDownIsUnavailableAndRecoversAfterRestartOnTheSameData() throws Exception {
        store = new EtcdStorage(EtcdConfig.of(etcd.endpoint()).withRequestTimeout(Duration.ofSeconds(2)));
        KeyValue a = store.create("/registry/f/a", bytes("1"));
        Collected first = new Collected();
        store.watch("/registry/f/", 0, first);

        etcd.stop();
        StorageException ended = first.closed.get(10, TimeUnit.SECONDS);
        assertNotNull(ended, "a broken watch stream ends with an error, not as a clean close");
        assertEquals(StorageException.Code.UNAVAILABLE, ended.code(), ended::getMessage);
        assertEquals(StorageException.Code.UNAVAILABLE, codeOf(() -> store.get("/registry/f/a")));
        assertEquals(StorageException.Code.UNAVAILABLE, codeOf(() -> store.create("/registry/f/b", bytes("x"))));
        assertEquals(StorageException.Code.UNAVAILABLE, codeOf(() -> store.currentRevision()));
        assertEquals(StorageException.Code.UNAVAILABLE,
                codeOf(() -> store.watch("/registry/f/", 0, new Collected())));

        etcd.restart();
        // the same client recovers by itself, no reconnect call: once gRPC's reconnect backoff (which
        // grows with each failed attempt while etcd was down) lets it try again
        KeyValue back = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (back == null) {
            try {
                back = store.get("/registry/f/a");
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        assertEquals("1", new String(back.value(), StandardCharsets.UTF_8));
        assertEquals(a.modRevision(), store.currentRevision());
        KeyValue b = store.create("/registry/f/b", bytes("2"));
        assertEquals(a.modRevision() + 1, b.modRevision());

        // and a watch resumed from the last revision seen loses nothing
        Collected resumed = new Collected();
        store.watch("/registry/f/", a.modRevision(), resumed);
        WatchEvent e = resumed.nextEvent();
        assertNotNull(e);
        assertEquals(b.modRevision(), e.revision());
    }

    @Test
    void nextEndpointIsUsedWhenOneCannotBeConnectedTo() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        store = new EtcdStorage(EtcdConfig.of("http://127.0.0.1:" + dead, etcd.endpoint()));
        KeyValue kv = store.create("/registry/ep/a", bytes("x"));
        assertEquals(kv.modRevision(), store.get("/registry/ep/a").modRevision());
    }

    @Test
    void noEndpointReachableIsUnavailable() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        store = new EtcdStorage(EtcdConfig.of("http://127.0.0.1:" + dead));
        assertEquals(StorageException.Code.UNAVAILABLE, codeOf(() -> store.get("/registry/x")));
    }

    /**
     * Closing the store ends every thread its etcd transport started before {@code close} returns. In Karaf a
     * thread that outlives its bundle runs the bundle's code after a refresh, when its class loader is gone (seen
     * as a {@code NoClassDefFoundError} from gRPC's shared worker threads).
     */
    @Test
    void closeWaitsForEveryThreadOfTheTransport() throws Exception {
        EtcdStorage closing = new EtcdStorage(EtcdConfig.of(etcd.endpoint()));
        closing.create("/registry/close/a", bytes("1"));
        Collected watch = new Collected();
        closing.watch("/registry/close/", 0, watch);
        closing.create("/registry/close/b", bytes("2"));
        WatchEvent seen = watch.nextEvent();
        assertEquals("/registry/close/b", seen == null ? null : seen.key(), "the watch works before the close");
        assertTrue(!transportThreads().isEmpty(), "the transport runs threads while open");

        closing.close();

        assertEquals(List.of(), transportThreads(), "threads of the etcd transport still alive after close");
        assertNull(watch.closed.get(1, TimeUnit.SECONDS), "the watch ended cleanly with the store");
    }

    /** Threads of Kapi's etcd transport, or of gRPC's process-wide pools (which the transport must not use). */
    private static List<String> transportThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("kapi-etcd-") || n.startsWith("grpc-"))
                .sorted()
                .toList();
    }
}
