package io.kapi.itests;

import static io.kapi.itests.InstanceApi.CMS;
import static io.kapi.itests.InstanceApi.JSON;
import static io.kapi.itests.InstanceApi.configMap;
import static io.kapi.itests.InstanceApi.rv;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Two Kapi distributions on one etcd, with the same key prefix: what is written through one is seen
 * through the other — by a watch (ADDED, MODIFIED, DELETED in order, with the writer's
 * resourceVersions), by a GET (same object, same resourceVersion), and by the optimistic concurrency
 * of a guarded update (a resourceVersion made stale through the other instance gets 409).
 */
public class TwoInstancesOnEtcdIT {
    private static final String PREFIX = "/kapi-two";
    private static final int UPDATES = 5;

    @Test
    public void writesThroughOneInstanceAreSeenThroughTheOther() throws Exception {
        assumeTrue("etcd-server is installed", Files.isExecutable(Path.of("/usr/bin/etcd")));
        try (EtcdServer etcd = EtcdServer.fresh("two-instances");
             Distribution distA = new Distribution("two-instances-a");
             Distribution distB = new Distribution("two-instances-b")) {
            distA.useEtcd(etcd.endpoint(), PREFIX);
            distB.useEtcd(etcd.endpoint(), PREFIX);
            distA.start();
            distB.start();
            distA.awaitReady(System.nanoTime());
            distB.awaitReady(System.nanoTime());
            InstanceApi a = new InstanceApi("A", distA);
            InstanceApi b = new InstanceApi("B", distB);
            awaitSharedStore(a, b);
            assertEquals("namespace default in etcd under the prefix", 1, etcd.count(PREFIX + "/registry/namespaces/default"));

            watchSeesTheOthersWrites(a, b);
            watchSeesTheOthersWrites(b, a);
            getAndConflictAcrossInstances(a, b);
            getAndConflictAcrossInstances(b, a);
            // the objects are in etcd itself, under the shared prefix, once each; nothing outside it
            assertEquals(2, etcd.count(PREFIX + "/registry/configmaps/default/shared-from-"));
            assertEquals(0, etcd.count(PREFIX + "/registry/configmaps/default/watched-from-"));
            assertEquals(0, etcd.count("/registry/"));
        }
    }

