package io.kapi.group.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** discovery.k8s.io/v1 EndpointSlices, with cases after kube's discovery validation_test.go and printers_test.go. */
class EndpointSliceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LABEL_ERR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
            + "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    static final String SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private final EndpointSliceStrategy strategy = new EndpointSliceStrategy(DiscoveryGroupProvider.OPENAPI);

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    static com.fasterxml.jackson.databind.JsonNode json(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    private ObjectNode slice(String type, String endpoints, String ports) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'hello','namespace':'default'},'addressType':'" + type + "','endpoints':[" + endpoints
                + "]" + (ports == null ? "" : ",'ports':[" + ports + "]") + "}");
        strategy.applyDefaults(o);
        return o;
    }

    private List<String> validate(String type, String endpoints, String ports) throws Exception {
        return messages(strategy.validate(slice(type, endpoints, ports)));
    }

    private List<String> addresses(String type, String... addresses) throws Exception {
        return validate(type, "{'addresses':['" + String.join("','", addresses) + "']}", null);
    }

    @Test
    void definitionIsKubes() {
        ResourceDefinition def = new DiscoveryGroupProvider().resources().get(0);
        assertEquals("discovery.k8s.io", new DiscoveryGroupProvider().group());
        assertEquals(List.of("v1"), new DiscoveryGroupProvider().versions());
        assertEquals("endpointslices", def.plural());
        assertEquals("endpointslice", def.singular());
        assertEquals("EndpointSlice", def.kind());
        assertTrue(def.namespaced());
        assertTrue(def.shortNames().isEmpty() && def.categories().isEmpty());
        assertTrue(def.schema() != null && def.status() == null && def.scale() == null);
        assertTrue(strategy.tracksGeneration());
        assertTrue(strategy.allowUnconditionalUpdate());
        assertFalse(strategy.allowCreateOnUpdate());
        assertNull(strategy.validateName("hello", false), "a DNS subdomain, the store's default");
    }

    @Test
    void portsDefaultToAnEmptyNameAndTcpAndEndpointsGetConditions() throws Exception {
        ObjectNode o = slice("IPv4", "{'addresses':['10.0.0.1']}", "{'port':80},{'name':'dns','protocol':'UDP','port':53}");
        assertEquals(json("[{'port':80,'name':'','protocol':'TCP'},{'name':'dns','protocol':'UDP','port':53}]"), o.get("ports"));
        assertEquals(obj("{'addresses':['10.0.0.1'],'conditions':{}}"), o.at("/endpoints/0"));
        ObjectNode kept = slice("IPv4", "{'addresses':['10.0.0.1'],'conditions':{'ready':true}}", null);
        assertTrue(kept.at("/endpoints/0/conditions/ready").asBoolean());
        assertFalse(kept.has("ports"));
    }

    @Test
    void kubesValidSlices() throws Exception {
        assertEquals(List.of(), validate("IPv4", "{'addresses':['10.1.2.3'],'hostname':'valid-123','nodeName':'node-1.example',"
                + "'zone':'any zone','conditions':{'ready':false,'serving':true,'terminating':true},"
                + "'hints':{'forZones':[{'name':'zone-a'},{'name':'zone-b'}]}}",
                "{'name':'http','port':80},{'name':'https','protocol':'TCP','port':443,'appProtocol':'kubernetes.io/h2c'},{'name':'d','protocol':'SCTP'}"));
        assertEquals(List.of(), addresses("IPv6", "2001:db8::1", "fd00::1", "1:2:3:4:5:6:7:8"));
        assertEquals(List.of(), addresses("IPv4", "010.001.002.003"), "leading zeros parse, as Go 1.16's parser read them");
        assertEquals(List.of(), addresses("FQDN", "example.com", "foo.bar.example.com."));
        assertEquals(List.of(), validate("IPv4", "", null), "no endpoints at all");
        assertEquals(List.of(), validate("IPv4", "{'addresses':['10.0.0.1']}", "{'port':1},{'name':'b','port':2}"),
                "an unnamed port is one name, \"\"");
    }

    @Test
    void addressTypeIsRequiredAndKnown() throws Exception {
        ObjectNode none = obj("{'metadata':{'name':'a'},'endpoints':[{'addresses':['10.0.0.1']}]}");
        assertEquals(List.of("addressType: Required value"), messages(strategy.validate(none)), "unknown types leave addresses unchecked");
        assertEquals(List.of("addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""),
                addresses("IP", "not-checked"));
    }

    @Test
    void kubesAddressChecks() throws Exception {
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"123.456.789.012\": must be a valid IPv4 address",
                "endpoints[0].addresses[0]: Invalid value: \"123.456.789.012\": must be a valid IP address"),
                addresses("IPv4", "123.456.789.012"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"2001:db8::1\": must be a valid IPv4 address"),
                addresses("IPv4", "2001:db8::1"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"10.0.0.1\": must be a valid IPv6 address"),
                addresses("IPv6", "10.0.0.1"));
        assertEquals(List.of("endpoints[0].addresses[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"),
                addresses("IPv4", "10.0.0.1", "127.0.0.1"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)"),
                addresses("IPv4", "0.0.0.0"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"::\": may not be unspecified (::)"), addresses("IPv6", "::"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
                addresses("IPv4", "169.254.169.254"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"ff02::1\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
                addresses("IPv6", "ff02::1"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"::ffff:127.0.0.1\": must be a valid IPv6 address",
                "endpoints[0].addresses[0]: Invalid value: \"::ffff:127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"),
                addresses("IPv6", "::ffff:127.0.0.1"), "Go reads an IPv4-mapped address as IPv4");
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"foo\": should be a domain with at least two segments separated by dots"),
                addresses("FQDN", "foo"));
        assertEquals(List.of("endpoints[0].addresses[0]: Invalid value: \"foo_bar.com\": " + SUBDOMAIN_ERR), addresses("FQDN", "foo_bar.com."));
        assertEquals(List.of("endpoints[0].addresses[0]: Required value"), addresses("FQDN", ""));
        assertEquals(List.of("endpoints[0].addresses: Required value: must contain at least 1 address"), validate("IPv4", "{'addresses':[]}", null));
    }

    @Test
    void kubesLimits() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{'addresses':['10.0.0.1']}");
        }
        assertEquals(List.of("endpoints: Too many: 1001: must have at most 1000 items"), validate("IPv4", many.toString(), null));
        ObjectNode tooManyAddresses = slice("IPv4", "{'addresses':[]}", null);
        ArrayNode list = (ArrayNode) tooManyAddresses.at("/endpoints/0/addresses");
        for (int i = 0; i < 101; i++) {
            list.add("10.0.0." + (i % 250 + 1));
        }
        assertEquals(List.of("endpoints[0].addresses: Too many: 101: must have at most 100 items"), messages(strategy.validate(tooManyAddresses)));
        ObjectNode manyPorts = slice("IPv4", "", null);
        ArrayNode ports = manyPorts.putArray("ports");
        for (int i = 0; i < 20001; i++) {
            ports.addObject().put("name", "p" + i).put("protocol", "TCP");
        }
        assertEquals(List.of("ports: Too many: 20001: must have at most 20000 items"), messages(strategy.validate(manyPorts)));
        ports.remove(20000);
        assertEquals(List.of(), messages(strategy.validate(manyPorts)), "20000 ports are allowed since kube 1.21");
        StringBuilder zones = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            zones.append(i == 0 ? "" : ",").append("{'name':'z").append(i).append("'}");
        }
        assertEquals(List.of("endpoints[0].hints.forZones: Too many: 9: must have at most 8 items"),
                validate("IPv4", "{'addresses':['10.0.0.1'],'hints':{'forZones':[" + zones + "]}}", null));
    }

    @Test
    void kubesEndpointFieldChecks() throws Exception {
        assertEquals(List.of("endpoints[0].nodeName: Invalid value: \"Node_1\": " + SUBDOMAIN_ERR,
                "endpoints[0].hostname: Invalid value: \"Host.1\": " + LABEL_ERR),
                validate("IPv4", "{'addresses':['10.0.0.1'],'nodeName':'Node_1','hostname':'Host.1'}", null));
        assertEquals(List.of("endpoints[0].hostname: Invalid value: \"a.b\": must not contain dots"),
                validate("IPv4", "{'addresses':['10.0.0.1'],'hostname':'a.b'}", null));
        assertEquals(List.of("endpoints[0].hints.forZones[1].name: Duplicate value: \"zone-a\"",
                "endpoints[0].hints.forZones[2].name: Invalid value: \"bad zone\": a valid label must be an empty string or consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                        + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                validate("IPv4", "{'addresses':['10.0.0.1'],'hints':{'forZones':[{'name':'zone-a'},{'name':'zone-a'},{'name':'bad zone'}]}}", null));
    }

    @Test
    void kubesPortChecks() throws Exception {
        assertEquals(List.of("ports[0].name: Invalid value: \"Http\": " + LABEL_ERR,
                "ports[2].name: Duplicate value: \"dns\"",
                "ports[3].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "ports[4].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
                        + "(e.g. 'example.com/MyName')",
                "ports[6].name: Duplicate value: \"\""),
                validate("IPv4", "{'addresses':['10.0.0.1']}", "{'name':'Http'},{'name':'dns'},{'name':'dns'},{'name':'x','protocol':'ICMP'},"
                        + "{'name':'y','appProtocol':'a/b/c'},{'port':1},{'port':2}"));
    }

    @Test
    void anUpdateKeepsTheAddressTypeAndRaisesTheGenerationOnAnyChangeButMetadata() throws Exception {
        ObjectNode old = slice("IPv4", "{'addresses':['10.0.0.1']}", "{'port':80}");
        old.with("metadata").put("generation", 3);
        ObjectNode same = old.deepCopy();
        same.with("metadata").with("annotations").put("a", "b");
        strategy.prepareForUpdate(same, old);
        assertEquals(3, same.at("/metadata/generation").asLong(), "annotations do not count");
        ObjectNode relabeled = old.deepCopy();
        relabeled.with("metadata").with("labels").put("kubernetes.io/service-name", "web");
        strategy.prepareForUpdate(relabeled, old);
        assertEquals(4, relabeled.at("/metadata/generation").asLong(), "labels do");
        ObjectNode moved = old.deepCopy();
        ((ArrayNode) moved.at("/endpoints/0/addresses")).set(0, "10.0.0.2");
        strategy.prepareForUpdate(moved, old);
        assertEquals(4, moved.at("/metadata/generation").asLong());
        ObjectNode retyped = old.deepCopy();
        retyped.put("addressType", "IPv6");
        ((ArrayNode) retyped.at("/endpoints/0/addresses")).set(0, "2001:db8::1");
        assertEquals(List.of("addressType: Invalid value: \"IPv6\": field is immutable"), messages(strategy.validateUpdate(retyped, old)));
    }

    @Test
    void theV1ApiDropsDeprecatedTopology() throws Exception {
        ObjectNode created = slice("IPv4", "{'addresses':['10.0.0.1'],'deprecatedTopology':{'kubernetes.io/hostname':'n1'}}", null);
        strategy.prepareForCreate(created);
        assertFalse(created.at("/endpoints/0").has("deprecatedTopology"));
        assertTrue(created.at("/endpoints/0/nodeName").isMissingNode(), "a create has no old node names to take");
        ObjectNode old = slice("IPv4", "{'addresses':['10.0.0.1'],'deprecatedTopology':{'kubernetes.io/hostname':'n1'}}", null);
        ObjectNode unchanged = old.deepCopy();
        strategy.prepareForUpdate(unchanged, old);
        assertEquals("n1", unchanged.at("/endpoints/0/deprecatedTopology/kubernetes.io~1hostname").asText(), "unchanged endpoints keep it");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.at("/endpoints/0")).putArray("addresses").add("10.0.0.9");
        strategy.prepareForUpdate(changed, old);
        assertEquals("n1", changed.at("/endpoints/0/nodeName").asText(), "the node it named before becomes its node name");
        assertFalse(changed.at("/endpoints/0").has("deprecatedTopology"));
    }

    @Test
    void printerIsKubes() throws Exception {
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Name", "AddressType", "Ports", "Endpoints", "Age"), columns.stream().map(TableColumn::name).toList());
        assertTrue(columns.get(3).description().startsWith("endpoints is a list of unique endpoints in this slice."));
        ObjectNode o = slice("IPv4", "{'addresses':['10.0.0.1','10.0.0.2']},{'addresses':['10.0.0.3','10.0.0.4']},{'addresses':['10.0.0.5']}",
                "{'port':80},{'port':443}");
        o.with("metadata").put("creationTimestamp", "2020-01-01T00:00:00Z");
        List<Object> cells = strategy.table().cells(o);
        assertEquals(List.of("hello", "IPv4", "80,443", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..."), cells.subList(0, 4));
        assertEquals("<unset>", EndpointSliceStrategy.ports(null));
        assertEquals("<unset>", EndpointSliceStrategy.endpoints(json("[]")));
        assertEquals("80,53,8080 + 1 more...", EndpointSliceStrategy.ports(json("[{'port':80},{'port':53},{'port':8080},{'port':9090}]")));
        assertEquals("http,*", EndpointSliceStrategy.ports(json("[{'name':'http'},{}]")), "a name where there is no number, else *");
        assertEquals("<unset>", EndpointSliceStrategy.ports(slice("IPv4", "", "{'protocol':'TCP'}").get("ports")),
                "a defaulted port without a number prints its empty name");
    }
}
