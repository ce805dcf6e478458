package io.kapi.group.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube 1.32's {@code pkg/apis/discovery/validation} on the JSON form of a defaulted v1 EndpointSlice:
 * the address type, at most 1000 endpoints of 1 to 100 addresses each (IPv4 and IPv6 addresses of
 * the slice's type that are not special, fully qualified domain names for FQDN), node names, host
 * names, the deprecated topology labels, zone hints, and at most 20000 ports with unique DNS-label
 * names, kube's protocols and qualified-name app protocols. Field paths and messages are kube's.
 * Conditions, zones and target references have no rules in kube.
 */
final class EndpointSliceValidation {
    /** kube's {@code supportedAddressTypes.List()} and {@code supportedPortProtocols.List()}: sorted. */
    static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final int MAX_TOPOLOGY_LABELS = 16;
    static final int MAX_ADDRESSES = 100;
    /** Raised from 100 in kube 1.21 (kubernetes#99795); the API documentation still says 100. */
    static final int MAX_PORTS = 20000;
    static final int MAX_ENDPOINTS = 1000;
    static final int MAX_ZONE_HINTS = 8;
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private EndpointSliceValidation() {
    }

    /** kube's {@code ValidateEndpointSlice} without the metadata, which the store validates. */
    static List<FieldCause> validate(JsonNode slice) {
        List<FieldCause> causes = new ArrayList<>();
        String addressType = text(slice, "addressType");
        if (addressType.isEmpty()) {
            causes.add(FieldCause.required("addressType", ""));
        } else if (!ADDRESS_TYPES.contains(addressType)) {
            causes.add(FieldCause.notSupported("addressType", addressType, ADDRESS_TYPES));
        }
        endpoints(slice.get("endpoints"), addressType, causes);
        ports(slice.get("ports"), causes);
        return causes;
    }

    /** kube's {@code field.TooMany}: {@code Too many: 1001: must have at most 1000 items}. */
    static FieldCause tooMany(String path, int actual, int max) {
        return new FieldCause("FieldValueTooMany", "Too many: " + actual + ": must have at most " + max + " items", path);
    }

    private static void endpoints(JsonNode endpoints, String addressType, List<FieldCause> causes) {
        if (endpoints == null || !endpoints.isArray()) {
            return;
        }
        if (endpoints.size() > MAX_ENDPOINTS) {
            causes.add(tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS));
            return;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode endpoint = endpoints.get(i);
            String at = "endpoints[" + i + "]";
            String addressPath = at + ".addresses";
            JsonNode addresses = endpoint.path("addresses");
            if (addresses.size() == 0) {
                causes.add(FieldCause.required(addressPath, "must contain at least 1 address"));
            } else if (addresses.size() > MAX_ADDRESSES) {
                causes.add(tooMany(addressPath, addresses.size(), MAX_ADDRESSES));
            }
            for (int j = 0; j < addresses.size(); j++) {
                String address = addresses.get(j).isNull() ? "" : addresses.get(j).asText();
                String path = addressPath + "[" + j + "]";
                // an unknown type falls through unchecked, as in kube
                switch (addressType) {
                    case "IPv4" -> ip(address, path, true, causes);
                    case "IPv6" -> ip(address, path, false, causes);
                    case "FQDN" -> fqdn(address, path, causes);
                    default -> {
                    }
                }
            }
            JsonNode nodeName = endpoint.get("nodeName");
            if (present(nodeName)) {
                for (String msg : NameValidation.isDNS1123Subdomain(nodeName.asText())) {
                    causes.add(FieldCause.invalid(at + ".nodeName", nodeName.asText(), msg));
                }
            }
            JsonNode topology = endpoint.get("deprecatedTopology");
            if (topology != null && topology.isObject()) {
                if (topology.size() > MAX_TOPOLOGY_LABELS) {
                    causes.add(tooMany(at + ".deprecatedTopology", topology.size(), MAX_TOPOLOGY_LABELS));
                }
                causes.addAll(labels(topology, at + ".deprecatedTopology"));
                if (topology.has(ZONE_LABEL)) {
                    causes.add(new FieldCause("InternalError", "Internal error: reserved key was not removed in conversion",
                            at + ".deprecatedTopology[" + ZONE_LABEL + "]"));
                }
            }
            JsonNode hostname = endpoint.get("hostname");
            if (present(hostname)) {
                for (String msg : NameValidation.isDNS1123Label(hostname.asText())) {
                    causes.add(FieldCause.invalid(at + ".hostname", hostname.asText(), msg));
                }
            }
            JsonNode hints = endpoint.get("hints");
            if (present(hints)) {
                hints(hints, at + ".hints", causes);
            }
        }
    }

    /**
     * An address of an IPv4 or IPv6 slice: {@code IsValidIPv4Address}/{@code IsValidIPv6Address}, then
     * kube's {@code ValidateNonSpecialIP} (added for CVE-2021-25737), both reporting, so an address that
     * is no IP at all is reported twice.
     */
    private static void ip(String address, String path, boolean v4, List<FieldCause> causes) {
        byte[] ip = GoIP.parse(address);
        if (ip == null || GoIP.isV4(ip) != v4) {
            causes.add(FieldCause.invalid(path, address, v4 ? "must be a valid IPv4 address" : "must be a valid IPv6 address"));
        }
        if (ip == null) {
            causes.add(FieldCause.invalid(path, address, "must be a valid IP address"));
            return;
        }
        if (GoIP.isUnspecified(ip)) {
            causes.add(FieldCause.invalid(path, address, "may not be unspecified (" + address + ")"));
        }
        if (GoIP.isLoopback(ip)) {
            causes.add(FieldCause.invalid(path, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        if (GoIP.isLinkLocalUnicast(ip)) {
            causes.add(FieldCause.invalid(path, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        if (GoIP.isLinkLocalMulticast(ip)) {
            causes.add(FieldCause.invalid(path, address, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
    }

    /** apimachinery's {@code IsFullyQualifiedDomainName}: a trailing dot allowed, two labels at least. */
    private static void fqdn(String address, String path, List<FieldCause> causes) {
        if (address.isEmpty()) {
            causes.add(FieldCause.required(path, ""));
            return;
        }
        String name = address.endsWith(".") ? address.substring(0, address.length() - 1) : address;
        List<String> errs = NameValidation.isDNS1123Subdomain(name);
        if (!errs.isEmpty()) {
            causes.add(FieldCause.invalid(path, name, String.join(",", errs)));
            return;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            causes.add(FieldCause.invalid(path, name, "should be a domain with at least two segments separated by dots"));
            return;
        }
        for (String label : labels) {
            List<String> labelErrs = NameValidation.isDNS1123Label(label);
            if (!labelErrs.isEmpty()) {
                causes.add(FieldCause.invalid(path, label, String.join(",", labelErrs)));
                return;
            }
        }
    }

    private static void hints(JsonNode hints, String path, List<FieldCause> causes) {
        JsonNode zones = hints.path("forZones");
        String zonesPath = path + ".forZones";
        if (zones.size() > MAX_ZONE_HINTS) {
            causes.add(tooMany(zonesPath, zones.size(), MAX_ZONE_HINTS));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < zones.size(); i++) {
            String at = zonesPath + "[" + i + "].name";
            String name = text(zones.get(i), "name");
            if (!names.add(name)) {
                causes.add(FieldCause.duplicate(at, name));
            }
            for (String msg : NameValidation.isValidLabelValue(name)) {
                causes.add(FieldCause.invalid(at, name, msg));
            }
        }
    }

    private static void ports(JsonNode ports, List<FieldCause> causes) {
        if (ports == null || !ports.isArray()) {
            return;
        }
        if (ports.size() > MAX_PORTS) {
            causes.add(tooMany("ports", ports.size(), MAX_PORTS));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String at = "ports[" + i + "]";
            // defaulting made the name "" when it was unset
            String name = text(port, "name");
            if (!name.isEmpty()) {
                for (String msg : NameValidation.isDNS1123Label(name)) {
                    causes.add(FieldCause.invalid(at + ".name", name, msg));
                }
            }
            if (!names.add(name)) {
                causes.add(FieldCause.duplicate(at + ".name", name));
            }
            JsonNode protocol = port.get("protocol");
            if (!present(protocol)) {
                causes.add(FieldCause.required(at + ".protocol", ""));
            } else if (!PROTOCOLS.contains(protocol.asText())) {
                causes.add(FieldCause.notSupported(at + ".protocol", protocol.asText(), PROTOCOLS));
            }
            JsonNode appProtocol = port.get("appProtocol");
            if (present(appProtocol)) {
                for (String msg : qualifiedNameErrors(appProtocol.asText())) {
                    causes.add(FieldCause.invalid(at + ".appProtocol", appProtocol.asText(), msg));
                }
            }
        }
    }

    /** metav1 {@code ValidateLabels}, with kube 1.32's wording of a key with several slashes. */
    static List<FieldCause> labels(JsonNode labels, String path) {
        List<FieldCause> causes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String msg : qualifiedNameErrors(e.getKey())) {
                causes.add(FieldCause.invalid(path, e.getKey(), msg));
            }
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            for (String msg : NameValidation.isValidLabelValue(v)) {
                causes.add(FieldCause.invalid(path, v, msg));
            }
        }
        return causes;
    }

    /** kube 1.32's {@code IsQualifiedName}. */
    static List<String> qualifiedNameErrors(String value) {
        return NameValidation.isQualifiedName(value);
    }

    /** Whether the field decodes to a set Go pointer: present and not JSON null. */
    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    static String text(JsonNode parent, String field) {
        JsonNode v = parent == null ? null : parent.get(field);
        return present(v) ? v.asText() : "";
    }

    /** kube's {@code ValidateEndpointSliceUpdate}: the slice validated again, its address type immutable. */
    static List<FieldCause> validateUpdate(JsonNode slice, JsonNode old) {
        List<FieldCause> causes = validate(slice);
        String addressType = text(slice, "addressType");
        if (!addressType.equals(text(old, "addressType"))) {
            causes.add(FieldCause.invalid("addressType", addressType, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }
}
