package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pods as stored objects: kube's defaults and admission additions, QoS classes, update rules, printer. */
class PodStrategyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PodStrategy pods = new PodStrategy();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private ObjectNode pod(String containers) throws Exception {
        ObjectNode p = obj("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":" + containers + "}}");
        pods.applyDefaults(p);
        pods.prepareForCreate(p);
        return p;
    }

    @Test
    void aPodLooksAsKubectlRunMakesItOnKube() throws Exception {
        ObjectNode p = pod("[{\"name\":\"web\",\"image\":\"nginx\"}]");
        assertEquals("{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}", p.get("status").toString());
        assertEquals("default", p.at("/spec/serviceAccountName").asText());
        assertEquals("default", p.at("/spec/serviceAccount").asText());
        assertEquals(0, p.at("/spec/priority").asInt());
        assertEquals("PreemptLowerPriority", p.at("/spec/preemptionPolicy").asText());
        assertTrue(p.at("/spec/enableServiceLinks").asBoolean());
        assertEquals("[{\"effect\":\"NoExecute\",\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"tolerationSeconds\":300},"
                + "{\"effect\":\"NoExecute\",\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"tolerationSeconds\":300}]",
                p.at("/spec/tolerations").toString());
        assertEquals(List.of(), pods.validate(p));
        assertEquals(List.of("web", "0/1", "Pending", "0"), pods.table().cells(p).subList(0, 4));
        assertEquals(List.of("<none>", "<none>", "<none>", "<none>"), pods.table().cells(p).subList(5, 9));
    }

    @Test
    void qosClassesFollowRequestsAndLimits() throws Exception {
        assertEquals("Guaranteed", pod("[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]")
                .at("/status/qosClass").asText(), "requests are copied from limits");
        assertEquals("Burstable", pod("[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]")
                .at("/status/qosClass").asText());
        assertEquals("Burstable", pod("[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]")
                .at("/status/qosClass").asText());
        assertEquals("BestEffort", pod("[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"0\"}}}]")
                .at("/status/qosClass").asText());
        // kube's ComputePodQOS on a spec as sent: limits alone are not requests, sums across containers count
        assertEquals("Burstable", PodStrategy.qos(obj("{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}")));
        assertEquals("Guaranteed", PodStrategy.qos(obj("{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
                + "\"requests\":{\"cpu\":\"1000m\",\"memory\":\"1024Mi\"}}},{\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"1\"},"
                + "\"requests\":{\"cpu\":\"0.5\",\"memory\":\"1\"}}}]}")));
    }

    @Test
    void anUpdateMayChangeImagesDeadlinesAndAddTolerationsOnly() throws Exception {
        ObjectNode old = pod("[{\"name\":\"web\",\"image\":\"nginx\"}]");
        ObjectNode image = old.deepCopy();
        ((ObjectNode) image.at("/spec/containers/0")).put("image", "nginx:1.27");
        ((com.fasterxml.jackson.databind.node.ArrayNode) image.at("/spec/tolerations")).addObject().put("key", "dedicated").put("operator", "Equal").put("value", "web")
                .put("effect", "NoSchedule");
        assertEquals(List.of(), pods.validateUpdate(image, old));
        ObjectNode restart = old.deepCopy();
        ((ObjectNode) restart.get("spec")).put("restartPolicy", "Never");
        assertEquals(List.of("spec: Forbidden: " + PodStrategy.UPDATABLE), messages(pods.validateUpdate(restart, old)));
        ObjectNode more = old.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) more.at("/spec/containers")).addObject().put("name", "b").put("image", "i")
                .put("imagePullPolicy", "IfNotPresent").put("terminationMessagePolicy", "File");
        assertEquals(List.of("spec.containers: Forbidden: pod updates may not add or remove containers"), messages(pods.validateUpdate(more, old)));
        ObjectNode dropped = old.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) dropped.at("/spec/tolerations")).remove(0);
        assertEquals(List.of("spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"),
                messages(pods.validateUpdate(dropped, old)));
        ObjectNode bad = pod("[{\"name\":\"web\",\"image\":\"nginx\"}]");
        ((ObjectNode) bad.get("spec")).put("activeDeadlineSeconds", 0);
        ((ObjectNode) bad.get("spec")).putArray("ephemeralContainers").addObject().put("name", "debug").put("image", "busybox")
                .put("imagePullPolicy", "IfNotPresent").put("terminationMessagePolicy", "File");
        assertEquals(List.of("spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
                "spec.ephemeralContainers: Forbidden: cannot be set on create"), messages(pods.validate(bad)));
    }

    @Test
    void fieldSelectorsAreKubes() throws Exception {
        ObjectNode p = pod("[{\"name\":\"web\",\"image\":\"nginx\"}]");
        assertEquals("Pending", pods.selectableFields(p).get("status.phase"));
        assertEquals("", pods.selectableFields(p).get("spec.nodeName"));
        assertEquals("false", pods.selectableFields(p).get("spec.hostNetwork"));
        assertEquals("default", pods.selectableFields(p).get("spec.serviceAccountName"));
    }
}
