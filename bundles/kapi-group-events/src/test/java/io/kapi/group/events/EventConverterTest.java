package io.kapi.group.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * events.k8s.io/v1 ↔ core/v1 Events, with the cases of kube's {@code pkg/apis/events/v1/conversion_test.go}
 * and round trips of full objects, compared as JSON text so that field order and Go's zero values count.
 */
class EventConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventConverter converter = new EventConverter();

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    private static List<String> keys(ObjectNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void kubesEventsToCoreCase() throws Exception {
        // Test_convert_v1_Event_To_core_Event
        ObjectNode served = obj("{'metadata':{'name':'foo','namespace':'default'},"
                + "'regarding':{'kind':'Pod','namespace':'default','name':'foo'},"
                + "'deprecatedSource':{'component':'controller-manager','host':'master1'},'note':'convert v1 event to core event'}");
        // the internal Event kube expects, as core/v1 writes it: zero times null, the two reporting fields kept empty
        assertEquals(obj("{'metadata':{'name':'foo','namespace':'default'},"
                + "'involvedObject':{'kind':'Pod','namespace':'default','name':'foo'},'message':'convert v1 event to core event',"
                + "'source':{'component':'controller-manager','host':'master1'},'firstTimestamp':null,'lastTimestamp':null,"
                + "'eventTime':null,'reportingComponent':'','reportingInstance':''}").toString(),
                converter.toStored(served, "v1").toString());
    }

    @Test
    void kubesCoreToEventsCase() throws Exception {
        // Test_convert_core_Event_To_v1_Event
        ObjectNode stored = obj("{'metadata':{'name':'foo','namespace':'default'},"
                + "'involvedObject':{'namespace':'default','name':'foo','kind':'Pod'},"
                + "'source':{'component':'controller-manager','host':'master1'},'message':'convert core event to v1 event'}");
        assertEquals(obj("{'metadata':{'name':'foo','namespace':'default'},'eventTime':null,"
                + "'regarding':{'kind':'Pod','namespace':'default','name':'foo'},'note':'convert core event to v1 event',"
                + "'deprecatedSource':{'component':'controller-manager','host':'master1'},"
                + "'deprecatedFirstTimestamp':null,'deprecatedLastTimestamp':null}").toString(),
                converter.toServed(stored, "v1").toString());
    }

    static final String FULL_EVENT = "{'kind':'Event','apiVersion':'events.k8s.io/v1',"
            + "'metadata':{'name':'web-1.17a','namespace':'shop','uid':'u-1','resourceVersion':'7','labels':{'a':'b'}},"
            + "'eventTime':'2017-09-19T13:49:16.123456Z','series':{'count':3,'lastObservedTime':'2017-09-19T13:59:16.000001Z'},"
            + "'reportingController':'k8s.io/kubelet','reportingInstance':'kubelet-node-1','action':'Pulling','reason':'Pulled',"
            + "'regarding':{'kind':'Pod','namespace':'shop','name':'web-1','uid':'p-1','apiVersion':'v1','resourceVersion':'42',"
            + "'fieldPath':'spec.containers{web}'},'related':{'kind':'Node','name':'node-1','apiVersion':'v1'},"
            + "'note':'Pulled image','type':'Normal','deprecatedSource':{'component':'kubelet','host':'node-1'},"
            + "'deprecatedFirstTimestamp':'2017-09-19T13:49:16Z','deprecatedLastTimestamp':'2017-09-19T13:59:16Z','deprecatedCount':3}";

    static final String FULL_CORE = "{'kind':'Event','apiVersion':'v1',"
            + "'metadata':{'name':'web-1.17a','namespace':'shop','uid':'u-1','resourceVersion':'7','labels':{'a':'b'}},"
            + "'involvedObject':{'kind':'Pod','namespace':'shop','name':'web-1','uid':'p-1','apiVersion':'v1','resourceVersion':'42',"
            + "'fieldPath':'spec.containers{web}'},'reason':'Pulled','message':'Pulled image',"
            + "'source':{'component':'kubelet','host':'node-1'},'firstTimestamp':'2017-09-19T13:49:16Z',"
            + "'lastTimestamp':'2017-09-19T13:59:16Z','count':3,'type':'Normal','eventTime':'2017-09-19T13:49:16.123456Z',"
            + "'series':{'count':3,'lastObservedTime':'2017-09-19T13:59:16.000001Z'},'action':'Pulling',"
            + "'related':{'kind':'Node','name':'node-1','apiVersion':'v1'},'reportingComponent':'k8s.io/kubelet',"
            + "'reportingInstance':'kubelet-node-1'}";

    @Test
    void aFullObjectMapsFieldForFieldAndBack() throws Exception {
        ObjectNode served = obj(FULL_EVENT);
        ObjectNode stored = converter.toStored(served.deepCopy(), "v1");
        // the type is the core's to set; everything else is core/v1's shape, in its order
        stored.put("apiVersion", "v1");
        assertEquals(obj(FULL_CORE).toString(), stored.toString());
        ObjectNode back = converter.toServed(stored.deepCopy(), "v1");
        back.put("apiVersion", "events.k8s.io/v1");
        assertEquals(obj(FULL_EVENT).toString(), back.toString(), "events → core → events is the identity");
        ObjectNode again = converter.toStored(back, "v1");
        again.put("apiVersion", "v1");
        assertEquals(stored.toString(), again.toString(), "core → events → core is the identity");
    }

    @Test
    void theServedShapeHasKubesFieldOrder() throws Exception {
        ObjectNode served = converter.toServed(obj(FULL_CORE), "v1");
        assertEquals(List.of("kind", "apiVersion", "metadata", "eventTime", "series", "reportingController", "reportingInstance",
                "action", "reason", "regarding", "related", "note", "type", "deprecatedSource", "deprecatedFirstTimestamp",
                "deprecatedLastTimestamp", "deprecatedCount"), keys(served));
        assertEquals(List.of("kind", "apiVersion", "metadata", "involvedObject", "reason", "message", "source", "firstTimestamp",
                "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent",
                "reportingInstance"), keys(converter.toStored(served, "v1")));
    }

    @Test
    void goZeroValuesAreWrittenAsGoWritesThem() throws Exception {
        // empty strings and zero counts dropped where omitempty; unknown fields dropped; structs always written
        ObjectNode served = obj("{'metadata':{'name':'e'},'eventTime':'2024-01-01T00:00:00.5Z','reason':'',"
                + "'regarding':{'kind':'Pod','uid':'','extra':'x'},'deprecatedCount':0,'series':{'count':0},'unknown':1}");
        ObjectNode stored = converter.toStored(served, "v1");
        assertEquals(obj("{'metadata':{'name':'e'},'involvedObject':{'kind':'Pod'},'source':{},'firstTimestamp':null,"
                + "'lastTimestamp':null,'eventTime':'2024-01-01T00:00:00.500000Z','series':{'lastObservedTime':null},"
                + "'reportingComponent':'','reportingInstance':''}").toString(), stored.toString());
        // events.k8s.io's series.count is not omitempty: a zero count comes back as 0
        ObjectNode back = converter.toServed(stored, "v1");
        assertEquals(obj("{'count':0,'lastObservedTime':null}"), back.get("series"));
        assertEquals(obj("{'kind':'Pod'}"), back.get("regarding"));
        assertEquals(obj("{}"), back.get("deprecatedSource"));
        assertFalse(back.has("reportingController"), "omitempty in events.k8s.io");
        assertFalse(back.has("deprecatedCount"));
        assertFalse(back.has("related"));
    }

    @Test
    void timesAreNormalizedAsGoWritesThem() throws Exception {
        // a Time to the second, a MicroTime to the microsecond, both in UTC and truncated; Go's zero time is null
        ObjectNode served = obj("{'metadata':{},'eventTime':'2024-03-01T12:00:00.1234567+02:00',"
                + "'deprecatedFirstTimestamp':'2024-03-01T12:00:00.9+01:00','deprecatedLastTimestamp':'0001-01-01T00:00:00Z'}");
        ObjectNode stored = converter.toStored(served, "v1");
        assertEquals("2024-03-01T10:00:00.123456Z", stored.get("eventTime").asText());
        assertEquals("2024-03-01T11:00:00Z", stored.get("firstTimestamp").asText());
        assertEquals(true, stored.get("lastTimestamp").isNull());
        // a text that is no time is left alone (kube refuses it when decoding)
        assertEquals("soon", converter.toStored(obj("{'eventTime':'soon'}"), "v1").get("eventTime").asText());
    }

    @Test
    void anObjectWrittenThroughCoreIsServedWithItsCoreFields() throws Exception {
        // a core/v1 writer's event (legacy fields, no eventTime), as kubectl shows it through events.k8s.io
        ObjectNode stored = obj("{'metadata':{'name':'x.1','namespace':'default'},'involvedObject':{'kind':'Node','name':'n1'},"
                + "'reason':'Starting','message':'Starting kubelet.','source':{'component':'kubelet','host':'n1'},"
                + "'firstTimestamp':'2024-01-01T00:00:00Z','lastTimestamp':'2024-01-01T00:05:00Z','count':4,'type':'Normal',"
                + "'eventTime':null,'reportingComponent':'kubelet','reportingInstance':'n1'}");
        assertEquals(obj("{'metadata':{'name':'x.1','namespace':'default'},'eventTime':null,'reportingController':'kubelet',"
                + "'reportingInstance':'n1','reason':'Starting','regarding':{'kind':'Node','name':'n1'},'note':'Starting kubelet.',"
                + "'type':'Normal','deprecatedSource':{'component':'kubelet','host':'n1'},"
                + "'deprecatedFirstTimestamp':'2024-01-01T00:00:00Z','deprecatedLastTimestamp':'2024-01-01T00:05:00Z',"
                + "'deprecatedCount':4}").toString(), converter.toServed(stored, "v1").toString());
    }
}
