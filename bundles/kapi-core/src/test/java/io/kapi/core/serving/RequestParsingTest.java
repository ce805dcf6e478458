package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.core.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Query parameters, Accept and Content-Type read as kube-apiserver reads them: the parameter codec
 * ignores what it does not know and takes a repeated scalar's first value
 * ({@code runtime.Convert_Slice_string_To_int64}); Accept is negotiated by q-value, then the server's
 * order for wildcards (goautoneg in {@code negotiation.NegotiateMediaTypeOptions}); a body's
 * Content-Type is matched on its media type alone, its parameters, charset too, are not looked at
 * ({@code mime.ParseMediaType} in {@code NegotiateInputSerializerForMediaType}).
 */
class RequestParsingTest extends ServingTestBase {
    private static final String WIDGETS = "/apis/things.example.com/v1/widgets";

    @BeforeEach
    void widgets() throws Exception {
        serveWidgets();
        for (String name : new String[] {"w1", "w2", "w3"}) {
            assertEquals(201, call("POST", WIDGETS, "{\"metadata\":{\"name\":\"" + name + "\"}}").status);
        }
    }

    private FakeHttp.Response get(String uri, String accept) throws Exception {
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response r = start("GET", uri, accept, null, async);
        async.awaitCompletion();
        return r;
    }

    private static JsonNode json(FakeHttp.Response r) throws Exception {
        return Json.MAPPER.readTree(r.text());
    }

    @Test
    void unknownQueryParametersAreIgnoredEvenUnderStrictFieldValidation() throws Exception {
        FakeHttp.Response list = call("GET", WIDGETS + "?bogus=1&labelSelector=", null);
        assertEquals(200, list.status, list.text());
        assertEquals(3, json(list).path("items").size());
        FakeHttp.Response one = call("GET", WIDGETS + "/w1?bogus", null);
        assertEquals(200, one.status, one.text());
        assertEquals("w1", json(one).at("/metadata/name").asText());
        // fieldValidation=Strict is about the body's fields: the query's are decoded by the parameter codec
        FakeHttp.Response create = call("POST", WIDGETS + "?fieldValidation=Strict&bogus=1", "{\"metadata\":{\"name\":\"w9\"}}");
        assertEquals(201, create.status, create.text());
        assertFalse(create.headers.containsKey("Warning"), "nothing to warn about");
    }

    @Test
    void aRepeatedParameterTakesItsFirstValue() throws Exception {
        JsonNode one = json(call("GET", WIDGETS + "?limit=1&limit=2", null));
        assertEquals(1, one.path("items").size(), one.toString());
        assertFalse(one.at("/metadata/continue").asText().isEmpty());
        JsonNode two = json(call("GET", WIDGETS + "?limit=2&limit=1", null));
        assertEquals(2, two.path("items").size(), two.toString());
    }

    @Test
    void acceptWildcardsAndQValues() throws Exception {
        for (String accept : new String[] {"*/*", "application/*", "text/html, */*;q=0.1"}) {
            FakeHttp.Response r = get(WIDGETS + "/w1", accept);
            assertEquals(200, r.status, accept);
            assertEquals("application/json", r.headers.get("Content-Type"), accept);
            assertEquals("w1", json(r).at("/metadata/name").asText());
        }
        FakeHttp.Response yaml = get(WIDGETS + "/w1", "application/json;q=0.5, application/yaml;q=0.9");
        assertEquals(200, yaml.status);
        assertEquals("application/yaml", yaml.headers.get("Content-Type"));
        assertEquals("w1", Json.YAML.readTree(yaml.text()).at("/metadata/name").asText());
        FakeHttp.Response json = get(WIDGETS + "/w1", "application/yaml;q=0.2, application/json");
        assertEquals("application/json", json.headers.get("Content-Type"), "no q is 1");
        // goautoneg.ParseAccept keeps a q=0 clause (sorted last) and kube matches it as any other
        FakeHttp.Response zero = get(WIDGETS + "/w1", "text/html, application/json;q=0");
        assertEquals(200, zero.status, zero.text());
        assertEquals("application/json", zero.headers.get("Content-Type"));
        assertEquals(406, get(WIDGETS + "/w1", "text/html, image/*").status);
    }

    @Test
    void aBodysCharsetIsNotLookedAt() throws Exception {
        FakeHttp.Response utf8 = call("POST", WIDGETS, "application/json; charset=utf-8", "{\"metadata\":{\"name\":\"w4\"}}");
        assertEquals(201, utf8.status, utf8.text());
        FakeHttp.Response latin1 = call("POST", WIDGETS, "application/json;charset=latin1", "{\"metadata\":{\"name\":\"w5\"}}");
        assertEquals(201, latin1.status, latin1.text());
        FakeHttp.Response patch = call("PATCH", WIDGETS + "/w4", "application/merge-patch+json; charset=utf-8",
                "{\"metadata\":{\"labels\":{\"a\":\"1\"}}}");
        assertEquals(200, patch.status, patch.text());
        assertEquals("1", json(patch).at("/metadata/labels/a").asText());
        FakeHttp.Response text = call("POST", WIDGETS, "text/plain; charset=utf-8", "{\"metadata\":{\"name\":\"w6\"}}");
        assertEquals(415, text.status, text.text());
    }
}
