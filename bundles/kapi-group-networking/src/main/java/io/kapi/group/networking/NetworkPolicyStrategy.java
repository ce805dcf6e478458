package io.kapi.group.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.selection.LabelSelector;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's NetworkPolicy (networking.k8s.io/v1): ports default to TCP and policy types to Ingress (and
 * Egress when egress rules are given); ports, port ranges, peers and IP blocks validated with kube's
 * messages; printed with its pod selector.
 */
final class NetworkPolicyStrategy implements Strategy {
    private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (!spec.hasNonNull("podSelector")) {
            spec.putObject("podSelector");
        }
        for (String direction : new String[] {"ingress", "egress"}) {
            for (JsonNode rule : spec.path(direction)) {
                for (JsonNode p : rule.path("ports")) {
                    if (p instanceof ObjectNode port && !port.hasNonNull("protocol")) {
                        port.put("protocol", "TCP");
                    }
                }
            }
        }
        if (spec.path("policyTypes").size() == 0) {
            ArrayNode types = spec.putArray("policyTypes").add("Ingress");
            if (spec.path("egress").size() > 0) {
                types.add("Egress");
            }
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        selector(spec.get("podSelector"), "spec.podSelector", causes);
        for (String[] d : new String[][] {{"ingress", "from"}, {"egress", "to"}}) {
            int i = 0;
            for (JsonNode rule : spec.path(d[0])) {
                String at = "spec." + d[0] + "[" + i++ + "]";
                int j = 0;
                for (JsonNode port : rule.path("ports")) {
                    port(port, at + ".ports[" + j++ + "]", causes);
                }
                int k = 0;
                for (JsonNode peer : rule.path(d[1])) {
                    peer(peer, at + "." + d[1] + "[" + k++ + "]", causes);
                }
            }
        }
        JsonNode types = spec.path("policyTypes");
        if (types.size() > 2) {
            List<String> rendered = new ArrayList<>();
            types.forEach(t -> rendered.add(FieldCause.goQuote(t.asText(""))));
            causes.add(FieldCause.invalidRendered("spec.policyTypes", "[]networking.PolicyType{" + String.join(", ", rendered) + "}",
                    "may not specify more than two policyTypes"));
        } else {
            int i = 0;
            for (JsonNode t : types) {
                if (!t.asText("").equals("Ingress") && !t.asText("").equals("Egress")) {
                    causes.add(FieldCause.notSupported("spec.policyTypes[" + i + "]", t.asText(""), List.of("Ingress", "Egress")));
                }
                i++;
            }
        }
        return causes;
    }

    private static void selector(JsonNode selector, String path, List<FieldCause> causes) {
        causes.addAll(ObjectMetaValidation.validateLabelSelector(selector, path));
    }

    private static void port(JsonNode p, String at, List<FieldCause> causes) {
        String protocol = p.path("protocol").asText("");
        if (!PROTOCOLS.contains(protocol)) {
            causes.add(FieldCause.notSupported(at + ".protocol", protocol, PROTOCOLS));
        }
        JsonNode port = p.get("port");
        JsonNode end = p.get("endPort");
        boolean hasEnd = end != null && !end.isNull();
        if (port == null || port.isNull()) {
            if (hasEnd) {
                causes.add(FieldCause.invalid(at + ".endPort", end.asLong(), "may not be specified when `port` is not specified"));
            }
        } else if (port.isNumber()) {
            long n = port.asLong();
            if (n < 1 || n > 65535) {
                causes.add(FieldCause.invalid(at + ".port", n, "must be between 1 and 65535, inclusive"));
            }
            if (hasEnd) {
                if (end.asLong() < n) {
                    causes.add(FieldCause.invalid(at + ".endPort", end.asLong(), "must be greater than or equal to `port`"));
                }
                if (end.asLong() < 1 || end.asLong() > 65535) {
                    causes.add(FieldCause.invalid(at + ".endPort", end.asLong(), "must be between 1 and 65535, inclusive"));
                }
            }
        } else {
            if (hasEnd) {
                causes.add(FieldCause.invalid(at + ".endPort", end.asLong(), "may not be specified when `port` is non-numeric"));
            }
            for (String msg : PodValidation.portNameErrors(port.asText(""))) {
                causes.add(FieldCause.invalid(at + ".port", port.asText(""), msg));
            }
        }
    }

    private static void peer(JsonNode peer, String at, List<FieldCause> causes) {
        boolean pods = peer.hasNonNull("podSelector");
        boolean namespaces = peer.hasNonNull("namespaceSelector");
        boolean block = peer.hasNonNull("ipBlock");
        if (!pods && !namespaces && !block) {
            causes.add(FieldCause.required(at, "must specify a peer"));
            return;
        }
        if (block && (pods || namespaces)) {
            causes.add(FieldCause.forbidden(at, "may not specify both ipBlock and another peer"));
            return;
        }
        selector(peer.get("podSelector"), at + ".podSelector", causes);
        selector(peer.get("namespaceSelector"), at + ".namespaceSelector", causes);
        if (block) {
            JsonNode ip = peer.get("ipBlock");
            String cidr = ip.path("cidr").asText("");
            if (cidr.isEmpty()) {
                causes.add(FieldCause.required(at + ".ipBlock.cidr", ""));
                return;
            }
            long[] range = cidr(cidr);
            if (range == null) {
                causes.add(FieldCause.invalid(at + ".ipBlock.cidr", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                return;
            }
            int m = 0;
            for (JsonNode e : ip.path("except")) {
                String at2 = at + ".ipBlock.except[" + m++ + "]";
                long[] sub = cidr(e.asText(""));
                if (sub == null) {
                    causes.add(FieldCause.invalid(at2, e.asText(""), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                } else if (sub[1] <= range[1] || !contains(range, sub[0])) {
                    causes.add(FieldCause.invalid(at2, e.asText(""), "must be a strict subset of `cidr`"));
                }
            }
        }
    }

    /** An IPv4 CIDR as {network, prefix}, or null; host bits are allowed, as kube's net.ParseCIDR allows them. */
    private static long[] cidr(String text) {
        String[] parts = text.split("/");
        if (parts.length != 2 || !parts[1].matches("[0-9]{1,2}")) {
            return null;
        }
        int prefix = Integer.parseInt(parts[1]);
        String[] octets = parts[0].split("\\.", -1);
        if (prefix > 32 || octets.length != 4) {
            return null;
        }
        long v = 0;
        for (String o : octets) {
            if (!o.matches("[0-9]{1,3}") || Integer.parseInt(o) > 255) {
                return null;
            }
            v = v * 256 + Integer.parseInt(o);
        }
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new long[] {v & mask, prefix};
    }

    private static boolean contains(long[] range, long ip) {
        long mask = range[1] == 0 ? 0 : (0xFFFFFFFFL << (32 - range[1])) & 0xFFFFFFFFL;
        return (ip & mask) == range[0];
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Pod-Selector", "string", "podSelector selects the pods to which this NetworkPolicy object applies."),
                        o -> {
                            try {
                                String s = LabelSelector.fromObject(o.path("spec").get("podSelector")).toString();
                                return s.isEmpty() ? "<none>" : s;
                            } catch (IllegalArgumentException e) {
                                return "<error>";
                            }
                        })
                .age().build();
    }
}