    /**
     * Both instances serve from the shared etcd (a ConfigMap created through one is readable through the
     * other), and each sees the other's bootstrap objects: kapi-core serves from its embedded store for a
     * moment at start before the etcd backend takes over (see DurabilityIT), which is not what this test is about.
     */
    private static void awaitSharedStore(InstanceApi a, InstanceApi b) throws Exception {
        long t0 = System.nanoTime();
        int i = InstanceApi.awaitSharedStore(a, b);
        assertEquals(200, a.send(a.request(CMS + "/sync-" + i).DELETE()).statusCode());
        System.out.println("two instances: both ready; a ConfigMap created through A was readable through B at attempt "
                + (i + 1) + ", " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms after both /readyz = 200");
    }

    /** A watch on {@code watcher} from its list's resourceVersion sees create, updates and delete made through {@code writer}, in order. */
    private static void watchSeesTheOthersWrites(InstanceApi writer, InstanceApi watcher) throws Exception {
        String name = "watched-from-" + writer.name.toLowerCase();
        String listRv = JSON.readTree(watcher.get(CMS).body()).path("metadata").path("resourceVersion").asText();
        InstanceWatch.Events events = new InstanceWatch.Events();
        try (InstanceWatch watch = watcher.watch(CMS + "?watch=1&timeoutSeconds=120&resourceVersion=" + listRv, events)) {
            List<String> expectedTypes = new ArrayList<>();
            List<Long> expectedRvs = new ArrayList<>();
            HttpResponse<String> created = writer.send(writer.request(CMS).POST(configMap(name, null, "0")));
            assertEquals(created.body(), 201, created.statusCode());
            long rv = rv(JSON.readTree(created.body()));
            expectedTypes.add("ADDED");
            expectedRvs.add(rv);
            for (int i = 1; i <= UPDATES; i++) {
                HttpResponse<String> updated = writer.send(writer.request(CMS + "/" + name).PUT(configMap(name, rv, Integer.toString(i))));
                assertEquals(updated.body(), 200, updated.statusCode());
                long next = rv(JSON.readTree(updated.body()));
                assertTrue("resourceVersion " + next + " after " + rv, next > rv);
                rv = next;
                expectedTypes.add("MODIFIED");
                expectedRvs.add(rv);
            }
            HttpResponse<String> deleted = writer.send(writer.request(CMS + "/" + name).DELETE());
            assertEquals(deleted.body(), 200, deleted.statusCode());
            expectedTypes.add("DELETED");

            List<String> types = new ArrayList<>();
            List<Long> rvs = new ArrayList<>();
            List<String> counters = new ArrayList<>();
            long last = Long.parseLong(listRv);
            while (types.size() < expectedTypes.size()) {
                JsonNode event = events.next(30);
                assertTrue("watch on " + watcher.name + " ended or stalled after " + types + " (expected " + expectedTypes + ")", event != null);
                String type = event.path("type").asText();
                JsonNode object = event.path("object");
                assertTrue("unexpected event on " + watcher.name + ": " + event, !type.equals("ERROR") && !type.equals("BOOKMARK"));
                long eventRv = rv(object);
                assertTrue("watch event resourceVersion " + eventRv + " not above " + last, eventRv > last);
                last = eventRv;
                if (!object.path("metadata").path("name").asText().equals(name)) {
                    continue; // not this test's object
                }
                types.add(type);
                rvs.add(eventRv);
                counters.add(object.path("data").path("counter").asText());
            }
            assertEquals("events on " + watcher.name + " for writes through " + writer.name, expectedTypes, types);
            assertEquals("resourceVersions on " + watcher.name + " as acknowledged by " + writer.name,
                    expectedRvs, rvs.subList(0, expectedRvs.size()));
            assertTrue("DELETED after the last update", rvs.get(rvs.size() - 1) > rv);
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "5"), counters);
            System.out.println("two instances: watch on " + watcher.name + " saw " + types + " at " + rvs + " for writes through " + writer.name);
        }
    }

    /** GET through {@code reader} returns what {@code writer} wrote; a resourceVersion made stale through {@code writer} gets 409 on {@code reader}. */
    private static void getAndConflictAcrossInstances(InstanceApi writer, InstanceApi reader) throws Exception {
        String name = "shared-from-" + writer.name.toLowerCase();
        HttpResponse<String> created = writer.send(writer.request(CMS).POST(configMap(name, null, "0")));
        assertEquals(created.body(), 201, created.statusCode());
        JsonNode written = JSON.readTree(created.body());
        HttpResponse<String> got = reader.get(CMS + "/" + name);
        assertEquals(got.body(), 200, got.statusCode());
        JsonNode read = JSON.readTree(got.body());
        assertEquals(rv(written), rv(read));
        assertEquals(written.path("metadata").path("uid"), read.path("metadata").path("uid"));
        assertEquals(written.path("data"), read.path("data"));

        long stale = rv(read);
        HttpResponse<String> updated = writer.send(writer.request(CMS + "/" + name).PUT(configMap(name, stale, "1")));
        assertEquals(updated.body(), 200, updated.statusCode());
        long current = rv(JSON.readTree(updated.body()));
        HttpResponse<String> conflict = reader.send(reader.request(CMS + "/" + name)
                .PUT(configMap(name, stale, "from-" + reader.name.toLowerCase())));
        assertEquals(conflict.body(), 409, conflict.statusCode());
        assertEquals("Conflict", JSON.readTree(conflict.body()).path("reason").asText());
        // the stale write changed nothing, seen through both
        for (InstanceApi api : List.of(writer, reader)) {
            JsonNode now = JSON.readTree(api.get(CMS + "/" + name).body());
            assertEquals(current, rv(now));
            assertEquals("1", now.path("data").path("counter").asText());
        }
        // with the current resourceVersion the reader's update goes through, and the writer sees it
        HttpResponse<String> fresh = reader.send(reader.request(CMS + "/" + name).PUT(configMap(name, current, "2")));
        assertEquals(fresh.body(), 200, fresh.statusCode());
        long after = rv(JSON.readTree(fresh.body()));
        assertTrue(after > current);
        JsonNode seen = JSON.readTree(writer.get(CMS + "/" + name).body());
        assertEquals(after, rv(seen));
        assertEquals("2", seen.path("data").path("counter").asText());
        System.out.println("two instances: GET on " + reader.name + " = write through " + writer.name + " (resourceVersion " + rv(written)
                + "); stale resourceVersion " + stale + " on " + reader.name + " -> 409; current " + current + " -> 200 at " + after);
    }
}
