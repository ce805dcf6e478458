package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pods/binding and pods/eviction on the generic store and the embedded store: kube's binding rules
 * and conflicts; evictions that delete, and the disruption budget that refuses them (kube's 429 with
 * its cause) or gives one disruption.
 */
class PodSubresourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    GenericStore pods;
    PodBindingRest binding;
    PodEvictionRest eviction;
    final RequestContext ctx = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, "test");
    final RequestContext dry = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), true, "test");

    @BeforeEach
    void setUp() throws Exception {
        storage = EmbeddedStorage.open(dir);
        ResourceMeta meta = new ResourceMeta("", "v1", "pods", "Pod", true);
        pods = new GenericStore(meta, new PodStrategy(), storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN,
                new GenericStore.Options(null, true, null));
        binding = new PodBindingRest(storage, meta.keyPrefix());
        eviction = new PodEvictionRest(storage, pods);
        pods.create(ctx, json("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static ObjectNode bind(String pod, String node) throws Exception {
        return json("{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod + "\"},"
                + "\"target\":{\"kind\":\"Node\",\"name\":\"" + node + "\"}}");
    }

    /**
     * pods/ephemeralcontainers (what {@code kubectl debug} patches): a write adds ephemeral containers, defaulted as
     * containers, and nothing else it carries is kept; the ones there already may be neither changed nor removed.
     */
    @Test
    void ephemeralContainersAreAddedAndNothingElseChanges() throws Exception {
        ResourceMeta meta = new ResourceMeta("", "v1", "pods", "Pod", true);
        io.kapi.machinery.apply.FieldManager fields = CoreGroupProvider.fieldManager("io.k8s.api.core.v1.Pod");
        PodEphemeralContainersRest debug = new PodEphemeralContainersRest(new GenericStore(meta, new PodEphemeralContainersStrategy(),
                storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null)), fields);
        pods.delete(ctx, "web", json("{\"gracePeriodSeconds\":0}"));
        ObjectNode pod = json("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        fields.update(null, pod, "kubectl-run", "2026-12-07T12:00:00Z");
        pods.create(ctx, pod);
        ObjectNode added = debug.update(ctx, "web", current -> {
            ObjectNode w = current.deepCopy();
            w.with("spec").putArray("ephemeralContainers").addObject().put("name", "dbg").put("image", "busybox")
                    .put("terminationMessagePolicy", "File").putArray("command").add("sh");
            ((ObjectNode) w.at("/spec/containers/0")).put("image", "other");
            w.with("metadata").with("labels").put("app", "changed");
            w.with("status").put("phase", "Running");
            return w;
        }).object();
        JsonNode dbg = added.at("/spec/ephemeralContainers/0");
        assertEquals("dbg", dbg.path("name").asText());
        assertEquals("Always", dbg.path("imagePullPolicy").asText(), "defaulted as a container is");
        assertEquals("/dev/termination-log", dbg.path("terminationMessagePath").asText());
        assertEquals("nginx", added.at("/spec/containers/0/image").asText(), "the rest of the spec is the stored one");
        assertEquals("web", added.at("/metadata/labels/app").asText());
        assertEquals("Pending", added.at("/status/phase").asText());
        assertEquals(2, added.at("/metadata/managedFields").size());
        JsonNode entry = added.at("/metadata/managedFields/1");
        assertEquals("test", entry.path("manager").asText());
        assertEquals("ephemeralcontainers", entry.path("subresource").asText());
        List<String> recorded = new java.util.ArrayList<>();
        entry.path("fieldsV1").fieldNames().forEachRemaining(recorded::add);
        assertEquals(List.of("f:spec"), recorded, "only the ephemeral containers are recorded");
        assertTrue(entry.at("/fieldsV1/f:spec/f:ephemeralContainers").has("k:{\"name\":\"dbg\"}"), entry.toString());
        assertEquals(added, pods.get(ctx, "web", null));

        StatusException changed = assertThrows(StatusException.class, () -> debug.update(ctx, "web", current -> {
            ObjectNode w = current.deepCopy();
            ((ObjectNode) w.at("/spec/ephemeralContainers/0")).put("image", "alpine");
            return w;
        }));
        assertEquals(422, changed.code());
        assertEquals("Pod \"web\" is invalid: spec.ephemeralContainers[dbg]: Forbidden: existing ephemeral containers \"dbg\" "
                + "may not be changed\n", changed.getMessage());
        StatusException removed = assertThrows(StatusException.class, () -> debug.update(ctx, "web", current -> {
            ObjectNode w = current.deepCopy();
            w.with("spec").remove("ephemeralContainers");
            return w;
        }));
        assertEquals("Pod \"web\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" "
                + "may not be removed\n", removed.getMessage());
        StatusException invalid = assertThrows(StatusException.class, () -> debug.update(ctx, "web", current -> {
            ObjectNode w = current.deepCopy();
            ((com.fasterxml.jackson.databind.node.ArrayNode) w.at("/spec/ephemeralContainers")).addObject().put("name", "c")
                    .put("image", "busybox").put("terminationMessagePolicy", "File");
            return w;
        }));
        assertTrue(invalid.getMessage().contains("spec.ephemeralContainers[1].name: Duplicate value: \"c\""), invalid.getMessage());
        assertEquals(404, assertThrows(StatusException.class, () -> debug.update(ctx, "none", current -> current)).code());
    }

    @Test
    void aBindingAssignsThePodOnceAndMarksItScheduled() throws Exception {
        ObjectNode ok = binding.create(ctx, "web", bind("web", "node-1"));
        assertEquals("Success", ok.path("status").asText());
        JsonNode pod = pods.get(ctx, "web", null);
        assertEquals("node-1", pod.at("/spec/nodeName").asText());
        assertEquals("PodScheduled", pod.at("/status/conditions/0/type").asText());
        assertEquals("True", pod.at("/status/conditions/0/status").asText());
        StatusException again = assertThrows(StatusException.class, () -> binding.create(ctx, "web", bind("web", "node-2")));
        assertEquals(409, again.code());
        assertEquals("Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node-1\"",
                again.getMessage());
    }

    /** core/v1 bindings (kube's legacy binding): the pod named by the Binding is bound as through pods/binding. */
    @Test
    void theLegacyBindingsResourceBindsThePodItNames() throws Exception {
        LegacyBindingRest legacy = new LegacyBindingRest(binding);
        StatusException missing = assertThrows(StatusException.class, () -> legacy.create(ctx, bind("nope", "n")));
        assertEquals(404, missing.code());
        assertEquals("pods \"nope\" not found", missing.getMessage());
        assertEquals("Success", legacy.create(ctx, bind("web", "node-3")).path("status").asText());
        assertEquals("node-3", pods.get(ctx, "web", null).at("/spec/nodeName").asText());
        assertEquals(409, assertThrows(StatusException.class, () -> legacy.create(ctx, bind("web", "node-4"))).code());
    }

    @Test
    void aBindingIsCheckedAsKubeChecksIt() throws Exception {
        StatusException name = assertThrows(StatusException.class, () -> binding.create(ctx, "web", bind("other", "n")));
        assertEquals("name in URL does not match name in Binding object", name.getMessage());
        ObjectNode bad = json("{\"metadata\":{\"name\":\"web\"},\"target\":{\"kind\":\"Pod\"}}");
        StatusException invalid = assertThrows(StatusException.class, () -> binding.create(ctx, "web", bad));
        assertEquals("Binding \"web\" is invalid: [target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\", "
                + "target.name: Required value]", invalid.getMessage());
        assertEquals(404, assertThrows(StatusException.class, () -> binding.create(ctx, "nope", bind("nope", "n"))).code());
        // a dry run assigns nothing
        binding.create(dry, "web", bind("web", "node-1"));
        assertTrue(pods.get(ctx, "web", null).at("/spec/nodeName").isMissingNode());
    }

    private static ObjectNode evict(String pod) throws Exception {
        return json("{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\"}}");
    }

    private void running() {
        // the status subresource writes the phase in kube; here the stored object is set directly
        try {
            ObjectNode stored = (ObjectNode) JSON.readTree(storage.get("/registry/pods/default/web").value());
            stored.with("status").put("phase", "Running");
            stored.with("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
            var kv = storage.get("/registry/pods/default/web");
            storage.update(kv.key(), kv.modRevision(), JSON.writeValueAsBytes(stored));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private void budget(String name, String status) {
        String pdb = "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"generation\":1},\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":"
                + "{\"app\":\"web\"}}},\"status\":" + status + "}";
        storage.create(PodEvictionRest.BUDGETS + "default/" + name, pdb.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPodWithoutABudgetIsEvicted() throws Exception {
        running();
        assertEquals("Success", eviction.create(ctx, "web", evict("web")).path("status").asText());
        assertEquals(404, assertThrows(StatusException.class, () -> pods.get(ctx, "web", null)).code());
    }

    @Test
    void aBudgetThatAllowsNoDisruptionRefusesWith429() throws Exception {
        running();
        budget("web-pdb", "{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"currentHealthy\":1,\"desiredHealthy\":1,"
                + "\"expectedPods\":1}");
        StatusException refused = assertThrows(StatusException.class, () -> eviction.create(ctx, "web", evict("web")));
        assertEquals(429, refused.code());
        assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", refused.getMessage());
        assertEquals("DisruptionBudget", refused.causes().get(0).type());
        assertEquals("The disruption budget web-pdb needs 1 healthy pods and has 1 currently", refused.causes().get(0).message());
        pods.get(ctx, "web", null);
    }

    @Test
    void aBudgetNotProcessedYetRefusesAndOneWithRoomGivesOneDisruption() throws Exception {
        running();
        budget("fresh", "{}");
        StatusException refused = assertThrows(StatusException.class, () -> eviction.create(ctx, "web", evict("web")));
        assertEquals("The disruption budget fresh is still being processed by the server.", refused.causes().get(0).message());
        assertEquals(10, refused.retryAfterSeconds());
        storage.delete(PodEvictionRest.BUDGETS + "default/fresh", 0);
        budget("room", "{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"currentHealthy\":2,\"desiredHealthy\":1}");
        eviction.create(ctx, "web", evict("web"));
        JsonNode pdb = JSON.readTree(storage.get(PodEvictionRest.BUDGETS + "default/room").value());
        assertEquals(0, pdb.at("/status/disruptionsAllowed").asInt());
        assertTrue(pdb.at("/status/disruptedPods").has("web"));
        assertEquals(404, assertThrows(StatusException.class, () -> pods.get(ctx, "web", null)).code());
    }

    @Test
    void aPendingPodIsEvictedWhateverItsBudgetSays() throws Exception {
        budget("web-pdb", "{\"observedGeneration\":1,\"disruptionsAllowed\":0}");
        eviction.create(ctx, "web", evict("web"));
        assertEquals(404, assertThrows(StatusException.class, () -> pods.get(ctx, "web", null)).code());
    }

    private PodConnections connection(PodConnections.Kind kind) {
        return new PodConnections(kind, pods, storage);
    }

    @Test
    void logsExecAttachAndPortForwardAsKubeAnswersThemWithoutAKubelet() throws Exception {
        // a pod no scheduler placed: an empty log, and kube's 400 for the rest
        PodConnections.Kind[] streams = {PodConnections.Kind.EXEC, PodConnections.Kind.ATTACH, PodConnections.Kind.PORTFORWARD};
        assertEquals(0, connection(PodConnections.Kind.LOG).connect(ctx, "web", "GET", java.util.Map.of()).body().length);
        for (PodConnections.Kind k : streams) {
            StatusException e = assertThrows(StatusException.class, () -> connection(k).connect(ctx, "web", "POST", java.util.Map.of()));
            assertEquals(400, e.code());
            assertEquals("pod web does not have a host assigned", e.getMessage());
        }
        StatusException wrong = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.EXEC)
                .connect(ctx, "web", "POST", java.util.Map.of("container", List.of("nope"))));
        assertEquals("container nope is not valid for pod web", wrong.getMessage());
        StatusException tail = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.LOG)
                .connect(ctx, "web", "GET", java.util.Map.of("tailLines", List.of("-1"), "limitBytes", List.of("0"))));
        assertEquals("PodLogOptions \"web\" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, "
                + "limitBytes: Invalid value: 0: must be greater than 0]", tail.getMessage());
        assertEquals(404, assertThrows(StatusException.class, () -> connection(PodConnections.Kind.LOG)
                .connect(ctx, "nope", "GET", java.util.Map.of())).code());
        // placed on a node that does not exist, then on one that does: no kubelet to reach
        binding.create(ctx, "web", bind("web", "n1"));
        StatusException noNode = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.LOG)
                .connect(ctx, "web", "GET", java.util.Map.of()));
        assertEquals("nodes \"n1\" not found", noNode.getMessage());
        storage.create("/registry/nodes/n1", "{\"metadata\":{\"name\":\"n1\"}}".getBytes(StandardCharsets.UTF_8));
        // a node without an address: kube's kubelet connection info fails with its plain 500
        StatusException noAddress = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.EXEC)
                .connect(ctx, "web", "POST", java.util.Map.of()));
        assertEquals(500, noAddress.code());
        assertEquals("no preferred addresses found; known addresses: []", noAddress.getMessage());
        // a node with one: no kubelet to reach there
        storage.update("/registry/nodes/n1", storage.get("/registry/nodes/n1").modRevision(),
                ("{\"metadata\":{\"name\":\"n1\"},\"status\":{\"addresses\":"
                + "[{\"type\":\"InternalIP\",\"address\":\"10.0.0.7\"}]}}").getBytes(StandardCharsets.UTF_8));
        StatusException noKubelet = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.LOG)
                .connect(ctx, "web", "GET", java.util.Map.of()));
        assertEquals(503, noKubelet.code());
        assertTrue(noKubelet.getMessage().contains("10.0.0.7"), noKubelet.getMessage());
    }

    @Test
    void aPodOfSeveralContainersNeedsOneNamed() throws Exception {
        pods.create(ctx, json("{\"metadata\":{\"name\":\"two\"},\"spec\":{\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],"
                + "\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"},{\"name\":\"b\",\"image\":\"nginx\"}]}}"));
        StatusException e = assertThrows(StatusException.class, () -> connection(PodConnections.Kind.LOG)
                .connect(ctx, "two", "GET", java.util.Map.of()));
        assertEquals("a container name must be specified for pod two, choose one of: [init a b]", e.getMessage());
        assertEquals(0, connection(PodConnections.Kind.LOG).connect(ctx, "two", "GET", java.util.Map.of("container", List.of("init")))
                .body().length);
    }
}
