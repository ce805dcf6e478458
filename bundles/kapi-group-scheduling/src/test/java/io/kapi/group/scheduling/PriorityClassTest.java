package io.kapi.group.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHookContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** scheduling.k8s.io/v1 PriorityClasses, with the cases of kube's scheduling validation_test.go. */
class PriorityClassTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestContext CTX = new RequestContext("", UserInfo.ANONYMOUS, false, null);
    private final PriorityClassStrategy strategy = new PriorityClassStrategy(SchedulingGroupProvider.OPENAPI);

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static ObjectNode pc(String name, long value) throws Exception {
        return obj("{\"metadata\":{\"name\":\"" + name + "\"},\"value\":" + value + "}");
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private List<String> validate(ObjectNode o) {
        strategy.applyDefaults(o);
        return messages(strategy.validate(o));
    }

    @Test
    void definitionIsKubes() {
        ResourceDefinition def = new SchedulingGroupProvider().resources().get(0);
        assertEquals("priorityclasses", def.plural());
        assertEquals("priorityclass", def.singular());
        assertEquals(List.of("pc"), def.shortNames());
        assertTrue(!def.namespaced());
        assertEquals("scheduling.k8s.io", new SchedulingGroupProvider().group());
        assertTrue(def.storage() != null && def.strategy() != null);
    }

    @Test
    void defaultsArePreemptLowerPriorityAndAZeroValue() throws Exception {
        ObjectNode o = obj("{\"metadata\":{\"name\":\"x\"}}");
        strategy.applyDefaults(o);
        assertEquals("PreemptLowerPriority", o.path("preemptionPolicy").asText());
        assertEquals(0, o.path("value").asLong(-1));
        ObjectNode never = obj("{\"metadata\":{\"name\":\"x\"},\"value\":3,\"preemptionPolicy\":\"Never\"}");
        strategy.applyDefaults(never);
        assertEquals("Never", never.path("preemptionPolicy").asText());
        assertEquals(3, never.path("value").asLong());
        assertTrue(strategy.tracksGeneration(), "kube sets generation 1 on create");
        assertTrue(strategy.allowUnconditionalUpdate());
        assertEquals(null, strategy.validateName("tier1", false), "a DNS subdomain, the store's default");
    }

    @Test
    void kubesValidationCases() throws Exception {
        // successCases of TestValidatePriorityClass
        assertEquals(List.of(), validate(pc("tier1", 100)));
        assertEquals(List.of(), validate(obj("{\"metadata\":{\"name\":\"tier1\"},\"value\":200,\"description\":\"Used for the highest priority pods.\"}")));
        assertEquals(List.of(), validate(obj("{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":2000001000,\"description\":\"system priority class 0\"}")));
        assertEquals(List.of(), validate(pc("low", -2147483648L)), "any int32 below the limit");
        assertEquals(List.of(), validate(pc("top", 1000000000)));
        // errorCases
        assertEquals(List.of("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
                + "error: value of system-node-critical PriorityClass must be 2000001000"), validate(pc("system-node-critical", 0)));
        assertEquals(List.of("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
                + "error: system-something is not a known system priority class"), validate(pc("system-something", 2000001000)));
        assertEquals(List.of("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
                + "error: globalDefault of system-cluster-critical PriorityClass must be false"),
                validate(obj("{\"metadata\":{\"name\":\"system-cluster-critical\"},\"value\":2000000000,\"globalDefault\":true}")));
        assertEquals(List.of("value: Forbidden: maximum allowed value of a user defined priority is 1000000000"),
                validate(pc("tier1", 1000000001)));
        assertEquals(List.of("preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\""),
                validate(obj("{\"metadata\":{\"name\":\"p\"},\"value\":1,\"preemptionPolicy\":\"Sometimes\"}")));
        assertEquals(List.of("preemptionPolicy: Required value"),
                validate(obj("{\"metadata\":{\"name\":\"p\"},\"value\":1,\"preemptionPolicy\":\"\"}")));
    }

    @Test
    void kubesUpdateCases() throws Exception {
        ObjectNode old = pc("tier1", 100);
        strategy.applyDefaults(old);
        ObjectNode description = old.deepCopy().put("description", "Used for the highest priority pods.");
        assertEquals(List.of(), messages(strategy.validateUpdate(description, old)));
        assertEquals(List.of(), messages(strategy.validateUpdate(old.deepCopy().put("globalDefault", true), old)));
        assertEquals(List.of("value: Forbidden: may not be changed in an update."),
                messages(strategy.validateUpdate(old.deepCopy().put("value", 101), old)));
        assertEquals(List.of("preemptionPolicy: Invalid value: \"Never\": field is immutable"),
                messages(strategy.validateUpdate(old.deepCopy().put("preemptionPolicy", "Never"), old)));
        // kube's ValidateUpdate is ValidatePriorityClassUpdate alone: the create-time rules are not run again
        ObjectNode tooHigh = pc("tier1", 2000000000);
        assertEquals(List.of(), messages(strategy.validateUpdate(tooHigh.deepCopy().put("description", "d"), tooHigh)));
    }

    @Test
    void printerIsKubes() throws Exception {
        ObjectNode o = obj("{\"metadata\":{\"name\":\"high\",\"creationTimestamp\":\"2020-01-01T00:00:00Z\"},\"value\":1000,\"globalDefault\":true}");
        strategy.applyDefaults(o);
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Name", "Value", "Global-Default", "Age", "PreemptionPolicy"), columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of("string", "integer", "boolean", "string", "string"), columns.stream().map(TableColumn::type).toList());
        assertTrue(columns.stream().allMatch(c -> c.priority() == 0), "kube's PreemptionPolicy column is shown without -o wide");
        assertEquals("value represents the integer value of this priority class. This is the actual priority that pods receive "
                + "when they have the name of this class in their pod spec.", columns.get(1).description());
        List<Object> cells = strategy.table().cells(o);
        assertEquals(List.of("high", 1000L, true, "PreemptLowerPriority"), List.of(cells.get(0), cells.get(1), cells.get(2), cells.get(4)));
        assertTrue(!"<unknown>".equals(cells.get(3)), "AGE from creationTimestamp");
    }

    // ---- what kube does beyond the strategy

    private PriorityClassRest rest(MemoryStore store) {
        return new PriorityClassRest(store, strategy);
    }

    @Test
    void systemClassesAreNeverDeleted() throws Exception {
        MemoryStore store = new MemoryStore(strategy);
        PriorityClassRest rest = rest(store);
        StatusException e = assertThrows(StatusException.class, () -> rest.delete(CTX, "system-node-critical", null));
        assertEquals(403, e.code());
        assertEquals("Forbidden", e.reason());
        assertEquals("priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class "
                + "and cannot be deleted", e.getMessage());
        assertEquals("priorityclasses", e.kind());
        rest.create(CTX, pc("user", 5));
        assertEquals("user", rest.delete(CTX, "user", null).object().path("metadata").path("name").asText());
    }

    @Test
    void onlyOneGlobalDefault() throws Exception {
        MemoryStore store = new MemoryStore(strategy);
        PriorityClassRest rest = rest(store);
        rest.create(CTX, pc("first", 10).put("globalDefault", true));
        rest.create(CTX, pc("second", 20));
        StatusException e = assertThrows(StatusException.class, () -> rest.create(CTX, pc("third", 30).put("globalDefault", true)));
        assertEquals(403, e.code());
        assertEquals("priorityclasses.scheduling.k8s.io \"third\" is forbidden: PriorityClass first is already marked as default. "
                + "Only one default can exist", e.getMessage());
        // an update marking another class default is refused; the default itself may be written again
        StatusException u = assertThrows(StatusException.class,
                () -> rest.update(CTX, "second", cur -> cur.put("globalDefault", true)));
        assertEquals("priorityclasses.scheduling.k8s.io \"second\" is forbidden: PriorityClass first is already marked as default. "
                + "Only one default can exist", u.getMessage());
        rest.update(CTX, "first", cur -> cur.put("description", "d"));
        assertEquals("d", store.objects.get("first").path("description").asText());
        // an invalid write gets its 422 first, as kube's admission runs after validation
        StatusException invalid = assertThrows(StatusException.class,
                () -> rest.create(CTX, pc("fourth", 2000000000).put("globalDefault", true)));
        assertEquals(422, invalid.code());
        StatusException immutable = assertThrows(StatusException.class,
                () -> rest.update(CTX, "second", cur -> cur.put("globalDefault", true).put("value", 21)));
        assertEquals(422, immutable.code());
        // of two defaults (a race), kube's plugin names the one of lowest value
        store.objects.get("second").put("globalDefault", true).put("value", 5);
        StatusException race = assertThrows(StatusException.class, () -> rest.update(CTX, "first", cur -> cur.put("description", "e")));
        assertTrue(race.getMessage().contains("PriorityClass second is already marked"), race.getMessage());
        // without a default, a new one is fine
        store.objects.clear();
        rest.create(CTX, pc("only", 1).put("globalDefault", true));
    }

    // ---- the post-start hook

    @Test
    void hookCreatesKubesSystemClassesOnce() throws Exception {
        MemoryStore store = new MemoryStore(strategy);
        List<String> asked = new ArrayList<>();
        PostStartHookContext context = () -> (group, version, resource) -> {
            asked.add(group + "/" + version + "/" + resource);
            return (RestStore) store;
        };
        SystemPriorityClasses hook = new SystemPriorityClasses();
        assertEquals("scheduling/bootstrap-system-priority-classes", hook.name());
        hook.run(context);
        assertEquals(List.of("scheduling.k8s.io/v1/priorityclasses"), asked);
        assertEquals(List.of("system-node-critical", "system-cluster-critical"), List.copyOf(store.objects.keySet()));
        ObjectNode node = store.objects.get("system-node-critical");
        assertEquals(2000001000L, node.path("value").asLong());
        assertEquals("Used for system critical pods that must not be moved from their current node.", node.path("description").asText());
        assertEquals("PreemptLowerPriority", node.path("preemptionPolicy").asText());
        assertTrue(!node.has("globalDefault") || !node.path("globalDefault").asBoolean());
        ObjectNode cluster = store.objects.get("system-cluster-critical");
        assertEquals(2000000000L, cluster.path("value").asLong());
        assertEquals("Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
                cluster.path("description").asText());

        // again: both exist, nothing is created; a class changed meanwhile is left as it is
        cluster.put("description", "changed");
        store.calls.clear();
        hook.run(context);
        assertEquals(List.of("get system-node-critical", "get system-cluster-critical"), store.calls);
        assertEquals("changed", store.objects.get("system-cluster-critical").path("description").asText());

        // one created by someone else between the read and the create is fine
        MemoryStore racing = new MemoryStore(strategy) {
            @Override
            public ObjectNode create(RequestContext ctx, ObjectNode input) {
                super.create(ctx, input);
                throw StatusException.alreadyExists(SchedulingGroupProvider.GROUP, "priorityclasses", "x");
            }
        };
        hook.run(() -> (g, v, r) -> racing);
        assertEquals(2, racing.objects.size());

        // any other failure fails the hook (kube's retries, then gives up)
        StatusException down = assertThrows(StatusException.class,
                () -> hook.run(() -> (LoopbackClient) (g, v, r) -> {
                    throw StatusException.notFound(g, r, "");
                }));
        assertEquals(404, down.code());
    }
}
