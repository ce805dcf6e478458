package io.kapi.group.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** autoscaling/v2 and v1 HorizontalPodAutoscalers on the group-author API alone: kube 1.32's rules. */
class HorizontalPodAutoscalerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUPPORTED_SOURCES =
            "supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"";

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    /** kube's validation_test.go base case: an autoscaler of a replication controller with one metric. */
    private static ObjectNode hpa(String ref, String minReplicas, int maxReplicas, String metrics) throws Exception {
        return obj("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"myautoscaler","namespace":"default"},
                 "spec":{"scaleTargetRef":%s,%s"maxReplicas":%d,"metrics":%s}}"""
                .formatted(ref, minReplicas == null ? "" : "\"minReplicas\":" + minReplicas + ",", maxReplicas, metrics));
    }

    private static final String RC = "{\"kind\":\"ReplicationController\",\"name\":\"myrc\"}";
    private static final String CPU70 = "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]";

    private static List<String> errors(String ref, String min, int max, String metrics) throws Exception {
        return messages(HpaValidation.validate(hpa(ref, min, max, metrics), 1));
    }

    @Test
    void kubesSuccessCasesAreValid() throws Exception {
        assertEquals(List.of(), errors(RC, "1", 5, CPU70));
        assertEquals(List.of(), errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
                + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"300m\"}}}]"));
        assertEquals(List.of(), errors(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"somemetric\"},"
                + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"300m\"}}}]"));
        assertEquals(List.of(), errors(RC, "1", 5, "[{\"type\":\"Object\",\"object\":{\"describedObject\":" + RC
                + ",\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"Value\",\"value\":\"300m\"}}}]"));
        assertEquals(List.of(), errors(RC, "1", 5, "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"somemetric\","
                + "\"selector\":{\"matchLabels\":{\"label\":\"value\"}}},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"300m\"}}}]"));
        assertEquals(List.of(), errors(RC, "1", 5, "[{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"cpu\","
                + "\"container\":\"test-container\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]"));
    }

    @Test
    void theReferenceAndReplicaBoundsAreCheckedAsKubeDoes() throws Exception {
        assertEquals(List.of("spec.scaleTargetRef.kind: Required value"), errors("{\"name\":\"myrc\"}", "1", 5, CPU70));
        assertEquals(List.of("spec.scaleTargetRef.kind: Invalid value: \"..\": may not be '..'"),
                errors("{\"kind\":\"..\",\"name\":\"myrc\"}", "1", 5, CPU70));
        assertEquals(List.of("spec.scaleTargetRef.name: Required value"), errors("{\"kind\":\"ReplicationController\"}", "1", 5, CPU70));
        assertEquals(List.of("spec.scaleTargetRef.name: Invalid value: \"my/rc\": may not contain '/'"),
                errors("{\"kind\":\"ReplicationController\",\"name\":\"my/rc\"}", "1", 5, CPU70));
        assertEquals(List.of("spec.minReplicas: Invalid value: -1: must be greater than or equal to 1",
                        "spec.scaleTargetRef.kind: Required value", "spec.scaleTargetRef.name: Required value"),
                errors("{}", "-1", 5, CPU70));
        assertEquals(List.of("spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"), errors(RC, "7", 5, CPU70));
        assertEquals(List.of("spec.maxReplicas: Invalid value: 0: must be greater than 0"), errors(RC, null, 0, CPU70));
        // minReplicas 0 is refused (HPAScaleToZero is off), and needs an Object or External metric besides
        assertEquals(List.of("spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"),
                errors(RC, "0", 5, CPU70));
        // an update of an autoscaler that has 0 already may keep it
        ObjectNode zero = hpa(RC, "0", 5, CPU70);
        assertEquals(List.of("spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"),
                messages(new HorizontalPodAutoscalerStrategy().validateUpdate(zero, zero.deepCopy())));
    }

    @Test
    void metricSourcesAreCheckedAsKubeDoes() throws Exception {
        assertEquals(List.of("spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
                        + "\"averageUtilization\":70,\"averageValue\":\"300m\"}}}]"));
        assertEquals(List.of("spec.metrics[0].resource.name: Required value: must specify a resource name"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]"));
        assertEquals(List.of("spec.metrics[0].resource.target.averageUtilization: Invalid value: -10: must be greater than 0"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":-10}}}]"));
        assertEquals(List.of("spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\"}}}]"));
        assertEquals(List.of("spec.metrics[0].resource.target.type: Invalid value: \"foo\": must be either Utilization, Value, or AverageValue"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"foo\",\"averageUtilization\":70}}}]"));
        assertEquals(List.of("spec.metrics[0].pods.metric.name: Required value: must specify a metric name"),
                errors(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"100m\"}}}]"));
        assertEquals(List.of("spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue"),
                errors(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"AverageValue\"}}}]"));
        // a quantity prints as Go's %#v of resource.Quantity
        assertEquals(List.of("spec.metrics[0].pods.target.averageValue: Invalid value: resource.Quantity{i:resource.int64Amount{value:-1, "
                        + "scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"-1\", Format:\"DecimalSI\"}: must be positive"),
                errors(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"-1\"}}}]"));
        assertEquals(List.of("spec.metrics[0].pods.target.averageValue: Invalid value: resource.Quantity{i:resource.int64Amount{value:-5, "
                        + "scale:-1}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"\", Format:\"DecimalSI\"}: must be positive"),
                errors(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"-0.5\"}}}]"));
        assertEquals(List.of("spec.metrics[0].object.describedObject.kind: Required value",
                        "spec.metrics[0].object.target.averageValue: Required value: must set either a target value or averageValue"),
                errors(RC, "1", 5, "[{\"type\":\"Object\",\"object\":{\"describedObject\":{\"name\":\"myrc\"},"
                        + "\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"Value\"}}}]"));
        assertEquals(List.of("spec.metrics[0].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target"),
                errors(RC, "1", 5, "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"Value\"}}}]"));
        assertEquals(List.of("spec.metrics[0].external.target.value: Forbidden: may not set both a target value for metric and a per-pod target"),
                errors(RC, "1", 5, "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"somemetric\"},"
                        + "\"target\":{\"type\":\"Value\",\"value\":\"300m\",\"averageValue\":\"300m\"}}}]"));
        String container = NameValidation.isDNS1123Label("Test_Container").get(0);
        assertEquals(List.of("spec.metrics[0].containerResource.name: Invalid value: \"InvalidResource\": must be a standard resource type or fully qualified",
                        "spec.metrics[0].containerResource.name: Invalid value: \"InvalidResource\": must be a standard resource for containers",
                        "spec.metrics[0].containerResource.container: Invalid value: \"Test_Container\": " + container),
                errors(RC, "1", 5, "[{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"InvalidResource\","
                        + "\"container\":\"Test_Container\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]"));
        // no type: required, and "unsupported" twice (kube checks the set, then switches on the type)
        assertEquals(List.of("spec.metrics[0].type: Required value: must specify a metric source type",
                        "spec.metrics[0].type: Unsupported value: \"\": " + SUPPORTED_SOURCES,
                        "spec.metrics[0].type: Unsupported value: \"\": " + SUPPORTED_SOURCES),
                errors(RC, "1", 5, "[{\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]"));
        assertEquals(List.of("spec.metrics[0].pods: Required value: must populate information for the given metric source"),
                errors(RC, "1", 5, "[{\"type\":\"Pods\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]"));
        assertEquals(List.of("spec.metrics[0].pods: Forbidden: must populate the given metric source only"),
                errors(RC, "1", 5, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}},"
                        + "\"pods\":{\"metric\":{\"name\":\"somemetric\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"1\"}}}]"));
    }

    @Test
    void behaviorRulesAreCheckedAsKubeDoes() throws Exception {
        ObjectNode h = hpa(RC, "1", 5, CPU70);
        h.with("spec").set("behavior", obj("""
                {"scaleUp":{"stabilizationWindowSeconds":3601,"selectPolicy":"foo","policies":[{"type":"Foo","value":0,"periodSeconds":1801}]},
                 "scaleDown":{"stabilizationWindowSeconds":-1,"policies":[]}}"""));
        assertEquals(List.of(
                "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600",
                "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"foo\": supported values: \"Disabled\", \"Max\", \"Min\"",
                "spec.behavior.scaleUp.policies[0].type: Unsupported value: \"Foo\": supported values: \"Percent\", \"Pods\"",
                "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
                "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
                "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero",
                "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy"),
                messages(HpaValidation.validate(h, 1)));
        h.with("spec").set("behavior", obj("{\"scaleDown\":{\"policies\":[{\"type\":\"Pods\",\"value\":1,\"periodSeconds\":0}]}}"));
        assertEquals(List.of("spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 0: must be greater than zero"),
                messages(HpaValidation.validate(h, 1)));
    }

    @Test
    void statusWritesKeepTheSpecAndMayNotMakeCountsNegative() throws Exception {
        HpaStatus status = new HpaStatus(false);
        ObjectNode old = hpa(RC, "1", 5, CPU70);
        ObjectNode write = hpa(RC, "2", 9, CPU70);
        write.putObject("status").put("currentReplicas", -1).put("desiredReplicas", -2);
        status.prepareForUpdate(write, old);
        assertEquals(old.get("spec"), write.get("spec"));
        assertEquals(List.of("status.currentReplicas: Invalid value: -1: must be greater than or equal to 0",
                "status.desiredReplicas: Invalid value: -2: must be greater than or equal to 0"), messages(status.validateUpdate(write, old)));
    }

    @Test
    void v2DefaultsAreKubes() throws Exception {
        HorizontalPodAutoscalerStrategy s = new HorizontalPodAutoscalerStrategy();
        ObjectNode h = obj("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web",
                 "annotations":{"autoscaling.alpha.kubernetes.io/metrics":"[]","keep":"me"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3,"behavior":{}}}""");
        s.applyDefaults(h);
        assertEquals(1, h.at("/spec/minReplicas").asInt());
        assertEquals(tree("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}]"),
                h.at("/spec/metrics"));
        assertEquals(obj("""
                {"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},
                  {"type":"Percent","value":100,"periodSeconds":15}]},
                 "scaleDown":{"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}"""), h.at("/spec/behavior"));
        assertEquals(obj("{\"keep\":\"me\"}"), h.at("/metadata/annotations"), "v2 drops v1's round-trip annotations");
        // what is set is kept, the rest of the rules defaulted
        ObjectNode partial = obj("""
                {"spec":{"minReplicas":2,"metrics":[{"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1"}}}],
                 "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Min"}}}}""");
        s.applyDefaults(partial);
        assertEquals(2, partial.at("/spec/minReplicas").asInt());
        assertEquals("Pods", partial.at("/spec/metrics/0/type").asText());
        assertEquals(obj("{\"stabilizationWindowSeconds\":60,\"selectPolicy\":\"Min\",\"policies\":[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}"),
                partial.at("/spec/behavior/scaleDown"));
        assertEquals(0, partial.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt());
        ObjectNode none = obj("{\"spec\":{\"maxReplicas\":1}}");
        s.applyDefaults(none);
        assertTrue(none.at("/spec/behavior").isMissingNode(), "no behavior, no defaults for it");

        ObjectNode v1 = obj("{\"apiVersion\":\"autoscaling/v1\",\"spec\":{\"maxReplicas\":3}}");
        new HorizontalPodAutoscalerV1Strategy().applyDefaults(v1);
        assertEquals(obj("{\"minReplicas\":1,\"maxReplicas\":3}"), v1.get("spec"), "v1 defaults minReplicas only");
    }

    @Test
    void aQuantityThatDoesNotParseIsABadRequest() throws Exception {
        ObjectNode h = hpa(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"qps\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"lots\"}}}]");
        StatusException e = assertThrows(StatusException.class, () -> new HorizontalPodAutoscalerStrategy().applyDefaults(h));
        assertEquals(400, e.code());
        assertEquals("HorizontalPodAutoscaler in version \"v2\" cannot be handled as a HorizontalPodAutoscaler: quantities must match "
                + "the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", e.getMessage());
    }

    @Test
    void createClearsTheStatusAndUpdateKeepsIt() throws Exception {
        HorizontalPodAutoscalerStrategy s = new HorizontalPodAutoscalerStrategy();
        ObjectNode h = hpa(RC, "1", 5, CPU70);
        h.putObject("status").put("currentReplicas", 4);
        s.prepareForCreate(h);
        assertEquals(obj("{\"desiredReplicas\":0}"), h.get("status"));
        // quantities are stored as kube writes them; one validation refuses stays as given, for its message
        ObjectNode q = hpa(RC, "1", 5, "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"a\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"0.5\"}}},"
                + "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"b\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":2048}}},"
                + "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"c\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"-0.5\"}}}]");
        s.prepareForCreate(q);
        assertEquals(List.of("500m", "2048", "-0.5"), List.of(q.at("/spec/metrics/0/pods/target/averageValue").asText(),
                q.at("/spec/metrics/1/pods/target/averageValue").asText(), q.at("/spec/metrics/2/pods/target/averageValue").asText()));
        assertFalse(s.tracksGeneration(), "kube 1.32 does not set an autoscaler's generation");
        ObjectNode old = hpa(RC, "1", 5, CPU70);
        old.putObject("status").put("currentReplicas", 2).put("desiredReplicas", 3);
        ObjectNode update = hpa(RC, "1", 6, CPU70);
        update.putObject("status").put("currentReplicas", 9);
        s.prepareForUpdate(update, old);
        assertEquals(old.get("status"), update.get("status"));

        HorizontalPodAutoscalerV1Strategy v1 = new HorizontalPodAutoscalerV1Strategy();
        ObjectNode o = obj("""
                {"apiVersion":"autoscaling/v1","metadata":{"name":"x","annotations":{
                  "autoscaling.alpha.kubernetes.io/conditions":"[]","autoscaling.alpha.kubernetes.io/current-metrics":"[]"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":2},"status":{"currentReplicas":3}}""");
        v1.prepareForCreate(o);
        assertEquals(obj("{\"currentReplicas\":0,\"desiredReplicas\":0}"), o.get("status"));
        assertTrue(o.at("/metadata/annotations").isMissingNode(), "the status v1 keeps in annotations is cleared too: " + o);
    }

    private static final String V1 = """
            {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
             "metadata":{"name":"web","namespace":"default","annotations":{"app":"web",
              "autoscaling.alpha.kubernetes.io/behavior":"{\\"ScaleUp\\":{\\"StabilizationWindowSeconds\\":0,\\"SelectPolicy\\":\\"Max\\",\\"Policies\\":[{\\"Type\\":\\"Pods\\",\\"Value\\":4,\\"PeriodSeconds\\":15},{\\"Type\\":\\"Percent\\",\\"Value\\":100,\\"PeriodSeconds\\":15}]},\\"ScaleDown\\":{\\"StabilizationWindowSeconds\\":null,\\"SelectPolicy\\":\\"Max\\",\\"Policies\\":[{\\"Type\\":\\"Pods\\",\\"Value\\":1,\\"PeriodSeconds\\":60}]}}",
              "autoscaling.alpha.kubernetes.io/conditions":"[{\\"type\\":\\"AbleToScale\\",\\"status\\":\\"True\\",\\"lastTransitionTime\\":\\"2024-05-06T07:08:09Z\\",\\"reason\\":\\"ReadyForNewScale\\",\\"message\\":\\"recommended size matches current size\\"}]",
              "autoscaling.alpha.kubernetes.io/current-metrics":"[{\\"type\\":\\"Resource\\",\\"resource\\":{\\"name\\":\\"cpu\\",\\"currentAverageUtilization\\":40,\\"currentAverageValue\\":\\"120m\\"}},{\\"type\\":\\"Pods\\",\\"pods\\":{\\"metricName\\":\\"qps\\",\\"currentAverageValue\\":\\"7\\"}}]",
              "autoscaling.alpha.kubernetes.io/metrics":"[{\\"type\\":\\"Pods\\",\\"pods\\":{\\"metricName\\":\\"qps\\",\\"targetAverageValue\\":\\"10\\"}},{\\"type\\":\\"Object\\",\\"object\\":{\\"target\\":{\\"kind\\":\\"Service\\",\\"name\\":\\"front\\",\\"apiVersion\\":\\"v1\\"},\\"metricName\\":\\"rps\\",\\"targetValue\\":\\"2k\\",\\"selector\\":{\\"matchLabels\\":{\\"a\\":\\"1\\",\\"b\\":\\"2\\"}}}}]"}},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"minReplicas":2,"maxReplicas":10,
              "targetCPUUtilizationPercentage":50},
             "status":{"currentReplicas":3,"desiredReplicas":4,"currentCPUUtilizationPercentage":40}}""";

    @Test
    void aV1ObjectIsStoredInV2AsKubeConvertsItAndReadBackUnchanged() throws Exception {
        HpaConversion c = AutoscalingGroupProvider.CONVERTER;
        ObjectNode v1 = obj(V1);
        ObjectNode v2 = c.convert(v1.deepCopy(), "v2");
        assertEquals("autoscaling/v2", v2.path("apiVersion").asText());
        assertEquals(obj("{\"app\":\"web\"}"), v2.at("/metadata/annotations"), "the round-trip annotations become fields");
        // the annotation's metrics first, the v1 CPU target last
        assertEquals(tree("""
                [{"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
                 {"type":"Object","object":{"describedObject":{"kind":"Service","name":"front","apiVersion":"v1"},
                   "target":{"type":"Value","value":"2k"},"metric":{"name":"rps","selector":{"matchLabels":{"a":"1","b":"2"}}}}},
                 {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]"""),
                v2.at("/spec/metrics"));
        assertEquals(obj("""
                {"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},
                  {"type":"Percent","value":100,"periodSeconds":15}]},
                 "scaleDown":{"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}"""), v2.at("/spec/behavior"));
        assertEquals(obj("""
                {"currentReplicas":3,"desiredReplicas":4,"currentMetrics":[
                  {"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"120m","averageUtilization":40}}},
                  {"type":"Pods","pods":{"metric":{"name":"qps"},"current":{"averageValue":"7"}}}],
                 "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-06T07:08:09Z",
                  "reason":"ReadyForNewScale","message":"recommended size matches current size"}]}"""), v2.get("status"));

        ObjectNode back = c.convert(v2.deepCopy(), "v1");
        assertEquals(v1, back);
        // byte for byte, as kube's Go encoder writes the annotations
        for (String k : HpaConversion.ROUND_TRIP_ANNOTATIONS) {
            assertEquals(v1.at("/metadata/annotations").get(k).asText(), back.at("/metadata/annotations").get(k).asText(), k);
        }
    }

    @Test
    void aV2ObjectReadInV1AndWrittenBackIsUnchanged() throws Exception {
        HpaConversion c = AutoscalingGroupProvider.CONVERTER;
        ObjectNode v2 = obj("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"default"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"minReplicas":1,"maxReplicas":5,
                  "metrics":[{"type":"External","external":{"metric":{"name":"queue","selector":{"matchLabels":{"q":"jobs"}}},
                     "target":{"type":"AverageValue","averageValue":"30"}}},
                   {"type":"ContainerResource","containerResource":{"name":"memory","target":{"type":"AverageValue","averageValue":"1Gi"},"container":"app"}},
                   {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":75}}}]},
                 "status":{"desiredReplicas":0}}""");
        HpaConversion.applyV2Defaults(v2);
        ObjectNode v1 = c.convert(v2.deepCopy(), "v1");
        assertEquals(75, v1.at("/spec/targetCPUUtilizationPercentage").asInt());
        assertEquals("[{\"type\":\"External\",\"external\":{\"metricName\":\"queue\",\"metricSelector\":{\"matchLabels\":{\"q\":\"jobs\"}},"
                        + "\"targetAverageValue\":\"30\"}},{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"memory\","
                        + "\"targetAverageValue\":\"1Gi\",\"container\":\"app\"}}]",
                v1.at("/metadata/annotations").get(HpaConversion.METRIC_SPECS).asText());
        assertEquals(obj("{\"currentReplicas\":0,\"desiredReplicas\":0}"), v1.get("status"));
        assertEquals(v2, c.convert(v1, "v2"));
        // a v1 object without any metric has kube's implicit 80% CPU target
        ObjectNode bare = obj("{\"apiVersion\":\"autoscaling/v1\",\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":2}}");
        ObjectNode stored = c.convert(bare, "v2");
        assertEquals(80, stored.at("/spec/metrics/0/resource/target/averageUtilization").asInt());
        assertEquals(80, c.convert(stored, "v1").at("/spec/targetCPUUtilizationPercentage").asInt());
    }

    @Test
    void specAndStatusMetricsTakeTheirOwnV1Types() throws Exception {
        // v1's spec holds a resource metric's average value and an external metric's value as *Quantity (left
        // out when unset), its status as Quantity (the zero value, "0", when unset); v2's ObjectMetricSource
        // and ObjectMetricStatus order their fields differently
        HpaConversion c = AutoscalingGroupProvider.CONVERTER;
        ObjectNode v2 = obj("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,"metrics":[
                   {"type":"Object","object":{"describedObject":{"kind":"Service","name":"front"},"target":{"type":"Value","value":"2k"},"metric":{"name":"rps"}}},
                   {"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":60}}},
                   {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}}]},
                 "status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[
                   {"type":"Object","object":{"metric":{"name":"rps"},"current":{"value":"1500"},"describedObject":{"kind":"Service","name":"front"}}},
                   {"type":"Resource","resource":{"name":"memory","current":{"averageUtilization":55}}},
                   {"type":"External","external":{"metric":{"name":"queue"},"current":{"averageValue":"20"}}}]}}""");
        ObjectNode v1 = c.convert(v2.deepCopy(), "v1");
        assertEquals("[{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Service\",\"name\":\"front\"},\"metricName\":\"rps\",\"targetValue\":\"2k\"}},"
                        + "{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageUtilization\":60}},"
                        + "{\"type\":\"External\",\"external\":{\"metricName\":\"queue\",\"targetAverageValue\":\"30\"}}]",
                v1.at("/metadata/annotations").get(HpaConversion.METRIC_SPECS).asText());
        assertEquals("[{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Service\",\"name\":\"front\"},\"metricName\":\"rps\",\"currentValue\":\"1500\"}},"
                        + "{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"currentAverageUtilization\":55,\"currentAverageValue\":\"0\"}},"
                        + "{\"type\":\"External\",\"external\":{\"metricName\":\"queue\",\"currentValue\":\"0\",\"currentAverageValue\":\"20\"}}]",
                v1.at("/metadata/annotations").get(HpaConversion.METRIC_STATUSES).asText());

        ObjectNode back = c.convert(v1, "v2");
        assertEquals(v2.get("spec"), back.get("spec"));
        assertEquals(tree("""
                [{"type":"Object","object":{"metric":{"name":"rps"},"current":{"value":"1500"},"describedObject":{"kind":"Service","name":"front"}}},
                 {"type":"Resource","resource":{"name":"memory","current":{"averageValue":"0","averageUtilization":55}}},
                 {"type":"External","external":{"metric":{"name":"queue"},"current":{"value":"0","averageValue":"20"}}}]"""),
                back.at("/status/currentMetrics"), "the status's unset values come back as the zero quantity");
        assertEquals("{\"describedObject\":{\"kind\":\"Service\",\"name\":\"front\"},\"target\":{\"type\":\"Value\",\"value\":\"2k\"},\"metric\":{\"name\":\"rps\"}}",
                JSON.writeValueAsString(back.at("/spec/metrics/0/object")));
        assertEquals("{\"metric\":{\"name\":\"rps\"},\"current\":{\"value\":\"1500\"},\"describedObject\":{\"kind\":\"Service\",\"name\":\"front\"}}",
                JSON.writeValueAsString(back.at("/status/currentMetrics/0/object")));
    }

    @Test
    void v1IsValidatedAsTheInternalVersionWithKubesPaths() throws Exception {
        HorizontalPodAutoscalerV1Strategy s = new HorizontalPodAutoscalerV1Strategy();
        ObjectNode o = obj("""
                {"apiVersion":"autoscaling/v1","metadata":{"name":"x","annotations":{
                  "autoscaling.alpha.kubernetes.io/metrics":"[{\\"type\\":\\"Pods\\",\\"pods\\":{\\"metricName\\":\\"qps\\"}}]",
                  "autoscaling.alpha.kubernetes.io/behavior":"{\\"scaleup\\":{\\"SelectPolicy\\":\\"Max\\"}}"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":2,"targetCPUUtilizationPercentage":0}}""");
        assertEquals(List.of(
                "spec.metrics[0].pods.target.averageValue: Invalid value: resource.Quantity{i:resource.int64Amount{value:0, scale:0}, "
                        + "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"\", Format:\"\"}: must be positive",
                "spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
                "spec.behavior.scaleUp.policies: Required value: must specify at least one Policy"),
                messages(s.validate(o)));
        // an annotation Go cannot decode is ignored
        ((ObjectNode) o.at("/metadata/annotations")).put(HpaConversion.METRIC_SPECS, "[{\"type\":\"Pods\",\"pods\":{\"targetAverageValue\":\"x\"}}]");
        ((ObjectNode) o.at("/metadata/annotations")).put(HpaConversion.BEHAVIOR, "{\"ScaleUp\":{\"Policies\":[{\"Value\":\"1\"}]}}");
        ((ObjectNode) o.at("/spec")).put("targetCPUUtilizationPercentage", 60);
        assertEquals(List.of(), messages(s.validate(o)));
    }

    @Test
    void quantitiesAreParsedAndPrintedAsKubeDoes() {
        assertEquals("500m", Quantity.parse("0.5").toString());
        assertEquals("1Gi", Quantity.parse("1024Mi").toString());
        assertEquals("1536Mi", Quantity.parse("1.5Gi").toString());
        assertEquals("1100m", Quantity.parse("1.1").toString());
        assertEquals("100m", Quantity.parse("100m").toString());
        assertEquals("1k", Quantity.parse("1000").toString());
        assertEquals("5e-3", Quantity.parse("5e-3").toString());
        assertEquals("0", HpaConversion.parseQuantity(HpaConversion.ZERO_QUANTITY).toString());
        assertEquals(Quantity.ERR_FORMAT_WRONG, assertThrows(IllegalArgumentException.class, () -> Quantity.parse("abc")).getMessage());
        assertEquals(Quantity.ERR_SUFFIX, assertThrows(IllegalArgumentException.class, () -> Quantity.parse("5i")).getMessage());
        assertEquals(-1, Quantity.parse("-1m").sign());
        assertEquals(0, Quantity.parse("-0").sign());
    }

    @Test
    void theTableIsKubes() throws Exception {
        ResourceDefinition v2 = new AutoscalingGroupProvider().resources().get(0);
        List<String> names = new ArrayList<>();
        for (TableColumn col : v2.strategy().table().columns()) {
            names.add(col.name());
        }
        assertEquals(List.of("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"), names);
        ObjectNode h = hpa("{\"kind\":\"Deployment\",\"name\":\"web\"}", null, 10, "null");
        v2.strategy().applyDefaults(h);
        assertEquals(List.of("myautoscaler", "Deployment/web", "cpu: <unknown>/80%", "1", 10L, 0L),
                v2.strategy().table().cells(h).subList(0, 6));
        h.putObject("status").put("currentReplicas", 3).set("currentMetrics", tree("""
                [{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"120m","averageUtilization":42}}}]"""));
        ((ObjectNode) h.get("spec")).set("metrics", tree("""
                [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
                 {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"0.5"}}},
                 {"type":"Object","object":{"describedObject":{"kind":"Service","name":"s"},"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"2k"}}}]"""));
        assertEquals("cpu: 42%/80%, <unknown>/500m + 1 more...", v2.strategy().table().cells(h).get(2));
        ((ObjectNode) h.get("spec")).remove("minReplicas");
        assertEquals("<unset>", v2.strategy().table().cells(h).get(3));
        assertEquals("<none>", HpaPrinter.formatMetrics(JSON.createArrayNode(), JSON.createArrayNode()));
        assertEquals("<unknown>/1k (avg), memory: <unknown>/<auto>", HpaPrinter.formatMetrics(tree("""
                [{"type":"External","external":{"metric":{"name":"q"},"target":{"type":"AverageValue","averageValue":"1000"}}},
                 {"type":"ContainerResource","containerResource":{"name":"memory","container":"c","target":{"type":"Utilization"}}}]"""),
                JSON.createArrayNode()));
        // a v1 object prints as its internal version
        ObjectNode v1 = obj(V1);
        assertEquals("<unknown>/10, <unknown>/2k + 1 more...",
                new AutoscalingGroupProvider().resources().get(1).strategy().table().cells(v1).get(2));
    }

    @Test
    void theGroupServesBothVersionsStoredInV2() {
        AutoscalingGroupProvider p = new AutoscalingGroupProvider();
        assertEquals("autoscaling", p.group());
        assertEquals(List.of("v2", "v1"), p.versions());
        for (ResourceDefinition d : p.resources()) {
            assertEquals("horizontalpodautoscalers", d.plural());
            assertEquals("HorizontalPodAutoscaler", d.kind());
            assertTrue(d.namespaced());
            assertEquals(List.of("hpa"), d.shortNames());
            assertEquals(List.of("all"), d.categories());
            assertEquals("v2", d.storageVersion());
            assertNotNull(d.status());
            assertNotNull(d.converter());
            assertNotNull(d.schema());
            assertEquals(null, d.strategy().validateName("web", false), "kube checks the name as a DNS subdomain, the default");
        }
        assertEquals("v2", p.resources().get(0).schema().at("/x-kubernetes-group-version-kind/0/version").asText());
        assertEquals("v1", p.resources().get(1).schema().at("/x-kubernetes-group-version-kind/0/version").asText());
    }
}
