package io.kapi.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.SharedEncodings;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.rest.WatchSink;
import io.kapi.core.cache.WatchCache;
import io.kapi.core.json.Json;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One change, many watchers: decoded once and encoded once, as kube's cacher shares a cachingObject. */
class GenericStoreWatchFanOutTest {
    @TempDir
    Path dir;
    EmbeddedStorage backend;
    WatchCache cache;
    GenericStore configmaps;
    final RequestContext dflt = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, null);

    @BeforeEach
    void setUp() {
        backend = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(false));
        cache = new WatchCache(backend, "/registry/");
        configmaps = new GenericStore(new ResourceMeta("", "v1", "configmaps", "ConfigMap", true), new Strategy() { },
                cache, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN);
    }

    @AfterEach
    void tearDown() {
        cache.close();
        backend.close();
    }

    record Received(String type, ObjectNode object, SharedEncodings shared) {
    }

    /** A sink that takes the shared form of events. */
    static final class SharingSink implements WatchSink {
        final LinkedBlockingQueue<Received> events = new LinkedBlockingQueue<>();

        @Override
        public void event(String type, ObjectNode object) {
            events.add(new Received(type, object, null));
        }

        @Override
        public void event(String type, ObjectNode object, SharedEncodings shared) {
            events.add(new Received(type, object, shared));
        }

        @Override
        public void closed(StatusException error) {
        }

        List<Received> take(int n) throws InterruptedException {
            List<Received> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Received r = events.poll(10, TimeUnit.SECONDS);
                if (r == null) {
                    throw new AssertionError("only " + out + " arrived");
                }
                out.add(r);
            }
            return out;
        }
    }

    /** A sink written before sharing existed: it only implements the two-argument event. */
    static final class LegacySink implements WatchSink {
        final LinkedBlockingQueue<ObjectNode> objects = new LinkedBlockingQueue<>();

        @Override
        public void event(String type, ObjectNode object) {
            object.put("touchedBy", "legacy"); // allowed: this copy is its own
            objects.add(object);
        }

        @Override
        public void closed(StatusException error) {
        }
    }

    static ListOptions selector(String labels) {
        return new ListOptions(labels, null, 0, null, null, null, false, 0, null);
    }

    static ObjectNode cm(String labels, String data) {
        return GenericStoreTest.obj("{\"metadata\":{\"name\":\"a\",\"labels\":{" + labels + "}},\"data\":{\"k\":\"" + data + "\"}}");
    }

    @Test
    void everyWatcherSharesOneDecodedObjectAndOneEncodingPerChange() throws Exception {
        // an unrelated change first, so that the late watcher below can start at a revision above 0
        backend.create("/registry/secrets/default/unrelated", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int n = 5;
        List<SharingSink> all = new ArrayList<>();
        List<AutoCloseable> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SharingSink s = new SharingSink();
            all.add(s);
            handles.add(configmaps.watch(dflt, selector(null), s));
        }
        SharingSink selected = new SharingSink();
        handles.add(configmaps.watch(dflt, selector("app=x"), selected));
        LegacySink legacy1 = new LegacySink();
        LegacySink legacy2 = new LegacySink();
        handles.add(configmaps.watch(dflt, selector(null), legacy1));
        handles.add(configmaps.watch(dflt, selector(null), legacy2));
        String startRv = Long.toString(cache.currentRevision());

        ObjectNode created = configmaps.create(dflt, cm("\"app\":\"x\"", "1"));
        ObjectNode modified = configmaps.update(dflt, "a", c -> {
            ObjectNode o = c.deepCopy();
            o.with("data").put("k", "2");
            return o;
        }).object();
        configmaps.update(dflt, "a", c -> {
            ObjectNode o = c.deepCopy();
            o.with("metadata").with("labels").put("app", "y");
            return o;
        });
        configmaps.delete(dflt, "a", null);

        List<List<Received>> got = new ArrayList<>();
        for (SharingSink s : all) {
            got.add(s.take(4));
        }
        List<Received> first = got.get(0);
        assertEquals(List.of("ADDED", "MODIFIED", "MODIFIED", "DELETED"), first.stream().map(Received::type).toList());
        assertEquals(Json.text(created.get("metadata"), "resourceVersion"),
                Json.text(first.get(0).object().get("metadata"), "resourceVersion"));
        assertEquals(Json.text(modified.get("metadata"), "resourceVersion"),
                Json.text(first.get(1).object().get("metadata"), "resourceVersion"));
        for (List<Received> other : got) {
            for (int i = 0; i < 4; i++) {
                assertSame(first.get(i).object(), other.get(i).object(), "one decoded object per change, not per watcher");
                assertSame(first.get(i).shared(), other.get(i).shared(), "one encoding cache per change and type");
            }
        }
        // the encoding runs once whoever asks; every watcher gets the same bytes
        AtomicInteger encodes = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            ObjectNode obj = first.get(i).object();
            byte[] reference = null;
            for (List<Received> other : got) {
                byte[] b = other.get(i).shared().encode("json", () -> {
                    encodes.incrementAndGet();
                    return Json.bytes(obj);
                });
                if (reference == null) {
                    reference = b;
                }
                assertSame(reference, b);
            }
        }
        assertEquals(4, encodes.get());

        // the selector watcher: ADDED, MODIFIED, then DELETED (leaving the selection) with the previous object
        List<Received> sel = selected.take(3);
        assertEquals(List.of("ADDED", "MODIFIED", "DELETED"), sel.stream().map(Received::type).toList());
        assertSame(first.get(0).object(), sel.get(0).object());
        assertSame(first.get(1).object(), sel.get(1).object());
        assertEquals("x", sel.get(2).object().get("metadata").get("labels").get("app").asText());
        assertNotSame(first.get(2).shared(), sel.get(2).shared(), "DELETED and MODIFIED frames differ");

        // decodes: create 1, update 2 (object + previous for the selector), relabel 2, delete 1 (previous)
        assertEquals(6, configmaps.watchDecodes(), "decoded once per change, not once per watcher");

        // a watcher that starts in the past is replayed from the cache's window: the same objects, no new decode
        SharingSink late = new SharingSink();
        handles.add(configmaps.watch(dflt, new ListOptions(null, null, 0, null, startRv, null, false, 0, null), late));
        List<Received> replayed = late.take(4);
        for (int i = 0; i < 4; i++) {
            assertSame(first.get(i).object(), replayed.get(i).object());
            assertSame(first.get(i).shared(), replayed.get(i).shared());
        }
        assertEquals(6, configmaps.watchDecodes());

        // a sink that only knows event(type, object) still gets an object of its own to modify
        ObjectNode l1 = legacy1.objects.poll(10, TimeUnit.SECONDS);
        ObjectNode l2 = legacy2.objects.poll(10, TimeUnit.SECONDS);
        assertNotSame(l1, l2);
        assertEquals(l1, l2);
        assertTrue(!first.get(0).object().has("touchedBy"), "the shared object is never modified");
        for (AutoCloseable h : handles) {
            h.close();
        }
    }
}
