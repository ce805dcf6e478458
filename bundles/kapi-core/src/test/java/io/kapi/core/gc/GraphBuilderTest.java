package io.kapi.core.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The collector reads only an object's metadata, wherever it stands in the object. */
class GraphBuilderTest {
    private static JsonNode metadata(String json) {
        return GraphBuilder.metadata("/registry/x", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheMetadataPastWhatComesBeforeIt() {
        JsonNode m = metadata("{\"data\":{\"a\":[1,{\"metadata\":{\"uid\":\"inner\"}}],\"b\":\"x\"},\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"uid\":\"u1\",\"ownerReferences\":[{\"uid\":\"o1\",\"kind\":\"Deployment\"}]},\"spec\":{}}");
        assertEquals("u1", m.path("uid").asText(), "the top-level metadata, not one nested in the data");
        assertEquals("o1", m.path("ownerReferences").path(0).path("uid").asText());
    }

    @Test
    void onlyWhatTheCollectorReadsIsKept() {
        JsonNode m = metadata("{\"metadata\":{\"name\":\"a\",\"uid\":\"u\",\"labels\":{\"x\":\"y\"},\"finalizers\":[\"orphan\"],"
                + "\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:data\":{}}}],"
                + "\"deletionTimestamp\":\"2026-12-07T00:00:00Z\",\"ownerReferences\":[]},\"data\":{}}");
        java.util.Set<String> kept = new java.util.TreeSet<>();
        m.fieldNames().forEachRemaining(kept::add);
        assertEquals(java.util.Set.of("uid", "finalizers", "deletionTimestamp", "ownerReferences"), kept);
        assertEquals("orphan", m.path("finalizers").path(0).asText());
    }

    @Test
    void anObjectWithoutMetadataHasNone() {
        assertTrue(metadata("{\"kind\":\"ConfigMap\",\"data\":{}}").isMissingNode());
        assertTrue(metadata("{\"metadata\":\"text\"}").isMissingNode(), "metadata that is not an object names nothing");
    }

    @Test
    void aValueThatIsNotJsonIsPassedOver() {
        assertNull(metadata("{\"apiVersion\":"));
        assertNull(metadata("[1,2]"));
        assertNull(metadata("{\"data\":{\"a\":}, \"metadata\":{\"uid\":\"u\"}}"), "broken before the metadata");
    }

    @Test
    void whatFollowsTheMetadataIsNotRead() {
        // objects are stored with their metadata first: the rest of a large object costs nothing
        assertEquals("u", metadata("{\"apiVersion\":\"v1\",\"metadata\":{\"uid\":\"u\"},\"data\":{\"a\":").path("uid").asText());
    }

    @Test
    void theByteSearchFindsANeedleWhereverAPlainSearchDoes() {
        GraphBuilder.Needle needle = new GraphBuilder.Needle("\"ownerReferences\"");
        String n = "\"ownerReferences\"";
        for (String hay : new String[] {n, "{" + n + ":[]}", "x" + n, n + "x", "\"ownerReferences", "ownerReferences\"", "",
                "\"", "\"\"ownerReferences\"\"", "\"f:ownerReferences\":{}", "\"ownerReferencesX\"", "\"ownerReferences\"\"ownerReferences\"",
                "\u00e9\u00ff" + n, "\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff"}) {
            assertEquals(hay.contains(n), needle.in(hay.getBytes(StandardCharsets.ISO_8859_1)), hay);
        }
        // random text from the needle's own bytes and a few others (bytes above 127 among them, negative as Java
        // bytes), so that partial matches and skips of every length occur
        java.util.Random random = new java.util.Random(7);
        String alphabet = "\"ownerRfcsx:{}\u00e9\u00ff";
        int found = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                b.insert(random.nextInt(b.length() + 1), n);
            }
            String hay = b.toString();
            assertEquals(hay.contains(n), needle.in(hay.getBytes(StandardCharsets.ISO_8859_1)), hay);
            found += hay.contains(n) ? 1 : 0;
        }
        assertTrue(found > 4000, "the rounds hold the needle often enough to mean something: " + found);
    }
}
