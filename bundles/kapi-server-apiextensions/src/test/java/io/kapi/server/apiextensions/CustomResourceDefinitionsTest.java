package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CustomResourceDefinitions as kube's apiextensions-apiserver validates them (messages of its
 * {@code ValidateCustomResourceDefinition}), and the API group served from them: versions in kube's
 * priority order, schemas, subresources, printer columns, and custom resources pruned, defaulted and
 * validated against the structural schema.
 */
class CustomResourceDefinitionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode crd() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.example.com"},
                 "spec":{"group":"example.com","scope":"Namespaced",
                  "names":{"plural":"widgets","kind":"Widget","shortNames":["wd"],"categories":["all"]},
                  "versions":[
                   {"name":"v1beta1","served":true,"storage":false,
                    "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
                      "properties":{"size":{"type":"integer"}}}}}}},
                   {"name":"v1","served":true,"storage":true,
                    "schema":{"openAPIV3Schema":{"type":"object","properties":{
                      "spec":{"type":"object","required":["size"],"properties":{
                        "size":{"type":"integer","minimum":1},
                        "color":{"type":"string","enum":["red","blue"],"default":"red"},
                        "replicas":{"type":"integer"}}},
                      "status":{"type":"object","properties":{"replicas":{"type":"integer"},
                        "conditions":{"type":"array","items":{"type":"object","properties":{
                          "type":{"type":"string"},"status":{"type":"string"}}}}}}}}},
                    "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
                    "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"},
                      {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\\"Ready\\")].status"}]}]}}
                """);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    @Test
    void aValidDefinitionIsDefaultedAndStartsItsStoredVersions() throws Exception {
        CrdStrategy s = new CrdStrategy();
        ObjectNode c = crd();
        s.applyDefaults(c);
        assertEquals("widget", c.at("/spec/names/singular").asText());
        assertEquals("WidgetList", c.at("/spec/names/listKind").asText());
        assertEquals("None", c.at("/spec/conversion/strategy").asText());
        s.prepareForCreate(c);
        assertEquals("[\"v1\"]", c.at("/status/storedVersions").toString());
        assertEquals(List.of(), messages(s.validate(c)));
    }

    @Test
    void kubesMessagesForAnInvalidDefinition() throws Exception {
        CrdStrategy s = new CrdStrategy();
        ObjectNode c = crd();
        c.with("metadata").put("name", "gadgets.example.com");
        c.with("spec").put("group", "example");
        c.with("spec").put("scope", "Global");
        ((ObjectNode) c.at("/spec/versions/0")).put("storage", true);
        ((ObjectNode) c.at("/spec/versions/0")).remove("schema");
        ((ObjectNode) c.at("/spec/names")).put("listKind", "Widget");
        List<String> got = messages(s.validate(c));
        assertTrue(got.contains("metadata.name: Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group"), got.toString());
        assertTrue(got.contains("spec.group: Invalid value: \"example\": should be a domain with at least one dot"), got.toString());
        assertTrue(got.contains("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\""), got.toString());
        assertTrue(got.contains("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"), got.toString());
        assertTrue(got.contains("spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: "
                + "must have exactly one version marked as storage version"), got.toString());
        assertTrue(got.contains("spec.names.listKind: Invalid value: \"Widget\": kind and listKind may not be the same"), got.toString());
        assertTrue(got.contains("spec.names.singular: Required value"), got.toString());
    }

    @Test
    void aDeleteMarksTheDefinitionTerminatingBehindTheCleanupFinalizer() throws Exception {
        CrdStrategy s = new CrdStrategy();
        ObjectNode c = crd();
        s.prepareForDelete(c);
        assertEquals("[\"customresourcecleanup.apiextensions.k8s.io\"]", c.at("/metadata/finalizers").toString());
        assertTrue(CrdConditions.isTrue(c, "Terminating"));
        assertTrue(s.keepAfterMark(c));
        c.with("metadata").remove("finalizers");
        assertTrue(!s.keepAfterMark(c), "once the finalizer is gone the definition goes");
    }

    @Test
    void theServedGroupHasKubesVersionOrderAndEachVersionsResource() throws Exception {
        CrdGroup g = new CrdGroup("example.com", List.of(crd()));
        assertEquals(List.of("v1", "v1beta1"), g.versions());
        ResourceDefinition v1 = g.resources().stream().filter(r -> r.version().equals("v1")).findFirst().orElseThrow();
        assertTrue(v1.namespaced());
        assertEquals(List.of("wd"), v1.shortNames());
        assertEquals(List.of("all"), v1.categories());
        assertEquals("v1", v1.storageVersion());
        assertNotNull(v1.status());
        assertEquals(".spec.replicas", v1.scale().specReplicasPath());
        assertEquals("string", v1.schema().at("/properties/apiVersion/type").asText(), "published with apiVersion, kind, metadata");
        ResourceDefinition beta = g.resources().stream().filter(r -> r.version().equals("v1beta1")).findFirst().orElseThrow();
        assertNull(beta.status());
        assertEquals(List.of("v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v10alpha1", "v1alpha1", "foo1", "foo10"),
                sorted(List.of("foo10", "v1alpha1", "v11beta2", "v1", "v10beta3", "foo1", "v10alpha1", "v3beta1", "v2")));
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(CrdGroup.versionOrder());
        return out;
    }

    @Test
    void customResourcesArePrunedDefaultedAndValidatedAgainstTheSchema() throws Exception {
        CrdGroup g = new CrdGroup("example.com", List.of(crd()));
        ResourceDefinition v1 = g.resources().stream().filter(r -> r.version().equals("v1")).findFirst().orElseThrow();
        ObjectNode w = (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","extra":1},
                 "spec":{"size":3,"unknown":true}}""");
        v1.strategy().applyDefaults(w);
        assertEquals("{\"size\":3,\"color\":\"red\"}", w.get("spec").toString(), "pruned and defaulted");
        assertTrue(w.at("/metadata/extra").isMissingNode());
        assertEquals(List.of(), v1.strategy().validate(w));
        ObjectNode bad = (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2"},"spec":{"size":0,"color":"green"}}""");
        List<String> got = messages(v1.strategy().validate(bad));
        assertTrue(got.contains("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"), got.toString());
        assertTrue(got.contains("spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\""), got.toString());
        ObjectNode wrongKind = (ObjectNode) JSON.readTree("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gadget\",\"spec\":{\"size\":1}}");
        assertEquals(List.of("kind: Invalid value: \"Gadget\": must be Widget"), messages(v1.strategy().validate(wrongKind)));
    }

    @Test
    void printerColumnsReadKubesSimpleJsonPaths() throws Exception {
        ObjectNode w = (ObjectNode) JSON.readTree("""
                {"metadata":{"name":"w1"},"spec":{"size":3},
                 "status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""");
        CrdGroup g = new CrdGroup("example.com", List.of(crd()));
        ResourceDefinition v1 = g.resources().stream().filter(r -> r.version().equals("v1")).findFirst().orElseThrow();
        var table = v1.strategy().table();
        assertEquals(List.of("Name", "Size", "Ready"), table.columns().stream().map(c -> c.name()).toList());
        assertEquals(List.of("w1", 3L, "True"), table.cells(w));
        assertNull(PrinterColumns.find(w, ".spec.missing"));
        assertEquals("Synced", PrinterColumns.find(w, ".status.conditions[0].type").asText());
        assertEquals("Ready", PrinterColumns.find(w, "{.status.conditions[-1].type}").asText());
    }

    @Test
    void selectableFieldsAreTheVersionsFieldSelectors() throws Exception {
        ObjectNode c = crd();
        ((ObjectNode) c.at("/spec/versions/1")).putArray("selectableFields").add(JSON.createObjectNode().put("jsonPath", ".spec.color"))
                .add(JSON.createObjectNode().put("jsonPath", ".spec.size"));
        CrdGroup g = new CrdGroup("example.com", List.of(c));
        var v1 = g.resources().stream().filter(r -> r.version().equals("v1")).findFirst().orElseThrow().strategy();
        ObjectNode w = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"w1\"},\"spec\":{\"size\":3}}");
        // kube's GetAttrs: Go's fmt.Sprint of the value, "" where the object has none
        assertEquals(java.util.Map.of("spec.color", "", "spec.size", "3"), v1.selectableFields(w));
        assertEquals("field label not supported: spec.other", v1.unsupportedFieldSelector("spec.other"));
        var beta = g.resources().stream().filter(r -> r.version().equals("v1beta1")).findFirst().orElseThrow().strategy();
        assertEquals(java.util.Map.of(), beta.selectableFields(w), "selectable fields are per version");
    }

    @Test
    void aTerminatingDefinitionRefusesCreatesWithKubesAnswer() throws Exception {
        ObjectNode c = crd();
        var served = new CrdGroup("example.com", List.of(c)).resources().get(0).strategy();
        served.prepareForCreate(JSON.createObjectNode()); // no refusal while the definition lives
        new CrdStrategy().prepareForDelete(c);
        var v1 = new CrdGroup("example.com", List.of(c)).resources().get(0).strategy();
        io.kapi.api.rest.StatusException e = org.junit.jupiter.api.Assertions.assertThrows(io.kapi.api.rest.StatusException.class,
                () -> v1.prepareForCreate(JSON.createObjectNode()));
        assertEquals(405, e.code());
        assertEquals("MethodNotAllowed", e.reason());
        assertEquals("create not allowed while custom resource definition is terminating", e.getMessage());
        assertEquals("widgets", e.kind());
    }

    @Test
    void aDeprecatedVersionWarnsAsKube() throws Exception {
        ObjectNode c = crd();
        ((ObjectNode) c.at("/spec/versions/0")).put("deprecated", true);
        var beta = new CrdGroup("example.com", List.of(c)).resources().stream().filter(r -> r.version().equals("v1beta1")).findFirst().orElseThrow();
        assertEquals("example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget", beta.deprecationWarning());
        ((ObjectNode) c.at("/spec/versions/0")).put("deprecationWarning", "v1beta1 goes in 2027");
        beta = new CrdGroup("example.com", List.of(c)).resources().stream().filter(r -> r.version().equals("v1beta1")).findFirst().orElseThrow();
        assertEquals("v1beta1 goes in 2027", beta.deprecationWarning());
        ((ObjectNode) c.at("/spec/versions/1")).put("deprecated", true);
        var v1 = new CrdGroup("example.com", List.of(c)).resources().stream().filter(r -> r.version().equals("v1")).findFirst().orElseThrow();
        assertEquals("example.com/v1 Widget is deprecated", v1.deprecationWarning(), "no newer version to point to");
        assertNull(new CrdGroup("example.com", List.of(crd())).resources().get(0).deprecationWarning());
    }
}
