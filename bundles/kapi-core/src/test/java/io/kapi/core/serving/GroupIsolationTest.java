package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Strategy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A group whose code blocks fills its own share of in-flight requests (then 429) and no more: other groups go on. */
class GroupIsolationTest extends ServingTestBase {
    /** A group's code that counts {@code entered} down on each write and waits for {@code release}. */
    private static Strategy waitingFor(CountDownLatch entered, CountDownLatch release) {
        return new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        };
    }

    @Test
    void aBlockedGroupDoesNotTakeOtherGroupsDown() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Strategy stuck = waitingFor(entered, release);
        APIGroupProvider slow = provider("slow.example.com", new ResourceDefinition("v1", "snails", "snail", "Snail", false, List.of(), List.of(), null, stuck, null));
        server.groupShares(2, 2);
        serveWidgets();
        server.contributions().addProvider(c(slow, 0, "slow-bundle", Map.of()));
        server.rebuild();

        List<CompletableFuture<FakeHttp.Response>> blocked = List.of(
                CompletableFuture.supplyAsync(() -> create("/apis/slow.example.com/v1/snails", "s1")),
                CompletableFuture.supplyAsync(() -> create("/apis/slow.example.com/v1/snails", "s2")));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "both requests are inside the group's code");
        FakeHttp.Response refused = create("/apis/slow.example.com/v1/snails", "s3");
        assertEquals(429, refused.status, refused.text());
        assertEquals("1", refused.headers.get("Retry-After"));
        // the other group is served meanwhile, reads and writes
        assertEquals(201, create("/apis/things.example.com/v1/widgets", "w1").status);
        assertEquals(200, call("GET", "/apis/things.example.com/v1/widgets", null).status);
        release.countDown();
        for (CompletableFuture<FakeHttp.Response> f : blocked) {
            assertEquals(201, f.get(30, TimeUnit.SECONDS).status);
        }
        assertEquals(201, create("/apis/slow.example.com/v1/snails", "s3").status, "the share is given back");
    }

    /** Code that throws is kube's 500 InternalError Status, nothing is stored, the group's share is given back. */
    @Test
    void aGroupWhoseCodeThrowsAnswers500AndKeepsItsShare() throws Exception {
        Strategy broken = new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                throw new IllegalStateException("a bug in the group");
            }
        };
        APIGroupProvider bad = provider("bad.example.com", new ResourceDefinition("v1", "snails", "snail", "Snail", false, List.of(), List.of(), null, broken, null));
        server.groupShares(1, 1);
        serveWidgets();
        server.contributions().addProvider(c(bad, 0, "bad-bundle", Map.of()));
        server.rebuild();
        for (int i = 0; i < 3; i++) {
            FakeHttp.Response failed = create("/apis/bad.example.com/v1/snails", "s" + i);
            assertEquals(500, failed.status, "a failure, not a 429 of a share never given back: " + failed.text());
            com.fasterxml.jackson.databind.JsonNode status = io.kapi.core.json.Json.MAPPER.readTree(failed.text());
            assertEquals("Status", status.path("kind").asText());
            assertEquals("InternalError", status.path("reason").asText());
            assertEquals("Internal error occurred: IllegalStateException: a bug in the group", status.path("message").asText());
            assertEquals(404, call("GET", "/apis/bad.example.com/v1/snails/s" + i, null).status, "nothing stored");
        }
        assertEquals(201, create("/apis/things.example.com/v1/widgets", "w1").status);
    }

    /**
     * A group that leaves (its bundle stopped or updated) is gone for new requests at once, while a write already
     * inside its code finishes on the snapshot it started with and is stored.
     */
    @Test
    void aWriteInFlightWhenItsGroupLeavesFinishes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Strategy slow = waitingFor(entered, release);
        APIGroupProvider leaving = provider("leaving.example.com", new ResourceDefinition("v1", "snails", "snail", "Snail", false, List.of(), List.of(), null, slow, null));
        serveWidgets();
        var contribution = c(leaving, 0, "leaving-bundle", Map.of());
        server.contributions().addProvider(contribution);
        server.rebuild();
        CompletableFuture<FakeHttp.Response> inFlight = CompletableFuture.supplyAsync(() -> create("/apis/leaving.example.com/v1/snails", "s1"));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the write is inside the group's code");
        server.contributions().removeProvider(contribution.serviceId());
        server.rebuild();
        FakeHttp.Response gone = create("/apis/leaving.example.com/v1/snails", "s2");
        // 503 while it may be coming back (a bundle update), kube's 404 only after the 5 s grace
        assertEquals(503, gone.status, "the group is away for new requests: " + gone.text());
        release.countDown();
        FakeHttp.Response done = inFlight.get(30, TimeUnit.SECONDS);
        assertEquals(201, done.status, done.text());
        // the group back (a new version of its bundle): the write made while it left is there, the refused one not
        server.contributions().addProvider(c(provider("leaving.example.com", new ResourceDefinition("v1", "snails", "snail", "Snail",
                false, List.of(), List.of(), null, new Strategy() { }, null)), 0, "leaving-bundle", Map.of()));
        server.rebuild();
        assertEquals(200, call("GET", "/apis/leaving.example.com/v1/snails/s1", null).status);
        assertEquals(404, call("GET", "/apis/leaving.example.com/v1/snails/s2", null).status);
    }

    /** kube's namespace controller reports a group whose deletion fails; the other groups' content still goes. */
    @Test
    void aNamespaceWhoseContentAGroupCannotDeleteSaysSoInItsConditions() throws Exception {
        class Stubborn implements Strategy, io.kapi.api.rest.GracefulDeletion {
            @Override
            public void prepareForDelete(ObjectNode object) {
                throw new IllegalStateException("snails refuse to go");
            }

            @Override
            public boolean keepAfterMark(ObjectNode marked) {
                return true;
            }
        }
        String conditions = deleteNamespaceWith("slow.example.com", new Stubborn());
        assertTrue(conditions.contains("{\"type\":\"NamespaceDeletionContentFailure\",\"status\":\"True\""), conditions);
        assertTrue(conditions.contains("Failed to delete all resource types, 1 remaining: snails refuse to go"), conditions);
        assertTrue(conditions.contains("Some resources are remaining: snails.slow.example.com has 1 resource instances"), conditions);
        assertEquals(404, call("GET", "/apis/things.example.com/v1/namespaces/team/gizmos/g", null).status, "the other group's content went");
    }

    /** A group whose collection delete blocks is reported once its time is up; the other groups' content still goes. */
    @Test
    void aNamespaceWhoseContentAGroupBlocksOnSaysSoInItsConditions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        class Stuck implements Strategy, io.kapi.api.rest.GracefulDeletion {
            @Override
            public void prepareForDelete(ObjectNode object) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean keepAfterMark(ObjectNode marked) {
                return false;
            }
        }
        server.namespaceDeleteTimeout(3);
        try {
            String conditions = deleteNamespaceWith("stuck.example.com", new Stuck());
            assertTrue(conditions.contains("{\"type\":\"NamespaceDeletionContentFailure\",\"status\":\"True\""), conditions);
            assertTrue(conditions.contains("Failed to delete all resource types, 1 remaining: timed out after 3s"), conditions);
            assertTrue(conditions.contains("Some resources are remaining: snails.stuck.example.com has 1 resource instances"), conditions);
            assertEquals(404, call("GET", "/apis/things.example.com/v1/namespaces/team/gizmos/g", null).status, "the other group's content went");
        } finally {
            release.countDown();
        }
    }

    /**
     * Serves gizmos and {@code group}'s snails (with {@code strategy}), puts one of each in namespace team, marks the
     * namespace for deletion and returns it once its conditions report a failure (or after 30 s).
     */
    private String deleteNamespaceWith(String group, Strategy strategy) throws Exception {
        APIGroupProvider snails = provider(group, new ResourceDefinition("v1", "snails", "snail", "Snail", true, List.of(), List.of(), null, strategy, null));
        APIGroupProvider things = provider("things.example.com", new ResourceDefinition("v1", "gizmos", "gizmo", "Gizmo", true, List.of(), List.of(), null, null, null));
        serve(things);
        server.contributions().addProvider(c(snails, 0, group + "-bundle", Map.of()));
        server.rebuild();
        storage.create("/registry/namespaces/team", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}".getBytes());
        assertEquals(201, call("POST", "/apis/" + group + "/v1/namespaces/team/snails", "{\"metadata\":{\"name\":\"s\"}}").status);
        assertEquals(201, call("POST", "/apis/things.example.com/v1/namespaces/team/gizmos", "{\"metadata\":{\"name\":\"g\"}}").status);
        var ns = storage.get("/registry/namespaces/team");
        storage.update("/registry/namespaces/team", ns.modRevision(), ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\","
                + "\"deletionTimestamp\":\"2026-12-05T00:00:00Z\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Terminating\"}}")
                .getBytes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String conditions = "";
        while (System.nanoTime() < deadline) {
            conditions = new String(storage.get("/registry/namespaces/team").value(), java.nio.charset.StandardCharsets.UTF_8);
            if (conditions.contains("ContentDeletionFailed")) {
                break;
            }
            Thread.sleep(20);
        }
        return conditions;
    }

    private FakeHttp.Response create(String path, String name) {
        try {
            return call("POST", path, "{\"metadata\":{\"name\":\"" + name + "\"}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
