package io.kapi.group.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHookContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The aggregation controller in process: follows changes, lists again when its watch ends, stops cleanly. */
class ClusterRoleAggregatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestContext CTX = LoopbackClient.context("");
    private final MemoryStore store = new MemoryStore("clusterroles", new RoleStrategy(false), null);
    private ClusterRoleAggregator aggregator;

    @AfterEach
    void stop() {
        if (aggregator != null) {
            aggregator.close();
        }
    }

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    private void role(String name, String labels, String... resources) throws Exception {
        StringBuilder rules = new StringBuilder();
        for (String r : resources) {
            rules.append(rules.length() == 0 ? "" : ",").append("{'apiGroups':[''],'resources':['").append(r).append("'],'verbs':['get']}");
        }
        store.create(CTX, obj("{'kind':'ClusterRole','metadata':{'name':'" + name + "','labels':{" + labels + "}},'rules':[" + rules + "]}"));
    }

    private List<String> rulesOf(String name) {
        List<String> out = new ArrayList<>();
        ObjectNode o;
        synchronized (store) {
            o = store.objects.get(name);
        }
        if (o != null) {
            o.path("rules").forEach(r -> out.add(r.at("/resources/0").asText()));
        }
        return out;
    }

    private void await(Supplier<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.get() && aggregator.idle() && condition.get()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private void awaitRules(String name, List<String> expected) throws Exception {
        await(() -> rulesOf(name).equals(expected), name + " to have " + expected + " (has " + rulesOf(name) + ")");
    }

    @Test
    void followsNewChangedAndRemovedRolesAndStopsCleanly() throws Exception {
        store.create(CTX, obj("{'kind':'ClusterRole','metadata':{'name':'agg'},"
                + "'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'to-agg':'true'}}]}}"));
        role("r1", "'to-agg':'true'", "pods");
        role("unrelated", "'other':'true'", "secrets");
        aggregator = new ClusterRoleAggregator(() -> store, 20);
        aggregator.start();
        awaitRules("agg", List.of("pods"));

        role("r2", "'to-agg':'true'", "services", "pods");
        awaitRules("agg", List.of("pods", "services"));

        store.update(CTX, "r1", r -> {
            ((ObjectNode) r.at("/rules/0")).putArray("resources").add("nodes");
            return r;
        });
        awaitRules("agg", List.of("nodes", "services", "pods"));

        store.delete(CTX, "r2", null);
        awaitRules("agg", List.of("nodes"));
        int writes = store.writes.size();
        Thread.sleep(50);
        assertEquals(writes, store.writes.size(), "a role already aggregated is not written again");

        aggregator.close();
        assertTrue(aggregator.terminated());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("kapi-clusterrole-aggregation")),
                "no thread left");
        assertTrue(store.watchers.isEmpty(), "its watch is closed");
        role("r3", "'to-agg':'true'", "configmaps");
        Thread.sleep(50);
        assertEquals(List.of("nodes"), rulesOf("agg"), "stopped: nothing follows");
    }

    @Test
    void listsAgainWhenItsWatchEndsOrItsStoreIsNotThere() throws Exception {
        store.create(CTX, obj("{'kind':'ClusterRole','metadata':{'name':'agg'},"
                + "'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'to-agg':'true'}}]}}"));
        AtomicInteger lookups = new AtomicInteger();
        Supplier<RestStore> flaky = () -> {
            if (lookups.incrementAndGet() <= 2) {
                throw StatusException.notFound(Rbac.GROUP, "clusterroles", "");
            }
            return store;
        };
        aggregator = new ClusterRoleAggregator(flaky, 20);
        aggregator.start();
        role("r1", "'to-agg':'true'", "pods");
        awaitRules("agg", List.of("pods"));
        assertTrue(lookups.get() >= 3, "looked up again after the 404s");

        store.endWatches();
        // made while no watch is open: only a new list sees it
        role("r2", "'to-agg':'true'", "services");
        awaitRules("agg", List.of("pods", "services"));
        assertFalse(store.watchers.isEmpty(), "watching again");
    }

    @Test
    void theHookStartsOneControllerAndItsDeactivationStopsIt() throws Exception {
        store.create(CTX, obj("{'kind':'ClusterRole','metadata':{'name':'agg'},"
                + "'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'to-agg':'true'}}]}}"));
        role("r1", "'to-agg':'true'", "pods");
        ClusterRoleAggregation hook = new ClusterRoleAggregation(null);
        PostStartHookContext context = () -> (group, version, resource) -> store;
        hook.run(context);
        hook.run(context);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!rulesOf("agg").equals(List.of("pods")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("pods"), rulesOf("agg"));
        assertEquals(1, store.watchers.size(), "one controller, one watch");
        hook.stop();
        assertTrue(store.watchers.isEmpty());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("kapi-clusterrole-aggregation")));
        hook.run(context);
        assertTrue(store.watchers.isEmpty(), "not started again once stopped");
    }
}
