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
    @Test
    void aBlockedGroupDoesNotTakeOtherGroupsDown() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Strategy stuck = new Strategy() {
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
        APIGroupProvider slow = provider("slow.example.com", new ResourceDefinition("v1", "snails", "snail", "Snail", true, List.of(), List.of(), null, new Stubborn(), null));
        APIGroupProvider things = provider("things.example.com", new ResourceDefinition("v1", "gizmos", "gizmo", "Gizmo", true, List.of(), List.of(), null, null, null));
        serve(things);
        server.contributions().addProvider(c(slow, 0, "slow-bundle", Map.of()));
        server.rebuild();
        storage.create("/registry/namespaces/team", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}".getBytes());
        assertEquals(201, call("POST", "/apis/slow.example.com/v1/namespaces/team/snails", "{\"metadata\":{\"name\":\"s\"}}").status);
        assertEquals(201, call("POST", "/apis/things.example.com/v1/namespaces/team/gizmos", "{\"metadata\":{\"name\":\"g\"}}").status);
        var ns = storage.get("/registry/namespaces/team");
        storage.update("/registry/namespaces/team", ns.modRevision(), ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\","
                + "\"deletionTimestamp\":\"2026-12-05T00:00:00Z\"},\"status\":{\"phase\":\"Terminating\"}}").getBytes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String conditions = "";
        while (System.nanoTime() < deadline) {
            conditions = new String(storage.get("/registry/namespaces/team").value(), java.nio.charset.StandardCharsets.UTF_8);
            if (conditions.contains("ContentDeletionFailed")) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(conditions.contains("{\"type\":\"NamespaceDeletionContentFailure\",\"status\":\"True\""), conditions);
        assertTrue(conditions.contains("Failed to delete all resource types, 1 remaining: snails refuse to go"), conditions);
        assertTrue(conditions.contains("Some resources are remaining: snails.slow.example.com has 1 resource instances"), conditions);
        assertEquals(404, call("GET", "/apis/things.example.com/v1/namespaces/team/gizmos/g", null).status, "the other group's content went");
    }

    private FakeHttp.Response create(String path, String name) {
        try {
            return call("POST", path, "{\"metadata\":{\"name\":\"" + name + "\"}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
