package io.kapi.group.events;

import static io.kapi.group.events.EventConverterTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.core.registry.Versions;
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
 * The resource on the generic store and the embedded store, as the core serves it, beside a core/v1
 * events store on the same storage: one object, written through either group, stored once as a core/v1
 * Event under {@code /registry/events/}, read through both.
 */
class SharedEventsStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    GenericStore events;
    GenericStore core;
    final RequestContext ctx = new RequestContext("kube-system", new UserInfo("admin", "", List.of("system:masters")), false, "test");

    @BeforeEach
    void setUp() {
        storage = EmbeddedStorage.open(dir);
        ResourceDefinition def = new EventsGroupProvider().resources().get(0);
        ResourceMeta meta = new ResourceMeta(EventsGroupProvider.GROUP, "v1", "events", "Event", true,
                ResourceMeta.keyPrefix("", "events"));
        events = new GenericStore(meta, def.strategy(), storage, NamespaceGuard.NONE, NameValidator.DNS1123_SUBDOMAIN,
                new GenericStore.Options(new Versions(meta, def.sharedStorage()), false, null));
        // core/v1 events with a strategy of kube's legacy rules alone (core's own is kapi-group-core's)
        Strategy legacy = new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                return List.of();
            }
        };
        core = new GenericStore(new ResourceMeta("", "v1", "events", "Event", true), legacy, storage, NamespaceGuard.NONE,
                NameValidator.DNS1123_SUBDOMAIN, new GenericStore.Options(null, false, null));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private ObjectNode stored(String namespace, String name) throws Exception {
        return (ObjectNode) JSON.readTree(new String(storage.get("/registry/events/" + namespace + "/" + name).value(),
                StandardCharsets.UTF_8));
    }

    @Test
    void oneObjectStoredAsACoreEventReadThroughBoth() throws Exception {
        ObjectNode created = events.create(ctx, EventValidationTest.valid());
        assertEquals("events.k8s.io/v1", created.path("apiVersion").asText());
        assertEquals("2017-09-19T13:49:16.000000Z", created.path("eventTime").asText());
        assertEquals("Because", created.path("reason").asText());
        ObjectNode raw = stored("kube-system", "test");
        assertEquals("v1", raw.path("apiVersion").asText());
        assertEquals("Event", raw.path("kind").asText());
        assertEquals("Node", raw.at("/involvedObject/kind").asText());
        assertEquals("k8s.io/my-controller", raw.path("reportingComponent").asText());
        assertTrue(raw.path("firstTimestamp").isNull(), raw.toString());
        assertTrue(storage.list("/registry/events.k8s.io/", 0, null, 0).items().isEmpty(), "nothing under its own prefix");

        ObjectNode viaCore = core.get(new RequestContext("kube-system", ctx.user(), false, null), "test", null);
        assertEquals(created.at("/metadata/uid"), viaCore.at("/metadata/uid"));
        assertEquals(created.at("/metadata/resourceVersion"), viaCore.at("/metadata/resourceVersion"));
        assertEquals("k8s.io/my-controller", viaCore.path("reportingComponent").asText());

        // written through core/v1 (legacy rules only), read through events.k8s.io
        core.update(ctx, "test", cur -> cur.put("message", "from core").put("count", 3));
        ObjectNode viaEvents = events.get(ctx, "test", null);
        assertEquals("from core", viaEvents.path("note").asText());
        assertEquals(3, viaEvents.path("deprecatedCount").asInt());
        assertEquals("Event", viaEvents.path("kind").asText());
    }

    @Test
    void aCoreWritersEventIsListedAndSelectedThroughEventsK8sIo() throws Exception {
        core.create(new RequestContext("default", ctx.user(), false, null), obj("{'metadata':{'name':'n1.1'},"
                + "'involvedObject':{'kind':'Node','name':'n1'},'reason':'Starting','source':{'component':'kubelet'},'type':'Normal'}"));
        core.create(new RequestContext("default", ctx.user(), false, null), obj("{'metadata':{'name':'p1.1'},"
                + "'involvedObject':{'kind':'Pod','name':'p1','namespace':'default'},'reason':'Pulled','type':'Normal'}"));
        RequestContext all = new RequestContext("", ctx.user(), false, null);
        ObjectNode list = events.list(all, new ListOptions(null, "regarding.kind=Node,source=kubelet", 0, null, null, null, false, 0, null));
        assertEquals(1, list.path("items").size(), list.toString());
        assertEquals("n1", list.at("/items/0/regarding/name").asText());
        // core/v1's field names are not events.k8s.io's
        StatusException refused = assertThrows(StatusException.class,
                () -> events.list(all, new ListOptions(null, "involvedObject.kind=Node", 0, null, null, null, false, 0, null)));
        assertEquals(400, refused.code());
        assertTrue(refused.getMessage().contains("involvedObject.kind"), refused.getMessage());
    }

    @Test
    void writesThroughEventsK8sIoAreHeldToItsRules() throws Exception {
        StatusException invalid = assertThrows(StatusException.class,
                () -> events.create(ctx, EventValidationTest.valid().put("deprecatedCount", 2).put("type", "Odd")));
        assertEquals(422, invalid.code());
        assertEquals(List.of("type: Invalid value: \"\": has invalid value: Odd", "count: Invalid value: \"\": needs to be unset"),
                invalid.causes().stream().map(FieldCause::describe).toList());
        ObjectNode noName = EventValidationTest.valid();
        noName.with("metadata").remove("name");
        assertEquals(422, assertThrows(StatusException.class, () -> events.create(ctx, noName)).code(), "missing name in objectMeta");

        // a PUT of a missing event creates it (kube's AllowCreateOnUpdate)
        ObjectNode fresh = EventValidationTest.valid();
        assertTrue(events.update(ctx, "test", cur -> fresh).created());
        // a series may change; what the event says may not
        events.update(ctx, "test", cur -> {
            cur.putObject("series").put("count", 2).put("lastObservedTime", "2017-09-19T13:59:16.000000Z");
            return cur;
        });
        assertEquals(2, stored("kube-system", "test").at("/series/count").asInt());
        StatusException immutable = assertThrows(StatusException.class, () -> events.update(ctx, "test", cur -> cur.put("note", "x")));
        assertEquals(List.of("message: Invalid value: \"x\": field is immutable"),
                immutable.causes().stream().map(FieldCause::describe).toList());
    }
}
