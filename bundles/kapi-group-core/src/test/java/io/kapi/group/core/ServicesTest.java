package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Services on the generic store and the embedded store, as they are served: kube's defaults, cluster
 * IP and node port allocation with kube's errors, release on delete, failure and type change, the
 * immutable cluster IP, dry runs that reserve nothing, stale reservations repaired.
 */
class ServicesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    ServiceRest services;
    final RequestContext ctx = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), false, "test");
    final RequestContext dry = new RequestContext("default", new UserInfo("admin", "", List.of("system:masters")), true, "test");

    @BeforeEach
    void setUp() {
        storage = EmbeddedStorage.open(dir);
        ServiceStrategy strategy = new ServiceStrategy();
        GenericStore store = new GenericStore(new ResourceMeta("", "v1", "services", "Service", true), strategy, storage,
                NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, true, null));
        services = new ServiceRest(store, strategy, storage, ServiceCidr.parse("10.96.0.0/12"), 30000, 32767);
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private static ObjectNode svc(String name, String spec) throws Exception {
        return (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
    }

    /** Who holds the reservation of a cluster IP (the value also says when it was reserved). */
    private String owner(String ip) {
        return new String(storage.get(ServiceAllocator.IP_PREFIX + ip).value(), StandardCharsets.UTF_8).split("\n")[0];
    }

    @Test
    void aFreshReservationOfAServiceBeingWrittenIsNotTakenOver() throws Exception {
        // another create reserved it a moment ago and has not stored its Service yet
        storage.create(ServiceAllocator.IP_PREFIX + "10.96.0.40", ("default/inflight\n" + System.currentTimeMillis())
                .getBytes(StandardCharsets.UTF_8));
        StatusException taken = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("late", "{\"clusterIP\":\"10.96.0.40\",\"ports\":[{\"port\":80}]}")));
        assertTrue(taken.getMessage().contains("provided IP is already allocated"), taken.getMessage());
    }

    @Test
    void aRequestedHealthCheckPortIsReservedAndDroppedWithItsPolicy() throws Exception {
        ObjectNode lb = services.create(ctx, svc("lb", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\","
                + "\"healthCheckNodePort\":30500,\"ports\":[{\"port\":80}]}"));
        assertEquals(30500, lb.at("/spec/healthCheckNodePort").asInt());
        StatusException taken = assertThrows(StatusException.class, () -> services.create(ctx,
                svc("np", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30500}]}")));
        assertTrue(taken.getMessage().contains("provided port is already allocated"), taken.getMessage());
        ObjectNode cluster = services.update(ctx, "lb", old -> {
            ObjectNode next = old.deepCopy();
            next.with("spec").put("externalTrafficPolicy", "Cluster");
            return next;
        }).object();
        assertTrue(cluster.at("/spec/healthCheckNodePort").isMissingNode(), cluster.toString());
        assertNull(storage.get(ServiceAllocator.PORT_PREFIX + "30500"), "given back");
    }

    private static final String WEB = "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}";

    @Test
    void aClusterIpServiceGetsKubesDefaultsAndAnAddressFromTheDynamicPart() throws Exception {
        ObjectNode created = services.create(ctx, svc("web", WEB));
        String ip = created.at("/spec/clusterIP").asText();
        assertEquals(ip, created.at("/spec/clusterIPs/0").asText());
        long v = ServiceCidr.toLong(ip);
        assertTrue(v > ServiceCidr.toLong("10.96.1.0") && v < ServiceCidr.toLong("10.111.255.255"), ip);
        assertEquals("[\"IPv4\"]", created.at("/spec/ipFamilies").toString());
        assertEquals("SingleStack", created.at("/spec/ipFamilyPolicy").asText());
        assertEquals("None", created.at("/spec/sessionAffinity").asText());
        assertEquals("Cluster", created.at("/spec/internalTrafficPolicy").asText());
        assertEquals("ClusterIP", created.at("/spec/type").asText());
        assertEquals("{\"port\":80,\"protocol\":\"TCP\",\"targetPort\":80}", created.at("/spec/ports/0").toString());
        assertEquals("{\"loadBalancer\":{}}", created.get("status").toString());
        assertTrue(created.at("/spec/externalTrafficPolicy").isMissingNode());
    }

    @Test
    void requestedAddressesAndPortsAreReservedOnceAndReleasedOnDelete() throws Exception {
        services.create(ctx, svc("a", "{\"clusterIP\":\"10.96.0.10\",\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"));
        StatusException taken = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("b", "{\"clusterIP\":\"10.96.0.10\",\"ports\":[{\"port\":80}]}")));
        assertEquals(422, taken.code());
        assertEquals("Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: failed to allocate IP "
                + "10.96.0.10: provided IP is already allocated", taken.getMessage());
        StatusException outside = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("b", "{\"clusterIP\":\"192.168.1.5\",\"ports\":[{\"port\":80}]}")));
        assertEquals("Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"192.168.1.5\"}: failed to allocate IP "
                + "192.168.1.5: provided IP 192.168.1.5 is not in the valid range", outside.getMessage());
        StatusException port = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("b", "{\"type\":\"NodePort\",\"ports\":[{\"port\":81,\"nodePort\":30080}]}")));
        assertEquals("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
                port.getMessage());
        StatusException range = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("b", "{\"type\":\"NodePort\",\"ports\":[{\"port\":81,\"nodePort\":80}]}")));
        assertEquals("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
                + "The range of valid ports is 30000-32767", range.getMessage());
        // the failed creates gave back what they had taken: b's address is free again
        ObjectNode b = services.create(ctx, svc("b", "{\"type\":\"NodePort\",\"ports\":[{\"port\":81}]}"));
        long p = b.at("/spec/ports/0/nodePort").asLong();
        assertTrue(p >= 30086 && p <= 32767, "dynamic node ports come from above kube's static block: " + p);

        services.delete(ctx, "a", null);
        ObjectNode again = services.create(ctx, svc("c", "{\"clusterIP\":\"10.96.0.10\",\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"));
        assertEquals("10.96.0.10", again.at("/spec/clusterIP").asText());
    }

    @Test
    void aFailedCreateGivesBackWhatItReserved() throws Exception {
        StatusException invalid = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("bad", "{\"clusterIP\":\"10.96.0.20\",\"ports\":[{\"port\":0}]}")));
        assertEquals(422, invalid.code());
        assertTrue(invalid.getMessage().contains("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
                invalid.getMessage());
        assertNull(storage.get(ServiceAllocator.IP_PREFIX + "10.96.0.20"), "released");
        services.create(ctx, svc("good", "{\"clusterIP\":\"10.96.0.20\",\"ports\":[{\"port\":80}]}"));
        // a create of an existing name does not give back the existing Service's address
        assertThrows(StatusException.class, () -> services.create(ctx, svc("good", "{\"clusterIP\":\"10.96.0.20\",\"ports\":[{\"port\":80}]}")));
        assertEquals("default/good", owner("10.96.0.20"));
    }

    @Test
    void typeChangesAllocateAndReleaseAndTheClusterIpIsImmutable() throws Exception {
        ObjectNode created = services.create(ctx, svc("web", WEB));
        ObjectNode asNodePort = services.update(ctx, "web", old -> {
            ObjectNode next = old.deepCopy();
            next.with("spec").put("type", "NodePort");
            return next;
        }).object();
        long nodePort = asNodePort.at("/spec/ports/0/nodePort").asLong();
        assertTrue(nodePort >= 30000, asNodePort.toString());
        assertEquals("Cluster", asNodePort.at("/spec/externalTrafficPolicy").asText());
        assertEquals(created.at("/spec/clusterIP"), asNodePort.at("/spec/clusterIP"));
        ObjectNode back = services.update(ctx, "web", old -> {
            ObjectNode next = old.deepCopy();
            next.with("spec").put("type", "ClusterIP");
            return next;
        }).object();
        assertTrue(back.at("/spec/ports/0/nodePort").isMissingNode(), back.toString());
        assertTrue(back.at("/spec/externalTrafficPolicy").isMissingNode());
        assertNull(storage.get(ServiceAllocator.PORT_PREFIX + nodePort), "the node port went back");

        StatusException moved = assertThrows(StatusException.class, () -> services.update(ctx, "web", old -> {
            ObjectNode next = old.deepCopy();
            next.with("spec").put("clusterIP", "10.96.0.99").putArray("clusterIPs").add("10.96.0.99");
            return next;
        }));
        assertEquals("Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set",
                moved.getMessage());
        // a PUT that leaves the allocated values out keeps them
        ObjectNode resent = services.update(ctx, "web", old -> {
            try {
                ObjectNode next = svc("web", WEB);
                next.with("metadata").put("resourceVersion", old.at("/metadata/resourceVersion").asText());
                return next;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).object();
        assertEquals(created.at("/spec/clusterIP"), resent.at("/spec/clusterIP"));
    }

    @Test
    void dryRunsReserveNothingAndAnswerKubesPlaceholders() throws Exception {
        ObjectNode planned = services.create(dry, svc("web", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80},{\"port\":81,\"name\":\"b\"}]}"
                .replace("{\"port\":80}", "{\"port\":80,\"name\":\"a\"}")));
        assertEquals("10.96.0.0", planned.at("/spec/clusterIP").asText());
        assertEquals(32769, planned.at("/spec/ports/0/nodePort").asLong());
        assertEquals(32770, planned.at("/spec/ports/1/nodePort").asLong());
        assertEquals(0, storage.count("/registry/"), "nothing stored, nothing reserved");
    }

    @Test
    void aStaleReservationIsTakenOverAndAMissingServiceIsCreatedByPut() throws Exception {
        storage.create(ServiceAllocator.IP_PREFIX + "10.96.0.30", "default/ghost".getBytes(StandardCharsets.UTF_8));
        ObjectNode created = services.create(ctx, svc("real", "{\"clusterIP\":\"10.96.0.30\",\"ports\":[{\"port\":80}]}"));
        assertEquals("10.96.0.30", created.at("/spec/clusterIP").asText());
        assertEquals("default/real", owner("10.96.0.30"));

        var put = services.update(ctx, "fresh", old -> {
            try {
                return svc("fresh", WEB);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(put.created());
        assertNotEquals("", put.object().at("/spec/clusterIP").asText(""));
    }

    @Test
    void headlessAndExternalNameServicesGetNoAddress() throws Exception {
        ObjectNode headless = services.create(ctx, svc("db", "{\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"},\"ports\":[{\"port\":5432}]}"));
        assertEquals("[\"None\"]", headless.at("/spec/clusterIPs").toString());
        assertEquals("SingleStack", headless.at("/spec/ipFamilyPolicy").asText());
        ObjectNode external = services.create(ctx, svc("ext", "{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}"));
        assertTrue(external.at("/spec/clusterIP").isMissingNode(), external.toString());
        assertTrue(external.at("/spec/internalTrafficPolicy").isMissingNode());
        StatusException noName = assertThrows(StatusException.class, () ->
                services.create(ctx, svc("ext2", "{\"type\":\"ExternalName\"}")));
        assertEquals("Service \"ext2\" is invalid: spec.externalName: Required value", noName.getMessage());
        // kube's printer: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S)
        assertEquals(List.of("ClusterIP", "None", "<none>", "5432/TCP"), services.cells(headless).subList(1, 5));
        assertEquals(List.of("ExternalName", "<none>", "example.com", "<none>"), services.cells(external).subList(1, 5));
    }
}
