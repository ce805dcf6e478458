package io.kapi.group.networking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** networking.k8s.io/v1's strategies on the group-author API alone: kube's defaults, messages and printers. */
class NetworkingStrategiesTest {
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
    void ingressesAreValidatedAsKubeDoes() throws Exception {
        IngressStrategy s = new IngressStrategy();
        ObjectNode ok = obj("""
                {"spec":{"ingressClassName":"nginx","tls":[{"hosts":["web.example.com"],"secretName":"web-tls"}],"rules":[
                  {"host":"web.example.com","http":{"paths":[{"path":"/","pathType":"Prefix",
                    "backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}""");
        assertEquals(List.of(), s.validate(ok));
        assertEquals(List.of("nginx", "web.example.com", "", "80, 443"), s.table().cells(ok).subList(1, 5));
        ObjectNode bad = obj("""
                {"spec":{"rules":[{"host":"10.0.0.1","http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}},
                  {"path":"api","pathType":"Exact","backend":{"service":{"name":"web"}}},
                  {"path":"/x","pathType":"Regex","backend":{}}]}},{"host":"*"}]}}""");
        assertEquals(List.of(
                "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
                "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
                "spec.rules[0].http.paths[1].path: Invalid value: \"api\": must be an absolute path",
                "spec.rules[0].http.paths[1].backend: Required value: port name or number is required",
                "spec.rules[0].http.paths[2].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
                "spec.rules[0].http.paths[2].backend: Invalid value: \"\": resource or service backend is required",
                "spec.rules[1].host: Invalid value: \"*\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
                        + "subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
                        + "character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                messages(s.validate(bad)));
        assertEquals(List.of("spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"),
                messages(s.validate(obj("{\"spec\":{}}"))));
    }

    @Test
    void networkPoliciesGetKubesDefaultsAndMessages() throws Exception {
        NetworkPolicyStrategy s = new NetworkPolicyStrategy();
        ObjectNode np = obj("{\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"ingress\":[{\"ports\":[{\"port\":5432}]}],"
                + "\"egress\":[{\"to\":[{\"ipBlock\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.1.0.0/16\"]}}]}]}}");
        s.applyDefaults(np);
        assertEquals("[\"Ingress\",\"Egress\"]", np.at("/spec/policyTypes").toString());
        assertEquals("TCP", np.at("/spec/ingress/0/ports/0/protocol").asText());
        assertEquals(List.of(), s.validate(np));
        assertEquals("app=db", s.table().cells(np).get(1));
        ObjectNode bad = obj("{\"spec\":{\"podSelector\":{},\"ingress\":[{\"ports\":[{\"protocol\":\"tcp\",\"port\":80,\"endPort\":70},"
                + "{\"protocol\":\"TCP\",\"endPort\":90}],\"from\":[{},{\"ipBlock\":{\"cidr\":\"10.0.0.1\"}},"
                + "{\"ipBlock\":{\"cidr\":\"10.0.0.0/16\",\"except\":[\"192.168.0.0/24\"]}}]}],\"policyTypes\":[\"ingress\"]}}");
        assertEquals(List.of(
                "spec.ingress[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
                "spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to `port`",
                "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is not specified",
                "spec.ingress[0].from[0]: Required value: must specify a peer",
                "spec.ingress[0].from[1].ipBlock.cidr: Invalid value: \"10.0.0.1\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                "spec.ingress[0].from[2].ipBlock.except[0]: Invalid value: \"192.168.0.0/24\": must be a strict subset of `cidr`",
                "spec.policyTypes[0]: Unsupported value: \"ingress\": supported values: \"Ingress\", \"Egress\""),
                messages(s.validate(bad)));
    }
}
