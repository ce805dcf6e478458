package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status strategies of CustomResourceDefinitions and of custom resources, as kube 1.32's: what a
 * write to /status stores, and the reset fields an apply through /status neither owns nor conflicts over.
 */
class StatusStrategiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode widget(String value) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"l":"%1$s"},
                  "annotations":{"a":"%1$s"},"managedFields":[{"manager":"%1$s","operation":"Apply"}]},
                 "spec":{"size":1,"probe":"%1$s"},"extra":"%1$s","status":{"replicas":1,"probe":"%1$s"}}""".formatted(value));
    }

    @Test
    void aCustomResourceStatusWriteStoresOnlyItsStatusWhileOnlySpecIsReset() throws Exception {
        ResourceDefinition v1 = new CrdGroup("example.com", List.of(CustomResourceDefinitionsTest.crd())).resources().stream()
                .filter(r -> r.version().equals("v1")).findFirst().orElseThrow();
        assertEquals(List.of(List.of("spec")), ((ResetFields) v1.status()).resetFields());

        ObjectNode written = widget("new");
        v1.status().prepareForUpdate(written, widget("old"));
        assertEquals("new", written.at("/status/probe").asText());
        assertEquals("new", written.at("/metadata/managedFields/0/manager").asText(), "the managed fields record this write");
        assertEquals("old", written.at("/spec/probe").asText());
        assertEquals("old", written.at("/metadata/labels/l").asText(), "kube resets metadata though it is no reset field");
        assertEquals("old", written.at("/metadata/annotations/a").asText());
        assertEquals("old", written.path("extra").asText(), "and every other top-level field");
    }

    @Test
    void aDefinitionStatusWriteKeepsTheStoredSpecAndTheWritersMetadata() throws Exception {
        ResourceDefinition crds = new CrdGroupProvider().resources().get(0);
        assertEquals(List.of(List.of("metadata"), List.of("spec")), ((ResetFields) crds.status()).resetFields());

        ObjectNode old = CustomResourceDefinitionsTest.crd();
        old.with("metadata").putObject("labels").put("l", "old");
        ObjectNode written = CustomResourceDefinitionsTest.crd();
        written.with("metadata").putObject("labels").put("l", "new");
        written.with("metadata").putObject("annotations").put("a", "new");
        written.with("spec").put("scope", "Cluster");
        written.putObject("status").putArray("storedVersions").add("v1");
        crds.status().prepareForUpdate(written, old);
        assertEquals("Namespaced", written.at("/spec/scope").asText(), "the stored spec stays");
        assertEquals("[\"v1\"]", written.at("/status/storedVersions").toString());
        // kube's ResetObjectMetaForStatus is given the new metadata twice: nothing of it is reset
        assertEquals("new", written.at("/metadata/labels/l").asText());
        assertEquals("new", written.at("/metadata/annotations/a").asText());
        assertTrue(written.at("/metadata/name").isTextual());
    }
}
