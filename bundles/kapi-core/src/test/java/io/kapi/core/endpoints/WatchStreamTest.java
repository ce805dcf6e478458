package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.cache.WatchCache;
import io.kapi.core.json.Json;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frames of HTTP watches: one frame per change, type and output form, shared by all the watchers. */
class WatchStreamTest {
    @TempDir
    Path dir;
    EmbeddedStorage backend;
    WatchCache cache;
    GenericStore store;
    ServedResource resource;
    final RequestContext dflt = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, null);
    final ListOptions everything = new ListOptions(null, null, 0, null, null, null, false, 0, null);

    @BeforeEach
    void setUp() {
        backend = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(false));
        cache = new WatchCache(backend, "/registry/");
        store = new GenericStore(new ResourceMeta("", "v1", "configmaps", "ConfigMap", true), new Strategy() { },
                cache, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN);
        resource = new ServedResource(store.meta(), null, store);
    }

    @AfterEach
    void tearDown() {
        cache.close();
        backend.close();
    }

    private static ObjectOutput.Negotiated json(ObjectOutput.Output output) {
        return new ObjectOutput.Negotiated(MediaType.JSON, output, ObjectOutput.IncludeObject.METADATA);
    }

    private static ObjectNode cm(String name) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}");
    }

    private List<byte[]> frames(WatchStream s, int n) throws InterruptedException {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] f = s.nextFrame(10_000);
            assertNotNull(f, "frame " + i + " did not arrive");
            out.add(f);
        }
        return out;
    }

    @Test
    void watchersOfOneStoreWriteTheSameFrameBytesPerOutputForm() throws Exception {
        List<WatchStream> objects = new ArrayList<>();
        List<WatchStream> metadata = new ArrayList<>();
        List<WatchStream> tables = new ArrayList<>();
        List<AutoCloseable> handles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (var form : List.of(ObjectOutput.Output.OBJECT, ObjectOutput.Output.METADATA, ObjectOutput.Output.TABLE)) {
                WatchStream s = new WatchStream(resource, json(form));
                handles.add(store.watch(dflt, everything, s));
                s.goLive();
                (form == ObjectOutput.Output.OBJECT ? objects : form == ObjectOutput.Output.METADATA ? metadata : tables).add(s);
            }
        }
        store.create(dflt, cm("a"));
        store.delete(dflt, "a", null);

        List<byte[]> first = frames(objects.get(0), 2);
        for (WatchStream s : objects.subList(1, objects.size())) {
            List<byte[]> got = frames(s, 2);
            for (int i = 0; i < 2; i++) {
                assertSame(first.get(i), got.get(i), "one serialization per change, not one per watcher");
            }
        }
        JsonNode added = Json.MAPPER.readTree(first.get(0));
        assertEquals("ADDED", added.get("type").asText());
        assertEquals("ConfigMap", added.get("object").get("kind").asText());
        assertEquals("v", added.get("object").get("data").get("k").asText());
        assertEquals('\n', first.get(0)[first.get(0).length - 1]);
        assertEquals("DELETED", Json.MAPPER.readTree(first.get(1)).get("type").asText());

        List<byte[]> meta = frames(metadata.get(0), 2);
        for (WatchStream s : metadata.subList(1, metadata.size())) {
            List<byte[]> got = frames(s, 2);
            assertSame(meta.get(0), got.get(0));
            assertSame(meta.get(1), got.get(1));
        }
        assertNotSame(first.get(0), meta.get(0));
        JsonNode pom = Json.MAPPER.readTree(meta.get(0)).get("object");
        assertEquals("PartialObjectMetadata", pom.get("kind").asText());
        assertEquals("a", pom.get("metadata").get("name").asText());

        // Tables carry AGE: frames are shared among the watchers that encode them in the same second,
        // so compare content, not identity (the clock may tick between two watchers)
        List<byte[]> table = frames(tables.get(0), 2);
        for (WatchStream s : tables.subList(1, tables.size())) {
            List<byte[]> got = frames(s, 2);
            JsonNode row = Json.MAPPER.readTree(got.get(0)).get("object").get("rows").get(0);
            assertEquals("a", row.get("cells").get(0).asText());
        }
        assertEquals("Table", Json.MAPPER.readTree(table.get(0)).get("object").get("kind").asText());

        // the shared object was not touched by the Table / PartialObjectMetadata conversions
        String objectFrame = new String(first.get(0), StandardCharsets.UTF_8);
        assertTrue(!objectFrame.contains("PartialObjectMetadata"), objectFrame);
        for (AutoCloseable h : handles) {
            h.close();
        }
    }

    @Test
    void aWatcherThatFallsBehindIsEndedWithoutAnError() throws Exception {
        WatchStream s = new WatchStream(resource, json(ObjectOutput.Output.OBJECT));
        AutoCloseable h = store.watch(dflt, everything, s);
        s.goLive();
        for (int i = 0; i < WatchStream.QUEUE + 5; i++) {
            store.create(dflt, cm("c" + i));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!s.hasEnded() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(s.hasEnded(), "a full queue ends the watch");
        // what it held is dropped: the client resumes from its last resourceVersion, as from kube's cacher
        assertEquals(null, s.nextFrame(0));
        h.close();
    }

    /** A WebSocket's sending side: records messages; completes each send only when told to. */
    private static final class Messages implements WatchStream.MessageSink {
        final java.util.concurrent.BlockingQueue<String> sent = new java.util.concurrent.LinkedBlockingQueue<>();
        final java.util.concurrent.BlockingQueue<Runnable> pending = new java.util.concurrent.LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        volatile int maxInFlight;

        @Override
        public void send(byte[] message, Runnable written, Runnable failed) {
            maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
            sent.add(new String(message, StandardCharsets.UTF_8));
            pending.add(() -> {
                inFlight.decrementAndGet();
                written.run();
            });
        }

        @Override
        public void close() {
            closed.countDown();
        }

        String next() throws InterruptedException {
            String m = sent.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(m, "no message");
            pending.poll(10, java.util.concurrent.TimeUnit.SECONDS).run();
            return m;
        }
    }

    @Test
    void overAWebSocketEachEventIsOneMessageOneInFlightAndTheEndCloses() throws Exception {
        WatchStream s = new WatchStream(resource, json(ObjectOutput.Output.OBJECT));
        AutoCloseable handle = store.watch(dflt, everything, s);
        s.goLive();
        java.util.concurrent.CountDownLatch cleaned = new java.util.concurrent.CountDownLatch(1);
        Messages ws = new Messages();
        s.expectMessages(600, cleaned::countDown);
        s.connected(ws);
        for (String name : List.of("a", "b", "c")) {
            store.create(dflt, cm(name));
        }
        for (String name : List.of("a", "b", "c")) {
            JsonNode ev = Json.MAPPER.readTree(ws.next());
            assertEquals("ADDED", ev.get("type").asText());
            assertEquals(name, ev.at("/object/metadata/name").asText());
        }
        assertEquals(1, ws.maxInFlight, "the next message waits for the previous one");
        handle.close();
        s.closed(null);
        assertTrue(ws.closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "the end closes the socket");
        assertTrue(cleaned.await(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aWebSocketWatchEndsAtItsTimeoutAndWhenTheClientGoes() throws Exception {
        WatchStream timed = new WatchStream(resource, json(ObjectOutput.Output.OBJECT));
        timed.goLive();
        Messages ws = new Messages();
        java.util.concurrent.CountDownLatch cleaned = new java.util.concurrent.CountDownLatch(1);
        timed.expectMessages(1, cleaned::countDown);
        timed.connected(ws);
        assertTrue(ws.closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "closed at the watch's timeout");
        assertTrue(cleaned.await(10, java.util.concurrent.TimeUnit.SECONDS));

        WatchStream gone = new WatchStream(resource, json(ObjectOutput.Output.OBJECT));
        gone.goLive();
        java.util.concurrent.CountDownLatch cleaned2 = new java.util.concurrent.CountDownLatch(1);
        gone.expectMessages(600, cleaned2::countDown);
        gone.connected(new Messages());
        gone.clientGone();
        assertTrue(cleaned2.await(10, java.util.concurrent.TimeUnit.SECONDS), "the client's close ends the watch");
        assertTrue(gone.hasEnded());
    }

    @Test
    void overAWebSocketAProtobufWatchSendsOneBinaryWatchEventPerMessageWithoutTheLengthPrefix() throws Exception {
        WatchStream s = new WatchStream(resource, new ObjectOutput.Negotiated(MediaType.PROTOBUF, ObjectOutput.Output.OBJECT,
                ObjectOutput.IncludeObject.METADATA));
        assertTrue(s.protobuf(), "a protobuf watch is served over binary messages");
        AutoCloseable handle = store.watch(dflt, everything, s);
        s.goLive();
        java.util.concurrent.BlockingQueue<java.nio.ByteBuffer> sent = new java.util.concurrent.LinkedBlockingQueue<>();
        s.expectMessages(600, () -> { });
        s.connected(new WatchStream.MessageSink() {
            @Override
            public void send(byte[] message, Runnable written, Runnable failed) {
                // what the socket puts in the one BINARY frame of this message
                sent.add(WebSocketWatches.payload(message, true));
                written.run();
            }

            @Override
            public void close() {
            }
        });
        store.create(dflt, cm("a"));
        store.create(dflt, cm("b"));
        for (String name : List.of("a", "b")) {
            java.nio.ByteBuffer message = sent.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(message, "no message for " + name);
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            // the message is the bare WatchEvent: a length prefix would make it an unparsable or different message
            com.google.protobuf.UnknownFieldSet event = com.google.protobuf.UnknownFieldSet.parseFrom(bytes);
            assertEquals(java.util.Set.of(1, 2), event.asMap().keySet(), "type (1) and object (2) only");
            assertEquals("ADDED", event.getField(1).getLengthDelimitedList().get(0).toStringUtf8());
            byte[] raw = com.google.protobuf.UnknownFieldSet.parseFrom(event.getField(2).getLengthDelimitedList().get(0))
                    .getField(1).getLengthDelimitedList().get(0).toByteArray();
            assertEquals("k8s", new String(raw, 0, 3, StandardCharsets.US_ASCII), "the object's own envelope, magic included");
            assertEquals(name, Codecs.PROTOBUF.decode(raw).at("/metadata/name").asText());
        }
        handle.close();
        s.closed(null);
    }
}
