package io.kapi.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StoredJsonTest {
    private final StoredJson configMaps = new StoredJson("v1", "ConfigMap");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bytesInTheStoresOwnFormAreAnsweredFromTheirPrefix() {
        String head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{";
        assertEquals(head.length(), configMaps.metadataBodyStart(b(head + "\"name\":\"a\"},\"data\":{\"k\":\"v\"}}")));
        assertEquals(head.length(), configMaps.metadataBodyStart(b(head + "}}")));
        assertEquals(56, new StoredJson("apps/v1", "Deployment").metadataBodyStart(
                b("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"}}")));
    }

    @Test
    void aResourceVersionAnywhereOrAnotherFormIsParsed() {
        // in the metadata: no splice
        assertEquals(-1, configMaps.metadataBodyStart(
                b("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"}}")));
        // only in the data: the parse finds the metadata free of one
        assertEquals(50, configMaps.metadataBodyStart(
                b("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"x\":\"\\\"resourceVersion\\\":1\"}}")));
        // another order: parsed
        assertEquals(31, configMaps.metadataBodyStart(b("{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"},\"kind\":\"ConfigMap\"}")));
        // another version: converted by the caller
        assertEquals(-1, configMaps.metadataBodyStart(
                b("{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}")));
        // whitespace before the brace: parsed, and spliced after it
        assertEquals(51, configMaps.metadataBodyStart(
                b("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\": {\"name\":\"a\"}}")));
        // whitespace after it: decoded by the caller
        assertEquals(-1, configMaps.metadataBodyStart(
                b("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{ \"name\":\"a\"}}")));
    }

    @Test
    void theParseFindsTheTopLevelMetadataOnly() {
        assertEquals(-1, StoredJson.parsedMetadataBodyStart(b("{\"metadata\":{\"resourceVersion\":\"1\"}}")));
        assertEquals(-1, StoredJson.parsedMetadataBodyStart(b("[1]")));
        assertEquals(-1, StoredJson.parsedMetadataBodyStart(b("{\"spec\":{\"template\":{\"metadata\":{}}}}")));
        assertEquals(13, StoredJson.parsedMetadataBodyStart(b("{\"metadata\":{}}")));
        assertEquals(35, StoredJson.parsedMetadataBodyStart(b("{\"spec\":{\"metadata\":1},\"metadata\":{\"name\":\"a\"}}")));
    }

    @Test
    void theStoresFormPutsApiVersionKindAndMetadataFirst() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode sorted = io.kapi.core.json.Json.parseObject(
                b("{\"data\":{\"k\":\"v\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"apiVersion\":\"v1\",\"immutable\":true}"));
        String stored = new String(io.kapi.core.json.Json.bytes(StoredJson.inStoredOrder(sorted)), StandardCharsets.UTF_8);
        assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"},\"immutable\":true}", stored);
        assertEquals(50, configMaps.metadataBodyStart(b(stored)));
        com.fasterxml.jackson.databind.node.ObjectNode already = io.kapi.core.json.Json.parseObject(b(stored));
        org.junit.jupiter.api.Assertions.assertSame(already, StoredJson.inStoredOrder(already));
        com.fasterxml.jackson.databind.node.ObjectNode noKind = io.kapi.core.json.Json.parseObject(b("{\"metadata\":{},\"apiVersion\":\"v1\"}"));
        assertEquals("{\"apiVersion\":\"v1\",\"metadata\":{}}",
                new String(io.kapi.core.json.Json.bytes(StoredJson.inStoredOrder(noKind)), StandardCharsets.UTF_8));
    }
}
