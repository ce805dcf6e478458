package io.kapi.machinery.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strategic merge patch metadata read from a kind's OpenAPI schema, as kube's schemas carry it. */
class SmpSchemaTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void patchStrategiesAndMergeKeysComeFromTheSchema() throws Exception {
        // the shape of kube 1.32's published schema for a pod template's containers and a ServiceAccount's secrets
        Map<String, JsonNode> refs = Map.of(
                "#/components/schemas/Container", json("{'type':'object','properties':{'name':{'type':'string'},"
                        + "'ports':{'type':'array','items':{'type':'object'},'x-kubernetes-patch-merge-key':'containerPort',"
                        + "'x-kubernetes-patch-strategy':'merge'},'env':{'type':'array','items':{'type':'object'},"
                        + "'x-kubernetes-patch-merge-key':'name','x-kubernetes-patch-strategy':'merge'}}}"));
        JsonNode schema = json("{'type':'object','properties':{'secrets':{'type':'array','items':{'type':'object'},"
                + "'x-kubernetes-patch-merge-key':'name','x-kubernetes-patch-strategy':'merge'},"
                + "'spec':{'type':'object','properties':{'containers':{'type':'array','items':{'allOf':[{'$ref':'#/components/schemas/Container'}]},"
                + "'x-kubernetes-patch-merge-key':'name','x-kubernetes-patch-strategy':'merge'},"
                + "'volumes':{'type':'array','items':{'type':'object'},'x-kubernetes-patch-merge-key':'name',"
                + "'x-kubernetes-patch-strategy':'merge,retainKeys'},"
                + "'args':{'type':'array','items':{'type':'string'}},"
                + "'selector':{'type':'object','x-kubernetes-patch-strategy':'replace'},"
                + "'names':{'type':'array','items':{'type':'string'},'x-kubernetes-patch-strategy':'merge'}}}}}");
        SmpSchema smp = SmpSchema.fromOpenApi(schema, refs::get);
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "name"), smp.field("secrets"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "name"), smp.field("spec.containers"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "containerPort"), smp.field("spec.containers.ports"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "name"), smp.field("spec.volumes"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.REPLACE, ""), smp.field("spec.selector"));
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, ""), smp.field("spec.names"));
        assertNull(smp.field("spec.args"), "untagged lists are replaced");
        assertEquals(SmpSchema.objectMeta().field("metadata.ownerReferences"), smp.field("metadata.ownerReferences"));

        // and a patch uses them: containers merge by name, a container's ports by containerPort
        ObjectNode current = (ObjectNode) json("{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80}]},{'name':'b'}],"
                + "'args':['x','y']}}");
        ObjectNode patched = Patches.apply(Patches.STRATEGIC_MERGE_PATCH, current,
                "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":443}]}],\"args\":[\"z\"]}}".getBytes(), smp);
        assertEquals(json("{'spec':{'containers':[{'name':'a','ports':[{'containerPort':443},{'containerPort':80}]},{'name':'b'}],"
                + "'args':['z']}}"), patched);
    }

    @Test
    void strategiesInsideMapValuesApplyWhateverTheKey() throws Exception {
        // a map of pod-template-like values, as a custom kind's schema can carry it
        JsonNode schema = json("{'type':'object','properties':{'templates':{'type':'object','additionalProperties':{'type':'object',"
                + "'properties':{'containers':{'type':'array','items':{'type':'object'},'x-kubernetes-patch-merge-key':'name',"
                + "'x-kubernetes-patch-strategy':'merge'}}}},'labels':{'type':'object','additionalProperties':{'type':'string'}}}}");
        SmpSchema smp = SmpSchema.fromOpenApi(schema, r -> null);
        assertEquals(new SmpSchema.FieldMeta(SmpSchema.Strategy.MERGE, "name"), smp.field("templates.*.containers"));
        assertEquals("templates.*", smp.childPath("templates", "web"));
        assertEquals("labels.app", smp.childPath("labels", "app"), "a map without strategies below keeps its keys");
        ObjectNode current = (ObjectNode) json("{'templates':{'web':{'containers':[{'name':'a','image':'1'},{'name':'b'}]}}}");
        ObjectNode patched = Patches.apply(Patches.STRATEGIC_MERGE_PATCH, current,
                "{\"templates\":{\"web\":{\"containers\":[{\"name\":\"a\",\"image\":\"2\"}]}}}".getBytes(), smp);
        assertEquals(json("{'templates':{'web':{'containers':[{'name':'a','image':'2'},{'name':'b'}]}}}"), patched);
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Timeout(10)
    void aRecursiveSchemaIsWalkedOncePerLevelOfItsOwnType() throws Exception {
        // a CustomResourceDefinition's JSONSchemaProps refers to itself from a dozen fields
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode props = m.readTree("""
                {"type":"object","properties":{
                  "items":{"$ref":"#/components/schemas/Props"},"not":{"$ref":"#/components/schemas/Props"},
                  "allOf":{"type":"array","items":{"$ref":"#/components/schemas/Props"}},
                  "anyOf":{"type":"array","items":{"$ref":"#/components/schemas/Props"}},
                  "oneOf":{"type":"array","items":{"$ref":"#/components/schemas/Props"}},
                  "properties":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/Props"}},
                  "definitions":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/Props"}},
                  "tags":{"type":"array","items":{"type":"string"},"x-kubernetes-patch-strategy":"merge"}}}""");
        com.fasterxml.jackson.databind.JsonNode root = m.readTree("""
                {"type":"object","properties":{"spec":{"type":"object","properties":{
                  "schema":{"$ref":"#/components/schemas/Props"}}}}}""");
        SmpSchema s = SmpSchema.fromOpenApi(root, ref -> ref.equals("#/components/schemas/Props") ? props : null);
        org.junit.jupiter.api.Assertions.assertNotNull(s);
        org.junit.jupiter.api.Assertions.assertTrue(s.toString().contains("spec.schema.tags"), s.toString());
    }
}
