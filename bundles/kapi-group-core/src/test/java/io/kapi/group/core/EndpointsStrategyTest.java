package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube 1.32's Endpoints rules ({@code ValidateEndpoints}: {@code validateEndpointSubsets},
 * {@code validateEndpointAddress}, {@code validateEndpointPort}), its TCP default and its printer's
 * ENDPOINTS column ({@code formatEndpoints}).
 */
class EndpointsStrategyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EndpointsStrategy strategy = new EndpointsStrategy();

    private static ObjectNode endpoints(String subsets) throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"web\"},\"subsets\":" + subsets + "}");
    }

    private List<String> errors(String subsets) throws Exception {
        ObjectNode e = endpoints(subsets);
        strategy.applyDefaults(e);
        List<String> out = new ArrayList<>();
        for (FieldCause c : strategy.validate(e)) {
            out.add(c.field() + ": " + c.message());
        }
        return out;
    }

    @Test
    void aValidObjectPassesAndItsPortsDefaultToTcp() throws Exception {
        ObjectNode e = endpoints("[{\"addresses\":[{\"ip\":\"10.1.2.3\",\"hostname\":\"web-0\",\"nodeName\":\"node-1\"}],"
                + "\"notReadyAddresses\":[{\"ip\":\"10.1.2.4\"}],\"ports\":[{\"name\":\"http\",\"port\":80},{\"name\":\"https\",\"port\":443}]}]");
        strategy.applyDefaults(e);
        assertEquals("TCP", e.at("/subsets/0/ports/0/protocol").asText());
        assertEquals(List.of(), strategy.validate(e));
        // a headless service's endpoints may have no ports
        assertEquals(List.of(), errors("[{\"addresses\":[{\"ip\":\"10.1.2.3\"}]}]"));
        assertEquals(List.of(), errors("[]"));
    }

    @Test
    void subsetsAddressesAndPortsAreCheckedAsKubeChecksThem() throws Exception {
        assertEquals(List.of("subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"),
                errors("[{\"ports\":[{\"port\":80}]}]"));
        assertEquals(List.of("subsets[0].addresses[0].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
                errors("[{\"addresses\":[{\"ip\":\"nope\"}]}]"));
        assertEquals(List.of("subsets[0].notReadyAddresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"),
                errors("[{\"notReadyAddresses\":[{\"ip\":\"127.0.0.1\"}]}]"));
        List<String> names = errors("[{\"addresses\":[{\"ip\":\"10.0.0.1\",\"hostname\":\"Web_0\",\"nodeName\":\"Node_1\"}]}]");
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.get(0).startsWith("subsets[0].addresses[0].hostname: Invalid value: \"Web_0\": a lowercase RFC 1123 label"), names.get(0));
        assertTrue(names.get(1).startsWith("subsets[0].addresses[0].nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain"),
                names.get(1));
        assertEquals(List.of("subsets[0].ports[1].name: Required value",
                        "subsets[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "subsets[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
                errors("[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],\"ports\":[{\"name\":\"a\",\"port\":80},{\"port\":70000,\"protocol\":\"ICMP\"}]}]"));
    }

    @Test
    void theEndpointsColumnShowsThreeReadyAddressesAndHowManyMore() throws Exception {
        assertEquals("<none>", EndpointsStrategy.endpoints(endpoints("[]")));
        assertEquals("10.0.0.1,10.0.0.2", EndpointsStrategy.endpoints(endpoints(
                "[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"}]}]")));
        assertEquals("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", EndpointsStrategy.endpoints(endpoints(
                "[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"}],\"notReadyAddresses\":[{\"ip\":\"10.0.0.9\"}],"
                        + "\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":443}]}]")));
    }
}
