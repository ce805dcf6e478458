package io.kapi.storage.etcd;

import io.kapi.api.storage.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Closing the store ends every thread its etcd transport started before {@code close} returns. In Karaf a
 * thread that outlives its bundle runs the bundle's code after a refresh, when its class loader is gone
 * (seen as a {@code NoClassDefFoundError} from gRPC's shared worker threads).
 */
class EtcdStorageCloseTest {

    private EtcdProcess etcd;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        etcd = EtcdProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void closeWaitsForEveryThreadOfTheTransport() throws Exception {
        EtcdStorage store = new EtcdStorage(EtcdConfig.of(etcd.endpoint()));
        store.create("/registry/close/a", "1".getBytes(StandardCharsets.UTF_8));
        Collected watch = new Collected();
        store.watch("/registry/close/", 0, watch);
        store.create("/registry/close/b", "2".getBytes(StandardCharsets.UTF_8));
        WatchEvent seen = watch.nextEvent();
        assertEquals("/registry/close/b", seen == null ? null : seen.key(), "the watch works before the close");
        assertTrue(!transportThreads().isEmpty(), "the transport runs threads while open");

        store.close();

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
