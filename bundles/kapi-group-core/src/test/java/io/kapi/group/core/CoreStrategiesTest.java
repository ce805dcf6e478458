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
        ObjectNode retyped = secret.deepCopy().put("type", "kubernetes.io/basic-auth");
        assertEquals(List.of(FieldCause.invalid("type", "kubernetes.io/basic-auth", "field is immutable")), s.validateUpdate(retyped, secret));
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

    /**
     * kube's namespace finalizer rules: standard names or fully qualified ones, at {@code spec.finalizers} on create and
     * at the index on finalize; a finalize write takes the spec and keeps the stored status; a namespace stays only
     * while its spec holds a finalizer.
     */
    @Test
    void namespaceFinalizersAreCheckedAndFinalizeKeepsTheStatus() {
        NamespaceStrategy s = new NamespaceStrategy();
        ObjectNode ns = Json.object();
        Json.metadata(ns).put("name", "team-b");
        ns.putObject("spec").putArray("finalizers").add("example.com/hold").add("hold").add("Bad Name");
        s.prepareForCreate(ns);
        List<FieldCause> causes = s.validate(ns);
        assertEquals(List.of(
                FieldCause.invalid("spec.finalizers", "hold", "name is neither a standard finalizer name nor is it fully qualified"),
                FieldCause.invalid("spec.finalizers", "Bad Name", "name part must consist of alphanumeric characters, '-', '_' or '.', and "
                        + "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
                FieldCause.invalid("spec.finalizers", "Bad Name", "name is neither a standard finalizer name nor is it fully qualified")),
                causes);

        ObjectNode stored = Json.object();
        Json.metadata(stored).put("name", "team-b").put("deletionTimestamp", "2026-12-07T00:00:00Z");
        stored.putObject("spec").putArray("finalizers").add("kubernetes").add("example.com/hold");
        stored.putObject("status").put("phase", "Terminating");
        ObjectNode written = stored.deepCopy();
        written.putObject("spec").putArray("finalizers").add("orphan").add("hold");
        written.putObject("status").put("phase", "Active");
        NamespaceFinalizeStrategy finalize = new NamespaceFinalizeStrategy();
        finalize.prepareForUpdate(written, stored);
        assertEquals("Terminating", written.at("/status/phase").asText());
        assertEquals("[\"orphan\",\"hold\"]", written.at("/spec/finalizers").toString());
        assertEquals(List.of(FieldCause.invalid("spec.finalizers[1]", "hold", "name is neither a standard finalizer name nor is it fully qualified")),
                finalize.validateUpdate(written, stored));
        assertTrue(s.keepAfterMark(stored));
        written.putObject("spec").putArray("finalizers");
        assertFalse(s.keepAfterMark(written), "no finalizer left in the spec: it goes");

        // the main resource keeps the stored spec: its finalizers change only through finalize
        ObjectNode update = stored.deepCopy();
        update.putObject("spec");
        s.prepareForUpdate(update, stored);
        assertEquals(stored.get("spec"), update.get("spec"));
        assertEquals(List.of(), s.validateUpdate(update, stored));

        // kube's defaulting sets the name label as the object is decoded (so its writer owns it); a generated name waits
        ObjectNode decoded = withName("team-c");
        s.applyDefaults(decoded);
        assertEquals("team-c", decoded.at("/metadata/labels/kubernetes.io~1metadata.name").asText());
        ObjectNode generated = Json.object();
        Json.metadata(generated).put("generateName", "team-");
        s.applyDefaults(generated);
        assertFalse(generated.path("metadata").has("labels"));
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
