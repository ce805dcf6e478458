package io.kapi.group.events;

import static io.kapi.group.events.EventConverterTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource as kube 1.32 serves it: discovery, schema, field selectors, printer, strategy flags. */
class EventStrategyTest {
    private final EventStrategy strategy = new EventStrategy();

    @Test
    void definitionIsKubes() {
        EventsGroupProvider provider = new EventsGroupProvider();
        assertEquals("events.k8s.io", provider.group());
        assertEquals(List.of("v1"), provider.versions());
        ResourceDefinition def = provider.resources().get(0);
        assertEquals("events", def.plural());
        assertEquals("event", def.singular());
        assertEquals("Event", def.kind());
        assertEquals(List.of("ev"), def.shortNames(), "kube's event storage gives both groups the short name ev");
        assertEquals(List.of(), def.categories());
        assertTrue(def.namespaced());
        assertEquals(List.of("eventTime"), List.of(def.schema().path("required").get(0).asText()));
        assertEquals("events.k8s.io", def.schema().at("/x-kubernetes-group-version-kind/0/group").asText());
        assertEquals(22, def.definitions().size(), "kube 1.32's events.k8s.io/v1 document");
        // stored as core/v1 Events
        assertEquals("", def.sharedStorage().group());
        assertEquals("events", def.sharedStorage().resource());
        assertEquals("v1", def.sharedStorage().version());
        assertEquals("Event", def.sharedStorage().kind());
        assertNull(def.storageVersion());
        assertSame(EventsGroupProvider.CORE_EVENTS, def.sharedStorage());
    }

    @Test
    void strategyFlagsAreKubes() throws Exception {
        assertTrue(strategy.allowCreateOnUpdate(), "kube's eventStrategy.AllowCreateOnUpdate");
        assertTrue(strategy.allowUnconditionalUpdate());
        assertEquals(GarbageCollectionPolicy.Policy.UNSUPPORTED, strategy.defaultGarbageCollectionPolicy("v1"));
        assertEquals(false, strategy.tracksGeneration());
        assertNull(strategy.validateName("a.b", false), "DNS subdomain names, the store's default");
        ObjectNode o = obj("{'metadata':{'name':'x'}}");
        strategy.applyDefaults(o);
        assertEquals(obj("{'metadata':{'name':'x'}}"), o, "events/v1 has no defaults");
    }

    @Test
    void fieldSelectorsAreEventsK8sIos() throws Exception {
        assertEquals(List.of("regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion",
                "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "source", "type"),
                List.copyOf(strategy.selectableFields(Json.object()).keySet()),
                "kube's field-label conversion for events.k8s.io/v1: no involvedObject.*, no reportingComponent");
        Map<String, String> f = strategy.selectableFields(obj(EventConverterTest.FULL_EVENT));
        assertEquals("Pod", f.get("regarding.kind"));
        assertEquals("web-1", f.get("regarding.name"));
        assertEquals("spec.containers{web}", f.get("regarding.fieldPath"));
        assertEquals("Pulled", f.get("reason"));
        assertEquals("k8s.io/kubelet", f.get("reportingController"));
        assertEquals("kubelet", f.get("source"), "the source's component first");
        assertEquals("Normal", f.get("type"));
        ObjectNode noSource = obj(EventConverterTest.FULL_EVENT);
        noSource.remove("deprecatedSource");
        assertEquals("k8s.io/kubelet", strategy.selectableFields(noSource).get("source"), "else the reporting controller");
    }

    @Test
    void printerColumnsAreKubes() {
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"),
                columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of(0, 0, 0, 0, 1, 1, 0, 1, 1, 1), columns.stream().map(TableColumn::priority).toList(),
                "without -o wide: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE");
        assertTrue(columns.stream().allMatch(c -> c.type().equals("string")));
        assertEquals("name", columns.get(9).format());
        assertEquals("The object that this event is about.", columns.get(3).description());
        assertEquals("The number of times this event has occurred.", columns.get(8).description());
    }

    private static String ago(int minutes) {
        return Instant.now().minus(minutes, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MICROS).toString();
    }

    @Test
    void printerCellsAreKubes() throws Exception {
        // a new-API singleton: seen at its eventTime, count 1, source from the reporting fields
        ObjectNode singleton = obj("{'metadata':{'name':'e1','namespace':'shop'},'eventTime':'" + ago(5) + "',"
                + "'reportingController':'k8s.io/kubelet','reportingInstance':'node-1','reason':'Pulled',"
                + "'regarding':{'kind':'Pod','name':'web-1','fieldPath':'spec.containers{web}'},'note':'  Pulled image\\n','type':'Normal'}");
        assertEquals(List.of("5m", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "k8s.io/kubelet, node-1", "Pulled image",
                "5m", 1L, "e1"), strategy.table().cells(singleton));
        // a series: last seen at its last observation, counted by it
        ObjectNode series = singleton.deepCopy();
        series.putObject("series").put("count", 7).put("lastObservedTime", ago(2));
        List<Object> cells = strategy.table().cells(series);
        assertEquals("2m", cells.get(0));
        assertEquals(7L, cells.get(8));
        // a core/v1 writer's event: its timestamps, count and source
        ObjectNode legacy = obj("{'metadata':{'name':'e2'},'eventTime':null,'regarding':{'kind':'Node'},"
                + "'deprecatedSource':{'component':'kubelet'},'deprecatedFirstTimestamp':'" + ago(60) + "',"
                + "'deprecatedLastTimestamp':'" + ago(10) + "','deprecatedCount':4,'reportingInstance':'n1'}");
        cells = strategy.table().cells(legacy);
        assertEquals(List.of("10m", "", "", "node", "", "kubelet, n1", "", "60m", 4L, "e2"), cells,
                "the source's host falls back to the reporting instance");
        // nothing to go by
        assertEquals("<unknown>", strategy.table().cells(obj("{'metadata':{'name':'e3'}}")).get(0));
    }
}
