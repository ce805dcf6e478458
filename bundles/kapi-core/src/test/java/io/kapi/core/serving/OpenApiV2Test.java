package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /openapi/v2 as kube-openapi serves it: JSON or gnostic protobuf by Accept, one ETag, 304, 406. */
class OpenApiV2Test extends ServingTestBase {
    private static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    @BeforeEach
    void widgets() {
        serveWidgets();
    }

    private FakeHttp.Response get(Map<String, String> headers) throws Exception {
        FakeHttp.Response resp = new FakeHttp.Response();
        java.util.Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Authorization", "Bearer t");
        server.service(FakeHttp.request("GET", "/openapi/v2", all, null), resp.proxy);
        return resp;
    }

    @Test
    void jsonHasEveryPathOperationAndDefinitionInV2Form() throws Exception {
        FakeHttp.Response r = get(Map.of("Accept", "application/json"));
        assertEquals(200, r.status);
        assertEquals("application/json", r.headers.get("Content-Type"));
        JsonNode doc = Json.MAPPER.readTree(r.text());
        assertEquals("2.0", doc.get("swagger").asText());
        JsonNode patch = doc.at("/paths/~1apis~1things.example.com~1v1~1widgets~1{name}/patch");
        assertEquals("patch", patch.get("x-kubernetes-action").asText());
        assertEquals("Widget", patch.at("/x-kubernetes-group-version-kind/kind").asText(), "an operation's GVK is a map");
        boolean fieldValidation = false;
        for (JsonNode p : patch.get("parameters")) {
            fieldValidation |= p.path("name").asText().equals("fieldValidation") && p.path("in").asText().equals("query")
                    && p.path("type").asText().equals("string");
        }
        assertTrue(fieldValidation, "kubectl's field-validation check finds the query parameter inline");
        JsonNode create = doc.at("/paths/~1apis~1things.example.com~1v1~1widgets/post");
        JsonNode body = create.get("parameters").get(create.get("parameters").size() - 1);
        assertEquals("body", body.get("in").asText());
        assertTrue(body.at("/schema/$ref").asText().startsWith("#/definitions/"));
        assertTrue(doc.at("/paths/~1apis~1things.example.com~1v1~1widgets~1{name}/get/responses/200/schema/$ref").asText()
                .startsWith("#/definitions/"));
        JsonNode meta = doc.at("/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertFalse(meta.isMissingNode());
        assertFalse(doc.toString().contains("#/components/"), "every reference points into definitions");
        assertFalse(doc.toString().contains("\"allOf\""));
        assertTrue(doc.at("/definitions").toString().contains("x-kubernetes-group-version-kind"));
    }

    @Test
    void protobufJsonEtagAnd304() throws Exception {
        FakeHttp.Response json = get(Map.of());
        FakeHttp.Response pb = get(Map.of("Accept", PROTOBUF));
        assertEquals(200, pb.status);
        assertEquals("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", pb.headers.get("Content-Type"));
        String etag = json.headers.get("Etag");
        assertNotNull(etag);
        assertTrue(etag.matches("\"[0-9A-F]{128}\""), etag);
        assertEquals(etag, pb.headers.get("Etag"), "one ETag for both forms, the JSON's hash");
        assertEquals("Accept", pb.headers.get("Vary"));
        assertEquals(304, get(Map.of("Accept", PROTOBUF, "If-None-Match", etag)).status);
        assertEquals(200, get(Map.of("Accept", PROTOBUF, "If-None-Match", "\"other\"")).status);
        assertEquals(406, get(Map.of("Accept", "text/html")).status);
        // q-values order the preferences
        FakeHttp.Response preferred = get(Map.of("Accept", "application/json;q=0.5, " + PROTOBUF));
        assertTrue(preferred.headers.get("Content-Type").contains("protobuf"));
    }

    @Test
    void bearerTokensAreTheSecurityOfEveryOperationAsInKube() throws Exception {
        JsonNode doc = Json.MAPPER.readTree(get(Map.of("Accept", "application/json")).text());
        assertEquals("{\"BearerToken\":{\"description\":\"Bearer Token authentication\",\"type\":\"apiKey\","
                + "\"name\":\"authorization\",\"in\":\"header\"}}", doc.path("securityDefinitions").toString());
        assertEquals("[{\"BearerToken\":[]}]", doc.path("security").toString());
    }
}
