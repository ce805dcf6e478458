package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core group's strategies and its system-namespaces hook, on the group-author API alone. */
class CoreStrategiesTest {
    private static ObjectNode withData(String field, String key, String value) {
        ObjectNode o = Json.object();
        Json.metadata(o).put("name", "x");
        o.putObject(field).put(key, value);
        return o;
    }

    @Test
    void configMapKeysAndImmutability() {
        ConfigMapStrategy s = new ConfigMapStrategy();
        assertEquals(List.of(), s.validate(withData("data", "app.conf", "a")));
        List<FieldCause> bad = s.validate(withData("data", "bad/key", "a"));
        assertEquals(1, bad.size());
        assertEquals("data[bad/key]", bad.get(0).field());
        ObjectNode old = withData("data", "a", "1");
        old.put("immutable", true);
        ObjectNode changed = withData("data", "a", "2");
        changed.put("immutable", true);
        assertEquals(List.of(FieldCause.forbidden("data", "field is immutable when `immutable` is set")), s.validateUpdate(changed, old));
    }

    @Test
    void secretStringDataIsFoldedAndTypeDefaulted() {
        SecretStrategy s = new SecretStrategy();
        ObjectNode secret = withData("stringData", "password", "hunter2");
        s.applyDefaults(secret);
        assertEquals("Opaque", Json.text(secret, "type"));
        assertEquals("aHVudGVyMg==", Json.text(secret.get("data"), "password"));
        assertFalse(secret.has("stringData"));
        ObjectNode retyped = secret.deepCopy().put("type", "kubernetes.io/tls");
        assertEquals(List.of(FieldCause.invalid("type", "kubernetes.io/tls", "field is immutable")), s.validateUpdate(retyped, secret));
    }

    @Test
    void aDeletedNamespaceTerminatesAndStays() {
        NamespaceStrategy s = new NamespaceStrategy();
        ObjectNode ns = Json.object();
        Json.metadata(ns).put("name", "team-a");
        s.prepareForCreate(ns);
        assertEquals("kubernetes", ns.at("/spec/finalizers/0").asText());
        assertEquals("team-a", ns.at("/metadata/labels/kubernetes.io~1metadata.name").asText());
        s.prepareForDelete(ns);
        assertEquals("Terminating", ns.at("/status/phase").asText());
        assertTrue(s.keepAfterMark(ns));
        assertFalse(s.validateName("Not_A_Label", false).isEmpty());
        assertTrue(s.validateName("a-label", false).isEmpty());
    }

    private static ObjectNode withName(String name) {
        ObjectNode o = Json.object();
        Json.metadata(o).put("name", name);
        return o;
    }

    @Test
    void systemNamespacesAreCreatedThroughTheLoopbackAndExistingOnesKept() throws Exception {
        List<String> created = new ArrayList<>();
        RestStore namespaces = (RestStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RestStore.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("create")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String name = Json.name((ObjectNode) args[1]);
                    if (name.equals("default")) {
                        throw StatusException.alreadyExists("", "namespaces", name);
                    }
                    assertEquals("system:apiserver", ((RequestContext) args[0]).user().name());
                    created.add(name);
                    return args[1];
                });
        new SystemNamespaces().run(() -> (group, version, resource) -> {
            assertEquals("/v1/namespaces", group + "/" + version + "/" + resource);
            return namespaces;
        });
        assertEquals(List.of("kube-system", "kube-public", "kube-node-lease"), created);
        assertThrows(StatusException.class, () -> new SystemNamespaces().run(() -> (g, v, r) -> {
            throw StatusException.notFound(g, r, "");
        }));
    }

    @Test
    void aNamespaceStatusWriteKeepsTheSpecAndItsPhaseFollowsDeletion() throws Exception {
        NamespaceStatusStrategy status = new NamespaceStatusStrategy();
        ObjectNode old = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
        ObjectNode written = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"spec\":{},\"status\":{\"phase\":\"Active\",\"conditions\":[]}}");
        status.prepareForUpdate(written, old);
        assertEquals(old.get("spec"), written.get("spec"));
        assertEquals("y", written.at("/metadata/labels/x").asText(), "metadata goes through, as kube's");
        assertTrue(status.validateUpdate(written, old).isEmpty());
        written.with("status").put("phase", "Terminating");
        FieldCause cause = status.validateUpdate(written, old).get(0);
        assertEquals("status.Phase", cause.field());
        assertEquals("Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty", cause.message());
        Json.metadata(written).put("deletionTimestamp", "2026-12-05T00:00:00Z");
        assertTrue(status.validateUpdate(written, old).isEmpty());
    }
}
