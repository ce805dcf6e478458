package io.kapi.machinery.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strict decoding against a schema, with the paths and texts of sigs.k8s.io/json's strict errors
 * (kube's field validation integration test expects them in this form: {@code unknown field
 * "spec.template.spec.containers[0].unknownNested"}, {@code duplicate field "metadata.name"}).
 */
class StrictDecodingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s.replace('\'', '"'));
    }

    private final Map<String, JsonNode> components;
    private final StrictDecoding decoding;

    StrictDecodingTest() throws Exception {
        components = Map.of("#/components/schemas/Meta", json("{'type':'object','properties':{'name':{'type':'string'},"
                + "'labels':{'type':'object','additionalProperties':{'type':'string'}}}}"));
        JsonNode schema = json("{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
                + "'metadata':{'allOf':[{'$ref':'#/components/schemas/Meta'}]},"
                + "'spec':{'type':'object','properties':{'replicas':{'type':'integer'},"
                + "'containers':{'type':'array','items':{'type':'object','properties':{'name':{'type':'string'},"
                + "'env':{'type':'array','items':{'type':'object','properties':{'name':{'type':'string'}}}}}}},"
                + "'raw':{'type':'object'},"
                + "'open':{'type':'object','properties':{'a':{'type':'string'}},'x-kubernetes-preserve-unknown-fields':true}}}}}");
        decoding = new StrictDecoding(schema, components::get);
    }

    private StrictDecoding.Result decode(String body) throws Exception {
        return decoding.decode(MAPPER.createParser(body.replace('\'', '"')));
    }

    @Test
    void unknownFieldsAreDroppedAndReportedWithTheirPaths() throws Exception {
        StrictDecoding.Result r = decode("{'apiVersion':'v1','kind':'K','metadata':{'name':'a','labels':{'x':'y'},'bogus':1},"
                + "'spec':{'replicas':2,'unknown1':{'deep':[1,2]},'containers':[{'name':'c'},{'name':'d','unknownNested':true,"
                + "'env':[{'name':'e','typo':'x'}]}]},'extra':'top'}");
        assertEquals(List.of("unknown field \"metadata.bogus\"", "unknown field \"spec.unknown1\"",
                "unknown field \"spec.containers[1].unknownNested\"", "unknown field \"spec.containers[1].env[0].typo\"",
                "unknown field \"extra\""), r.errors());
        assertEquals(json("{'apiVersion':'v1','kind':'K','metadata':{'name':'a','labels':{'x':'y'}},"
                + "'spec':{'replicas':2,'containers':[{'name':'c'},{'name':'d','env':[{'name':'e'}]}]}}"), r.object());
    }

    @Test
    void duplicateFieldsKeepTheLastValueAndAreReportedInDocumentOrder() throws Exception {
        StrictDecoding.Result r = decode("{'metadata':{'name':'a','name':'b'},'kind':'K','spec':{'replicas':1,'nope':0,'replicas':3},'kind':'K'}");
        assertEquals(List.of("duplicate field \"metadata.name\"", "unknown field \"spec.nope\"",
                "duplicate field \"spec.replicas\"", "duplicate field \"kind\""), r.errors());
        assertEquals("b", r.object().at("/metadata/name").asText());
        assertEquals(3, r.object().at("/spec/replicas").asInt());
        assertEquals("strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.nope\", "
                + "duplicate field \"spec.replicas\", duplicate field \"kind\"", StrictDecoding.strictDecodingError(r.errors()));
    }

    @Test
    void mapsRawObjectsAndPreservedFieldsKeepEverything() throws Exception {
        StrictDecoding.Result r = decode("{'metadata':{'labels':{'any':'key','other':'v'}},"
                + "'spec':{'raw':{'x':{'y':1}},'open':{'a':'1','b':{'c':2}}}}");
        assertEquals(List.of(), r.errors());
        assertEquals(2, r.object().at("/spec/open").size());
        assertEquals(1, r.object().at("/spec/raw/x/y").asInt());
    }

    @Test
    void withoutASchemaOnlyDuplicatesAreFound() throws Exception {
        StrictDecoding none = new StrictDecoding(null, ref -> null);
        StrictDecoding.Result r = none.decode(MAPPER.createParser("{\"a\":{\"b\":1,\"b\":2},\"c\":[{\"d\":1,\"d\":1}]}"));
        assertEquals(List.of("duplicate field \"a.b\"", "duplicate field \"c[0].d\""), r.errors());
    }

    @Test
    void anObjectAlreadyDecodedIsCheckedForUnknownFields() throws Exception {
        ObjectNode patched = (ObjectNode) json("{'spec':{'replicas':1,'replica':2}}");
        StrictDecoding.Result r = decoding.decode(patched, MAPPER);
        assertEquals(List.of("unknown field \"spec.replica\""), r.errors());
        assertEquals(json("{'spec':{'replicas':1}}"), r.object());
    }

    @Test
    void errorsAreReportedOnceAndAtMostAHundred() throws Exception {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 150; i++) {
            b.append(i == 0 ? "" : ",").append("\"u").append(i).append("\":1");
        }
        b.append(",\"u1\":1}");
        assertEquals(100, decoding.decode(MAPPER.createParser(b.toString())).errors().size());
    }
}
