package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /openapi/v3 per group-version with content hashes: a group that comes or goes changes only its own entry. */
class OpenApiV3Test extends ServingTestBase {
    private JsonNode index() throws Exception {
        return Json.MAPPER.readTree(call("GET", "/openapi/v3", null).text()).get("paths");
    }

    @Test
    void anotherGroupComingAndGoingLeavesADocumentsHashAlone() throws Exception {
        serveWidgets();
        String widgets = index().at("/apis~1things.example.com~1v1/serverRelativeURL").asText();
        assertTrue(widgets.startsWith("/openapi/v3/apis/things.example.com/v1?hash="), widgets);
        Contribution<APIGroupProvider> gadgets = c(provider("gadgets.example.com", "gadgets", "Gadget"), 0, "g", Map.of());
        server.contributions().addProvider(gadgets);
        server.rebuild();
        JsonNode both = index();
        assertEquals(widgets, both.at("/apis~1things.example.com~1v1/serverRelativeURL").asText(), "unchanged");
        String gadgetsUrl = both.at("/apis~1gadgets.example.com~1v1/serverRelativeURL").asText();
        assertFalse(gadgetsUrl.isEmpty());
        assertNotEquals(widgets.substring(widgets.indexOf("hash=")), gadgetsUrl.substring(gadgetsUrl.indexOf("hash=")));
        FakeHttp.Response doc = call("GET", gadgetsUrl, null);
        assertEquals(200, doc.status);
        assertEquals("public, immutable", doc.headers.get("Cache-Control"), "a document fetched by its hash is immutable");
        FakeHttp.Response stale = call("GET", "/openapi/v3/apis/gadgets.example.com/v1?hash=0123ABCD", null);
        assertEquals(301, stale.status, "a stale hash is sent to the current document, as kube-openapi does");
        assertEquals(gadgetsUrl, stale.headers.get("Location"));
        server.contributions().removeProvider(gadgets.serviceId());
        server.rebuild();
        assertTrue(index().at("/apis~1gadgets.example.com~1v1").isMissingNode());
        assertEquals(widgets, index().at("/apis~1things.example.com~1v1/serverRelativeURL").asText());
    }
}
