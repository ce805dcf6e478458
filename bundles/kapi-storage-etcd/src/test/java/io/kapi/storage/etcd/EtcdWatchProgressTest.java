package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Progress on request (etcd's RequestProgress on the watch stream), against an etcd with default
 * settings, whose periodic progress notification comes only every 10 minutes: an answer within
 * seconds can only be the answer to a request.
 */
class EtcdWatchProgressTest {

    private EtcdProcess etcd;
    private EtcdStorage store;
    private final Collected collected = new Collected();
    private final LinkedBlockingQueue<Object> seen = collected.seen;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(EtcdProcess.binary() != null, "etcd not installed (apt-get install -y etcd-server)");
        etcd = EtcdProcess.start();
        store = new EtcdStorage(EtcdConfig.of(etcd.endpoint()));
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

    private Watch watchPods() {
        return store.watch("/registry/pods/", 0, collected);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void progressIsRequestedOnlyFromReleasesThatAnswerInOrderWithEvents() {
        assertFalse(EtcdStorage.answersProgressInOrder("3.4.23"), "Debian bookworm's etcd");
        assertFalse(EtcdStorage.answersProgressInOrder("3.4.30"));
        assertTrue(EtcdStorage.answersProgressInOrder("3.4.31"));
        assertFalse(EtcdStorage.answersProgressInOrder("3.5.0"));
        assertFalse(EtcdStorage.answersProgressInOrder("3.5.12"));
        assertTrue(EtcdStorage.answersProgressInOrder("3.5.13"));
        assertTrue(EtcdStorage.answersProgressInOrder("3.6.0"));
        assertTrue(EtcdStorage.answersProgressInOrder("3.6.0-rc.1"));
        assertFalse(EtcdStorage.answersProgressInOrder("3.3.27"));
        assertFalse(EtcdStorage.answersProgressInOrder(""));
        assertFalse(EtcdStorage.answersProgressInOrder("garbage"));
    }

    @Test
    void theEtcdHereIsAskedForItsVersionAndGetsNoRequestWhenItLacksTheFix() throws Exception {
        String version = store.rpc().versions().get(0);
        try (Watch w = watchPods()) {
            assertEquals(EtcdStorage.answersProgressInOrder(version), store.progressRequestsSupported(), "etcd " + version);
            assumeTrue(!store.progressRequestsSupported(), "etcd " + version + " has the fix");
            KeyValue pod = store.create("/registry/pods/ns/a", bytes("a"));
            assertEquals(pod.modRevision(), ((WatchEvent) seen.poll(10, TimeUnit.SECONDS)).revision());
            store.create("/registry/configmaps/ns/c", bytes("c"));
            w.requestProgress();
            assertNull(seen.poll(2, TimeUnit.SECONDS), "no progress request was sent to etcd " + version);
        }
    }

    @Test
    void aProgressRequestIsAnsweredWithTheNewestRevision() throws Exception {
        // Mechanics only: on an etcd without the fix the answer may overtake events, so this waits for
        // the event before it asks.
        store.forceProgressRequests();
        try (Watch w = watchPods()) {
            KeyValue pod = store.create("/registry/pods/ns/a", bytes("a"));
            assertEquals(pod.modRevision(), ((WatchEvent) seen.poll(10, TimeUnit.SECONDS)).revision());
            KeyValue other = store.create("/registry/configmaps/ns/c", bytes("c"));
            w.requestProgress();
            Object progress = seen.poll(10, TimeUnit.SECONDS);
            assertNotNull(progress, "etcd answered the progress request");
            assertTrue((Long) progress >= other.modRevision(), "progress " + progress + " covers the write elsewhere");
        }
    }
}
