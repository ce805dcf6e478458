package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.storage.embedded.EmbeddedStorage;
import io.kapi.storage.testsupport.ForwardingStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectExpiryTest {
    private static final String EVENTS = "/registry/events/";
    private static final Map<String, Long> TEN_MINUTES = Map.of(EVENTS, 600L);
    private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    private EmbeddedStorage backend;
    private ObjectExpiry expiry;
    private Instant now = T;
    private final java.util.function.LongSupplier clock = () -> now.toEpochMilli();

    @BeforeEach
    void open() {
        backend = EmbeddedStorage.open(dir, new EmbeddedStorage.Options().syncWrites(false));
    }

    @AfterEach
    void close() {
        if (expiry != null) {
            expiry.close();
        }
        backend.close();
    }

    private static byte[] event(String name, Instant created, Instant... managed) {
        StringBuilder fields = new StringBuilder();
        for (Instant m : managed) {
            fields.append(fields.length() == 0 ? "" : ",").append("{\"manager\":\"m").append(fields.length())
                    .append("\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"").append(m)
                    .append("\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:count\":{},\"f:time\":{\"x\":[1,2]}}}");
        }
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\""
                + (created == null ? "" : ",\"creationTimestamp\":\"" + created + "\"")
                + (managed.length == 0 ? "" : ",\"managedFields\":[" + fields + "]")
                + "},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"Started\",\"count\":1}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void atTheFirstSweepAnObjectCountsFromTheNewestTimeItRecords() {
        backend.create(EVENTS + "ns/old", event("old", T.minus(Duration.ofMinutes(20))));
        backend.create(EVENTS + "ns/updated", event("updated", T.minus(Duration.ofMinutes(30)), T.minus(Duration.ofMinutes(25)),
                T.minus(Duration.ofMinutes(5))));
        backend.create(EVENTS + "ns/undated", event("undated", null));
        backend.create("/registry/configmaps/ns/old", event("old", T.minus(Duration.ofDays(2))));
        List<WatchEvent> seen = new CopyOnWriteArrayList<>();
        Watch w = backend.watch(EVENTS, backend.currentRevision(), listener(seen));
        expiry = new ObjectExpiry(backend, List::of, clock);

        assertEquals(1, expiry.sweep(TEN_MINUTES));
        assertNull(backend.get(EVENTS + "ns/old"), "created 20 minutes ago, never changed since");
        assertNotNull(backend.get(EVENTS + "ns/updated"), "changed by a manager 5 minutes ago");
        assertNotNull(backend.get(EVENTS + "ns/undated"), "no time recorded: counted from the sweep that first saw it");
        assertNotNull(backend.get("/registry/configmaps/ns/old"), "a kind without a time to live");
        awaitEvents(seen, 1);
        assertEquals(WatchEvent.Type.DELETE, seen.get(0).type());
        assertEquals(EVENTS + "ns/old", seen.get(0).key());
        w.close();

        now = T.plus(Duration.ofMinutes(6));
        assertEquals(1, expiry.sweep(TEN_MINUTES));
        assertNull(backend.get(EVENTS + "ns/updated"), "its last change 11 minutes ago");
        now = T.plus(Duration.ofMinutes(10));
        assertEquals(1, expiry.sweep(TEN_MINUTES));
        assertNull(backend.get(EVENTS + "ns/undated"));
    }

    @Test
    void aWriteSeenWhileRunningStartsANewLifetime() {
        KeyValue kv = backend.create(EVENTS + "ns/e", event("e", T.minus(Duration.ofMinutes(9))));
        expiry = new ObjectExpiry(backend, List::of, clock);
        assertEquals(0, expiry.sweep(TEN_MINUTES));
        now = T.plus(Duration.ofSeconds(30));
        // the client updates it and, as a client may, clears the managed fields: the write counts from the sweep that sees it
        backend.update(EVENTS + "ns/e", kv.modRevision(), event("e", T.minus(Duration.ofMinutes(9))));
        now = T.plus(Duration.ofMinutes(1));
        assertEquals(0, expiry.sweep(TEN_MINUTES));
        now = T.plus(Duration.ofMinutes(10));
        assertEquals(0, expiry.sweep(TEN_MINUTES), "9 minutes after the sweep that saw the update");
        assertNotNull(backend.get(EVENTS + "ns/e"));
        now = T.plus(Duration.ofMinutes(11));
        assertEquals(1, expiry.sweep(TEN_MINUTES));
        assertNull(backend.get(EVENTS + "ns/e"));
    }

    @Test
    void aWriteBetweenTheListAndTheDeleteKeepsTheObject() {
        backend.create(EVENTS + "ns/e", event("e", T.minus(Duration.ofHours(1))));
        Storage racing = new ForwardingStorage(backend) {
            @Override
            public KeyValue delete(String key, long expectedModRevision) {
                KeyValue current = backend.get(key);
                backend.update(key, current.modRevision(), event("e", T.minus(Duration.ofHours(1))));
                return super.delete(key, expectedModRevision);
            }
        };
        expiry = new ObjectExpiry(racing, List::of, clock);
        assertEquals(0, expiry.sweep(TEN_MINUTES), "the delete was for the revision the sweep saw");
        assertNotNull(backend.get(EVENTS + "ns/e"));
        now = T.plus(Duration.ofMinutes(9));
        expiry.close();
        expiry = new ObjectExpiry(backend, List::of, clock);
        assertEquals(1, expiry.sweep(TEN_MINUTES), "a fresh start counts from what the object records again");
    }

    @Test
    void manyObjectsArePagedThrough() {
        for (int i = 0; i < 2_500; i++) {
            backend.create(EVENTS + "ns/e" + i, event("e" + i, T.minus(Duration.ofMinutes(i % 2 == 0 ? 11 : 1))));
        }
        expiry = new ObjectExpiry(backend, List::of, clock);
        assertEquals(1_250, expiry.sweep(TEN_MINUTES));
        assertEquals(1_250, backend.count(EVENTS));
    }

    @Test
    void recordedWriteReadsOnlyTheMetadata() {
        // kube's whole seconds, each counted to its end: nothing goes before its time
        assertEquals(T.toEpochMilli() + 999, ObjectExpiry.recordedWrite(new KeyValue("k", event("e", T.minusSeconds(60), T), 1, 1), -1));
        assertEquals(-1, ObjectExpiry.recordedWrite(new KeyValue("k", "not json".getBytes(StandardCharsets.UTF_8), 1, 1), -1));
        assertEquals(-1, ObjectExpiry.recordedWrite(new KeyValue("k", "[1]".getBytes(StandardCharsets.UTF_8), 1, 1), -1));
        assertEquals(-1, ObjectExpiry.recordedWrite(new KeyValue("k",
                "{\"metadata\":{\"creationTimestamp\":\"yesterday\"}}".getBytes(StandardCharsets.UTF_8), 1, 1), -1));
        // a time with an offset, and fields before the metadata
        assertEquals(T.toEpochMilli() + 999, ObjectExpiry.recordedWrite(new KeyValue("k",
                "{\"kind\":\"Event\",\"spec\":{\"a\":[{}]},\"metadata\":{\"creationTimestamp\":\"2026-12-07T13:00:00+01:00\"}}"
                        .getBytes(StandardCharsets.UTF_8), 1, 1), -1));
        // a time with a fraction as it is; managed fields entries that are not objects passed over, the later ones read
        assertEquals(T.toEpochMilli() + 250, ObjectExpiry.recordedWrite(new KeyValue("k",
                ("{\"metadata\":{\"managedFields\":[null,\"x\",[{\"time\":\"2030-01-01T00:00:00Z\"}],{\"time\":\"2026-12-07T12:00:00.25Z\"}],"
                        + "\"creationTimestamp\":\"2026-12-07T11:00:00Z\"}}").getBytes(StandardCharsets.UTF_8), 1, 1), -1));
        // cut short: nothing read is trusted
        assertEquals(-1, ObjectExpiry.recordedWrite(new KeyValue("k",
                "{\"metadata\":{\"creationTimestamp\":\"2026-12-07T11:00:00Z\",\"managedFields\":[{\"time\":".getBytes(StandardCharsets.UTF_8), 1, 1), -1));
    }

    @Test
    void sweepsAtATenthOfTheShortestTimeToLiveWithinBounds() {
        assertEquals(10_000, ObjectExpiry.interval(Map.of(EVENTS, 3600L)));
        assertEquals(3_000, ObjectExpiry.interval(Map.of(EVENTS, 3600L, "/registry/x/", 30L)));
        assertEquals(1_000, ObjectExpiry.interval(Map.of(EVENTS, 2L)));
        assertEquals(10_000, ObjectExpiry.interval(Map.of()));
    }

    private static WatchListener listener(List<WatchEvent> seen) {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                seen.add(event);
            }

            @Override
            public void onClose(io.kapi.api.storage.StorageException error) {
            }
        };
    }

    private static void awaitEvents(List<WatchEvent> seen, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(n, seen.size());
    }
}
