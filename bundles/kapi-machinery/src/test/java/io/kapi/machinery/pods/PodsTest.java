package io.kapi.machinery.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's pod template defaulting and validation on the JSON form, with kube's paths and messages. */
class PodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    @Test
    void aTemplateGetsKubesDefaults() throws Exception {
        ObjectNode t = obj("""
                {"metadata":{"labels":{"app":"a"}},"spec":{"containers":[
                  {"name":"a","image":"nginx","ports":[{"containerPort":80}],
                   "livenessProbe":{"httpGet":{"port":80}},
                   "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]},
                  {"name":"b","image":"nginx:1.27"},{"name":"c","image":"nginx@sha256:abc"},
                  {"name":"d","image":"registry:5000/img"},{"name":"e","image":"img:latest","imagePullPolicy":"Never"}],
                 "volumes":[{"name":"v"},{"name":"cm","configMap":{"name":"x"}},{"name":"h","hostPath":{"path":"/x"}}]}}""");
        PodDefaults.template(t);
        JsonNode spec = t.get("spec");
        assertTrue(t.at("/metadata/creationTimestamp").isNull());
        assertEquals("ClusterFirst", spec.path("dnsPolicy").asText());
        assertEquals("Always", spec.path("restartPolicy").asText());
        assertEquals("default-scheduler", spec.path("schedulerName").asText());
        assertEquals(30, spec.path("terminationGracePeriodSeconds").asInt());
        assertTrue(spec.get("securityContext").isObject() && spec.get("securityContext").isEmpty());
        JsonNode a = spec.at("/containers/0");
        assertEquals("Always", a.path("imagePullPolicy").asText(), "no tag is latest");
        assertEquals("IfNotPresent", spec.at("/containers/1/imagePullPolicy").asText());
        assertEquals("IfNotPresent", spec.at("/containers/2/imagePullPolicy").asText(), "a digest only");
        assertEquals("Always", spec.at("/containers/3/imagePullPolicy").asText(), "a registry port is not a tag");
        assertEquals("Never", spec.at("/containers/4/imagePullPolicy").asText(), "what the client set stays");
        assertEquals("/dev/termination-log", a.path("terminationMessagePath").asText());
        assertEquals("File", a.path("terminationMessagePolicy").asText());
        assertEquals("TCP", a.at("/ports/0/protocol").asText());
        assertEquals("{\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}",
                withoutHandler(a.get("livenessProbe")));
        assertEquals("/", a.at("/livenessProbe/httpGet/path").asText());
        assertEquals("HTTP", a.at("/livenessProbe/httpGet/scheme").asText());
        assertEquals("v1", a.at("/env/0/valueFrom/fieldRef/apiVersion").asText());
        assertTrue(spec.at("/volumes/0/emptyDir").isObject());
        assertEquals(420, spec.at("/volumes/1/configMap/defaultMode").asInt());
        assertEquals("", spec.at("/volumes/2/hostPath/type").asText());
        assertTrue(spec.at("/volumes/2/hostPath/type").isTextual());
    }

    private static String withoutHandler(JsonNode probe) {
        ObjectNode copy = probe.deepCopy();
        copy.remove("httpGet");
        return copy.toString();
    }

    @Test
    void imageTagsAsKubesParserFindsThem() {
        assertEquals("latest", PodDefaults.imageTag("nginx"));
        assertEquals("1.2", PodDefaults.imageTag("docker.io/library/nginx:1.2"));
        assertEquals("latest", PodDefaults.imageTag("localhost:5000/a/b"));
        assertEquals("v1", PodDefaults.imageTag("localhost:5000/a/b:v1@sha256:00"));
        assertEquals("", PodDefaults.imageTag("a@sha256:00"));
        assertEquals("", PodDefaults.imageTag(""));
    }

    @Test
    void aTemplateIsValidatedWithKubesMessages() throws Exception {
        ObjectNode t = obj("""
                {"metadata":{"labels":{"bad key":"x"}},"spec":{"restartPolicy":"Sometimes","dnsPolicy":"Nope","containers":[
                  {"name":"Web","image":"","imagePullPolicy":"Sometimes","terminationMessagePolicy":"File",
                   "ports":[{"name":"http","containerPort":0,"protocol":"TCP"},{"name":"http","containerPort":80,"protocol":"ICMP"},
                            {"name":"-no--","containerPort":81,"protocol":"TCP"}],
                   "env":[{"name":"A=B"},{"name":""}],
                   "volumeMounts":[{"name":"missing","mountPath":"/a"},{"name":"data","mountPath":"/a"}]},
                  {"name":"Web","image":"x","imagePullPolicy":"Always","terminationMessagePolicy":"File"}],
                 "volumes":[{"name":"data","emptyDir":{}},{"name":"data","emptyDir":{}}]}}""");
        List<String> got = messages(PodValidation.template(t, "spec.template", PodValidation.ALWAYS));
        List<String> want = List.of(
                "spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                        + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "spec.template.spec.volumes[1].name: Duplicate value: \"data\"",
                "spec.template.spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                        + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.template.spec.containers[0].image: Required value",
                "spec.template.spec.containers[0].ports[0].containerPort: Required value",
                "spec.template.spec.containers[0].ports[1].name: Duplicate value: \"http\"",
                "spec.template.spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.template.spec.containers[0].ports[2].name: Invalid value: \"-no--\": must not contain consecutive hyphens",
                "spec.template.spec.containers[0].ports[2].name: Invalid value: \"-no--\": must not begin or end with a hyphen",
                "spec.template.spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
                "spec.template.spec.containers[0].env[1].name: Required value",
                "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
                "spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique",
                "spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
                "spec.template.spec.containers[1].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                        + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.template.spec.containers[1].name: Duplicate value: \"Web\"",
                "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                "spec.template.spec.dnsPolicy: Unsupported value: \"Nope\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
                "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\"");
        assertEquals(want, got);
        ObjectNode ok = obj("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}");
        PodDefaults.template(ok);
        assertEquals(List.of(), PodValidation.template(ok, "spec.template", PodValidation.ALWAYS));
        ok.with("spec").put("restartPolicy", "Never");
        assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
                messages(PodValidation.template(ok, "spec.template", PodValidation.ALWAYS)));
        assertEquals(List.of(), PodValidation.template(ok, "spec.template", PodValidation.JOB));
    }

    @Test
    void goRendersSelectorsAndMapsAsKubesMessagesShowThem() throws Exception {
        assertEquals("map[string]string{\"a\":\"1\", \"b\":\"2\"}", GoValues.stringMap(obj("{\"b\":\"2\",\"a\":\"1\"}")));
        assertEquals("map[string]string(nil)", GoValues.stringMap(null));
        assertEquals("map[string]string{}", GoValues.stringMap(obj("{}")));
        assertEquals("v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}",
                GoValues.labelSelector(obj("{}")));
        assertEquals("v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement"
                        + "{v1.LabelSelectorRequirement{Key:\"tier\", Operator:\"In\", Values:[]string{\"a\", \"b\"}}}}",
                GoValues.labelSelector(obj("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}")));
    }
}
