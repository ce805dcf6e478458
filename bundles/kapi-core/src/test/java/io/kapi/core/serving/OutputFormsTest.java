package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.UnknownFieldSet;
import io.kapi.core.endpoints.Codecs;
import io.kapi.core.json.Json;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Response forms beyond the object: Tables with {@code includeObject}, PartialObjectMetadata(List) in
 * protobuf (client-go's metadata informers), and watches in kube's protobuf stream framing.
 */
class OutputFormsTest extends ServingTestBase {
    private static final String CONFIGMAPS = "/api/v1/configmaps";

    @BeforeEach
    void configmaps() throws Exception {
        serve(provider("", "configmaps", "ConfigMap"));
        assertEquals(201, call("POST", CONFIGMAPS, "{\"metadata\":{\"name\":\"c1\"},\"data\":{\"a\":\"1\"}}").status);
    }

    private FakeHttp.Response get(String uri, String accept) throws Exception {
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response r = start("GET", uri, accept, null, async);
        async.awaitCompletion();
        return r;
    }

    @Test
    void tableRowsCarryWhatIncludeObjectAsksFor() throws Exception {
        String table = "application/json;as=Table;g=meta.k8s.io;v=v1";
        JsonNode metadata = Json.MAPPER.readTree(get(CONFIGMAPS, table).text());
        assertEquals("PartialObjectMetadata", metadata.at("/rows/0/object/kind").asText(), "Metadata is the default");
        JsonNode object = Json.MAPPER.readTree(get(CONFIGMAPS + "?includeObject=Object", table).text());
        assertEquals("1", object.at("/rows/0/object/data/a").asText());
        JsonNode none = Json.MAPPER.readTree(get(CONFIGMAPS + "?includeObject=None", table).text());
        assertTrue(none.at("/rows/0/object").isMissingNode());
        FakeHttp.Response bad = get(CONFIGMAPS + "?includeObject=All", table);
        assertEquals(400, bad.status);
        assertEquals("unrecognized includeObject value: \"All\"", Json.MAPPER.readTree(bad.text()).path("message").asText());
    }

    @Test
    void partialObjectMetadataListInProtobufAsMetadataInformersAskForIt() throws Exception {
        FakeHttp.Response r = get(CONFIGMAPS, "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
                + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json");
        assertEquals(200, r.status);
        assertEquals("application/vnd.kubernetes.protobuf", r.headers.get("Content-Type"));
        ObjectNode list = Codecs.PROTOBUF.decode(r.body.toByteArray());
        assertEquals("PartialObjectMetadataList", list.path("kind").asText());
        assertEquals("c1", list.at("/items/0/metadata/name").asText());
        assertTrue(list.at("/items/0/data").isMissingNode());
    }

    @Test
    void aProtobufWatchIsLengthPrefixedWatchEvents() throws Exception {
        FakeHttp.Response r = get(CONFIGMAPS + "?watch=true&timeoutSeconds=1", "application/vnd.kubernetes.protobuf;stream=watch");
        assertEquals(200, r.status);
        assertEquals("application/vnd.kubernetes.protobuf;stream=watch", r.headers.get("Content-Type"));
        ByteBuffer stream = ByteBuffer.wrap(r.body.toByteArray());
        int length = stream.getInt();
        byte[] event = new byte[length];
        stream.get(event);
        UnknownFieldSet watchEvent = UnknownFieldSet.parseFrom(event);
        assertEquals("ADDED", watchEvent.getField(1).getLengthDelimitedList().get(0).toStringUtf8());
        // object: a RawExtension whose raw (1) is the object's full protobuf encoding, magic included
        byte[] raw = UnknownFieldSet.parseFrom(watchEvent.getField(2).getLengthDelimitedList().get(0))
                .getField(1).getLengthDelimitedList().get(0).toByteArray();
        assertTrue(Arrays.equals(new byte[] {'k', '8', 's', 0}, Arrays.copyOf(raw, 4)));
        ObjectNode cm = Codecs.PROTOBUF.decode(raw);
        assertEquals("c1", cm.at("/metadata/name").asText());
        assertEquals("1", cm.at("/data/a").asText());
        assertFalse(stream.hasRemaining() && stream.remaining() < 4, "whole frames only");
    }

    @Test
    void oneObjectAsPartialObjectMetadataInProtobuf() throws Exception {
        FakeHttp.Response r = get(CONFIGMAPS + "/c1", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
        assertEquals(200, r.status, r.text());
        assertEquals("application/vnd.kubernetes.protobuf", r.headers.get("Content-Type"));
        ObjectNode pom = Codecs.PROTOBUF.decode(r.body.toByteArray());
        assertEquals("PartialObjectMetadata", pom.path("kind").asText());
        assertEquals("meta.k8s.io/v1", pom.path("apiVersion").asText());
        assertEquals("c1", pom.at("/metadata/name").asText());
        assertFalse(pom.at("/metadata/uid").asText().isEmpty());
        java.util.List<String> fields = new java.util.ArrayList<>();
        pom.fieldNames().forEachRemaining(fields::add);
        assertEquals(java.util.List.of("apiVersion", "kind", "metadata"), fields.stream().sorted().toList(), pom.toString());
    }

    @Test
    void aListAsPartialObjectMetadataListInJson() throws Exception {
        assertEquals(201, call("POST", CONFIGMAPS, "{\"metadata\":{\"name\":\"c2\"},\"data\":{\"b\":\"2\"}}").status);
        FakeHttp.Response r = get(CONFIGMAPS, "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        assertEquals(200, r.status, r.text());
        assertEquals("application/json", r.headers.get("Content-Type"));
        JsonNode list = Json.MAPPER.readTree(r.text());
        assertEquals("PartialObjectMetadataList", list.path("kind").asText());
        assertEquals("meta.k8s.io/v1", list.path("apiVersion").asText());
        assertFalse(list.at("/metadata/resourceVersion").asText().isEmpty(), "the list's own metadata");
        assertEquals(2, list.path("items").size());
        int i = 0;
        for (String name : java.util.List.of("c1", "c2")) {
            JsonNode item = list.path("items").get(i++);
            assertEquals("PartialObjectMetadata", item.path("kind").asText(), item.toString());
            assertEquals("meta.k8s.io/v1", item.path("apiVersion").asText());
            assertEquals(name, item.at("/metadata/name").asText());
            java.util.List<String> fields = new java.util.ArrayList<>();
            item.fieldNames().forEachRemaining(fields::add);
            assertEquals(java.util.List.of("apiVersion", "kind", "metadata"), fields.stream().sorted().toList(), item.toString());
        }
    }
}
