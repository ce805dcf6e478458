package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's Endpoints: ports default to TCP; every subset has addresses, valid non-special IPs, DNS-label
 * host names, DNS-subdomain node names, named ports when several, in range, of a known protocol; a PUT may create; printed as kube's ENDPOINTS
 * column (the first three {@code ip:port}, then {@code + N more...}).
 */
final class EndpointsStrategy implements Strategy {

    @Override
    public void applyDefaults(ObjectNode object) {
        for (JsonNode subset : object.path("subsets")) {
            for (JsonNode p : subset.path("ports")) {
                if (p instanceof ObjectNode port && port.path("protocol").asText("").isEmpty()) {
                    port.put("protocol", "TCP");
                }
            }
        }
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        int i = 0;
        for (JsonNode subset : object.path("subsets")) {
            String at = "subsets[" + i++ + "]";
            if (subset.path("addresses").size() == 0 && subset.path("notReadyAddresses").size() == 0) {
                causes.add(FieldCause.required(at, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (String list : new String[] {"addresses", "notReadyAddresses"}) {
                int j = 0;
                for (JsonNode address : subset.path(list)) {
                    String path = at + "." + list + "[" + j++ + "]";
                    String ip = address.path("ip").asText("");
                    for (String msg : ServiceValidation.ipErrors(ip)) {
                        causes.add(FieldCause.invalid(path + ".ip", ip, msg));
                    }
                    String hostname = address.path("hostname").asText("");
                    if (!hostname.isEmpty()) {
                        for (String msg : NameValidation.isDNS1123Label(hostname)) {
                            causes.add(FieldCause.invalid(path + ".hostname", hostname, msg));
                        }
                    }
                    if (address.hasNonNull("nodeName")) {
                        // kube's ValidateNodeName: a DNS subdomain
                        String node = address.get("nodeName").asText();
                        for (String msg : NameValidation.isDNS1123Subdomain(node)) {
                            causes.add(FieldCause.invalid(path + ".nodeName", node, msg));
                        }
                    }
                }
            }
            int k = 0;
            int count = subset.path("ports").size();
            for (JsonNode port : subset.path("ports")) {
                String path = at + ".ports[" + k++ + "]";
                String name = port.path("name").asText("");
                if (name.isEmpty() && count > 1) {
                    causes.add(FieldCause.required(path + ".name", ""));
                } else if (!name.isEmpty()) {
                    for (String msg : NameValidation.isDNS1123Label(name)) {
                        causes.add(FieldCause.invalid(path + ".name", name, msg));
                    }
                }
                long number = port.path("port").asLong(0);
                if (number < 1 || number > 65535) {
                    causes.add(FieldCause.invalid(path + ".port", number, "must be between 1 and 65535, inclusive"));
                }
                String protocol = port.path("protocol").asText("");
                if (!ServiceValidation.PROTOCOLS.contains(protocol)) {
                    causes.add(FieldCause.notSupported(path + ".protocol", protocol, ServiceValidation.PROTOCOLS));
                }
            }
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Endpoints", "string", "Endpoints of the service"), EndpointsStrategy::endpoints)
                .age().build();
    }

    /** kube's formatEndpoints: ready addresses by port, the first three shown. */
    static String endpoints(ObjectNode o) {
        JsonNode subsets = o.path("subsets");
        if (subsets.size() == 0) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode subset : subsets) {
            if (subset.path("ports").size() == 0) {
                for (JsonNode a : subset.path("addresses")) {
                    count++;
                    if (list.size() < 3) {
                        list.add(a.path("ip").asText(""));
                    }
                }
                continue;
            }
            for (JsonNode port : subset.path("ports")) {
                for (JsonNode a : subset.path("addresses")) {
                    count++;
                    if (list.size() < 3) {
                        String ip = a.path("ip").asText("");
                        list.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port.path("port").asLong());
                    }
                }
            }
        }
        String shown = String.join(",", list);
        return count > 3 ? shown + " + " + (count - 3) + " more..." : shown;
    }
}
