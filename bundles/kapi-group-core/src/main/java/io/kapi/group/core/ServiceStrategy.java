package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * kube's Service strategy for a single-stack IPv4 cluster: v1 defaulting (session affinity, type,
 * ports, traffic policies, IP families), the validation of ValidateService/ValidateServiceUpdate with
 * kube's paths and messages, the type-dependent fields an update drops, {@code spec.clusterIP} and
 * {@code spec.type} as field selectors, and kube's printer. Cluster IPs and node ports are allocated by
 * {@link ServiceRest} before this validation runs, as kube's storage does.
 */
final class ServiceStrategy implements Strategy {
    static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return NameValidator.DNS1035_LABEL.validate(name, prefix);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return false; // kube creates on PUT: ServiceRest does it, so that the create allocates
    }

    static String type(JsonNode svc) {
        return svc.path("spec").path("type").asText("");
    }

    static boolean externallyAccessible(JsonNode spec) {
        String type = spec.path("type").asText("");
        return type.equals("LoadBalancer") || type.equals("NodePort")
                || type.equals("ClusterIP") && spec.path("externalIPs").size() > 0;
    }

    static boolean headless(JsonNode spec) {
        JsonNode ips = spec.path("clusterIPs");
        return ips.size() == 1 && ips.get(0).asText().equals("None");
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (spec.path("sessionAffinity").asText("").isEmpty()) {
            spec.put("sessionAffinity", "None");
        }
        if (spec.path("sessionAffinity").asText().equals("None")) {
            spec.remove("sessionAffinityConfig");
        } else if (spec.path("sessionAffinity").asText().equals("ClientIP")
                && spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds").isMissingNode()) {
            spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", 10800);
        }
        if (spec.path("type").asText("").isEmpty()) {
            spec.put("type", "ClusterIP");
        }
        for (JsonNode p : spec.path("ports")) {
            if (p instanceof ObjectNode port) {
                if (port.path("protocol").asText("").isEmpty()) {
                    port.put("protocol", "TCP");
                }
                JsonNode target = port.get("targetPort");
                if (target == null || target.isNull() || target.isNumber() && target.asLong() == 0
                        || target.isTextual() && target.asText().isEmpty()) {
                    port.set("targetPort", port.path("port"));
                }
            }
        }
        String type = spec.path("type").asText();
        if (spec.path("externalTrafficPolicy").asText("").isEmpty() && externallyAccessible(spec)) {
            spec.put("externalTrafficPolicy", "Cluster");
        }
        if (!spec.hasNonNull("internalTrafficPolicy") && !type.equals("ExternalName")) {
            spec.put("internalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
            spec.put("allocateLoadBalancerNodePorts", true);
        }
        // normalizeClusterIPs and initIPFamilyFields on an IPv4 single-stack cluster
        String clusterIP = spec.path("clusterIP").asText("");
        if (!clusterIP.isEmpty() && spec.path("clusterIPs").size() == 0) {
            spec.putArray("clusterIPs").add(clusterIP);
        }
        if (!type.equals("ExternalName")) {
            boolean headlessNoSelector = clusterIP.equals("None") && spec.path("selector").size() == 0;
            if (!spec.hasNonNull("ipFamilyPolicy")) {
                spec.put("ipFamilyPolicy", headlessNoSelector ? "RequireDualStack" : "SingleStack");
            }
            if (spec.path("ipFamilies").size() == 0) {
                ArrayNode families = spec.putArray("ipFamilies").add("IPv4");
                if (headlessNoSelector && !spec.path("ipFamilyPolicy").asText().equals("SingleStack")) {
                    families.add("IPv6");
                }
            }
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").putObject("loadBalancer");
    }

    /** kube's dropTypeDependentFields: what a type change leaves behind goes, unless the client changed it. */
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        JsonNode oldSpec = old.path("spec");
        String type = spec.path("type").asText("");
        String oldType = oldSpec.path("type").asText("");
        if (!oldType.equals("ExternalName") && type.equals("ExternalName")) {
            if (Objects.equals(spec.get("clusterIP"), oldSpec.get("clusterIP"))
                    && Objects.equals(spec.get("clusterIPs"), oldSpec.get("clusterIPs"))) {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            if (Objects.equals(spec.get("ipFamilies"), oldSpec.get("ipFamilies"))) {
                spec.remove("ipFamilies");
            }
            if (Objects.equals(spec.get("ipFamilyPolicy"), oldSpec.get("ipFamilyPolicy"))) {
                spec.remove("ipFamilyPolicy");
            }
        }
        boolean oldNodePorts = oldType.equals("NodePort") || oldType.equals("LoadBalancer");
        boolean newNodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
        if (oldNodePorts && !newNodePorts && nodePorts(spec).stream().allMatch(nodePorts(oldSpec)::contains)) {
            spec.path("ports").forEach(p -> ((ObjectNode) p).remove("nodePort"));
        }
        if (oldType.equals("LoadBalancer") && !type.equals("LoadBalancer")) {
            if (Objects.equals(spec.get("allocateLoadBalancerNodePorts"), oldSpec.get("allocateLoadBalancerNodePorts"))) {
                spec.remove("allocateLoadBalancerNodePorts");
            }
            if (Objects.equals(spec.get("loadBalancerClass"), oldSpec.get("loadBalancerClass"))) {
                spec.remove("loadBalancerClass");
            }
        }
        boolean oldHealthCheck = oldType.equals("LoadBalancer") && oldSpec.path("externalTrafficPolicy").asText("").equals("Local");
        boolean newHealthCheck = type.equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText("").equals("Local");
        if (oldHealthCheck && !newHealthCheck && Objects.equals(spec.get("healthCheckNodePort"), oldSpec.get("healthCheckNodePort"))) {
            spec.remove("healthCheckNodePort");
        }
        if (externallyAccessible(oldSpec) && !externallyAccessible(spec)
                && Objects.equals(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
            spec.remove("externalTrafficPolicy");
        }
        if (type.equals("ExternalName")) {
            spec.remove("internalTrafficPolicy");
        }
    }

    static Set<Long> nodePorts(JsonNode spec) {
        Set<Long> out = new HashSet<>();
        spec.path("ports").forEach(p -> {
            if (p.path("nodePort").asLong(0) != 0) {
                out.add(p.path("nodePort").asLong());
            }
        });
        return out;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return ServiceValidation.validate(object);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return ServiceValidation.validateUpdate(object, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("spec.clusterIP", object.path("spec").path("clusterIP").asText(""),
                "spec.type", object.path("spec").path("type").asText(""));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP."),
                        o -> type(o))
                .column(TableColumn.of("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
                        o -> o.path("spec").path("clusterIPs").size() > 0 ? o.path("spec").path("clusterIPs").get(0).asText()
                                : "<none>")
                .column(TableColumn.of("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                        ServiceStrategy::externalIP)
                .column(TableColumn.of("Port(s)", "string", "The list of ports that are exposed by this service."),
                        ServiceStrategy::ports)
                .age()
                .column(new TableColumn("Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector.", 1),
                        o -> labels(o.path("spec").get("selector")))
                .build();
    }

    private static String externalIP(ObjectNode o) {
        JsonNode spec = o.path("spec");
        List<String> external = new ArrayList<>();
        spec.path("externalIPs").forEach(n -> external.add(n.asText()));
        switch (type(o)) {
            case "ClusterIP", "NodePort" -> {
                return external.isEmpty() ? "<none>" : String.join(",", external);
            }
            case "LoadBalancer" -> {
                java.util.TreeSet<String> lb = new java.util.TreeSet<>();
                for (JsonNode ingress : o.path("status").path("loadBalancer").path("ingress")) {
                    String ip = ingress.path("ip").asText("");
                    lb.add(ip.isEmpty() ? ingress.path("hostname").asText("") : ip);
                }
                List<String> all = new ArrayList<>(lb);
                all.addAll(external);
                return all.isEmpty() ? "<pending>" : String.join(",", all);
            }
            case "ExternalName" -> {
                return spec.path("externalName").asText("");
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    private static String ports(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : o.path("spec").path("ports")) {
            long nodePort = p.path("nodePort").asLong(0);
            out.add(p.path("port").asLong() + (nodePort > 0 ? ":" + nodePort : "") + "/" + p.path("protocol").asText(""));
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    /** kube's {@code labels.FormatLabels}: sorted {@code k=v}, {@code <none>} when empty. */
    static String labels(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>(Json.stringMap(map));
        if (sorted.isEmpty()) {
            return "<none>";
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }
}
