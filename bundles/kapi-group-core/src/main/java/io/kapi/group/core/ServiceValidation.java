package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's Service validation (pkg/apis/core/validation's ValidateService and ValidateServiceUpdate) for a
 * single-stack IPv4 cluster, with kube's paths and messages; also the address checks Endpoints share.
 */
final class ServiceValidation {
    /** kube's supported protocols of a port. */
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private ServiceValidation() {
    }

    /** kube's ValidateService. */
    static List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String type = spec.path("type").asText("");
        boolean headless = ServiceStrategy.headless(spec);
        JsonNode ports = spec.path("ports");
        if (ports.size() == 0 && !headless && !type.equals("ExternalName")) {
            causes.add(FieldCause.required("spec.ports", ""));
        }
        switch (type) {
            case "LoadBalancer", "NodePort" -> {
                if (headless) {
                    causes.add(FieldCause.invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for " + type + " services"));
                }
            }
            case "ExternalName" -> {
                if (spec.path("clusterIPs").size() > 0) {
                    causes.add(FieldCause.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
                }
                if (spec.path("ipFamilies").size() > 0) {
                    causes.add(FieldCause.forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
                }
                if (spec.hasNonNull("ipFamilyPolicy")) {
                    causes.add(FieldCause.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
                }
                String name = spec.path("externalName").asText("");
                if (name.endsWith(".")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (name.isEmpty()) {
                    causes.add(FieldCause.required("spec.externalName", ""));
                } else {
                    for (String msg : NameValidation.isDNS1123Subdomain(name)) {
                        causes.add(FieldCause.invalid("spec.externalName", name, msg));
                    }
                }
            }
            default -> {
            }
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode p : ports) {
            port(p, "spec.ports[" + i++ + "]", ports.size() > 1, names, causes);
        }
        causes.addAll(ObjectMetaValidation.validateLabels(spec.get("selector"), "spec.selector"));
        sessionAffinity(spec, causes);
        if (!type.equals("ExternalName")) {
            clusterIPs(spec, causes);
        }
        int e = 0;
        for (JsonNode ip : spec.path("externalIPs")) {
            for (String msg : ipErrors(ip.asText(""))) {
                causes.add(FieldCause.invalid("spec.externalIPs[" + e + "]", ip.asText(""), msg));
            }
            e++;
        }
        if (type.isEmpty()) {
            causes.add(FieldCause.required("spec.type", ""));
        } else if (!ServiceStrategy.TYPES.contains(type)) {
            causes.add(FieldCause.notSupported("spec.type", type, ServiceStrategy.TYPES));
        }
        Set<String> nodePortKeys = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        i = 0;
        for (JsonNode p : ports) {
            String at = "spec.ports[" + i++ + "]";
            long nodePort = p.path("nodePort").asLong(0);
            String protocol = p.path("protocol").asText("");
            if (type.equals("ClusterIP") && nodePort != 0) {
                causes.add(FieldCause.forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
            }
            if (nodePort != 0 && !nodePortKeys.add(protocol + "/" + nodePort)) {
                causes.add(FieldCause.duplicate(at + ".nodePort", nodePort));
            }
            if (!portKeys.add(protocol + "/" + p.path("port").asLong(0))) {
                causes.add(new FieldCause("FieldValueDuplicate",
                        "Duplicate value: core.ServicePort{Name:\"\", Protocol:" + FieldCause.goQuote(protocol)
                                + ", AppProtocol:(*string)(nil), Port:" + p.path("port").asLong(0)
                                + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}", at));
            }
        }
        sourceRanges(object, type, causes);
        if (spec.hasNonNull("allocateLoadBalancerNodePorts") && !type.equals("LoadBalancer")) {
            causes.add(FieldCause.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
        }
        // kube: if service.Spec.Type == core.ServiceTypeLoadBalancer && service.Spec.AllocateLoadBalancerNodePorts == nil {
        //     allErrs = append(allErrs, field.Required(field.NewPath("allocateLoadBalancerNodePorts"), "")) }
        // (kube's path has no "spec."; the store's defaulting sets the field, so only a caller skipping it sees this)
        if (type.equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
            causes.add(FieldCause.required("allocateLoadBalancerNodePorts", ""));
        }
        loadBalancerClass(spec, causes);
        String etp = spec.path("externalTrafficPolicy").asText("");
        if (!ServiceStrategy.externallyAccessible(spec)) {
            if (!etp.isEmpty()) {
                causes.add(FieldCause.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
            }
        } else if (etp.isEmpty()) {
            causes.add(FieldCause.required("spec.externalTrafficPolicy", ""));
        } else if (!etp.equals("Cluster") && !etp.equals("Local")) {
            causes.add(FieldCause.notSupported("spec.externalTrafficPolicy", etp, List.of("Cluster", "Local")));
        }
        long hc = spec.path("healthCheckNodePort").asLong(0);
        if (hc != 0 && !(type.equals("LoadBalancer") && etp.equals("Local"))) {
            causes.add(FieldCause.invalid("spec.healthCheckNodePort", hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
        JsonNode itp = spec.get("internalTrafficPolicy");
        if ((itp == null || itp.isNull()) && !type.equals("ExternalName") && ServiceStrategy.TYPES.contains(type)) {
            causes.add(FieldCause.required("spec.internalTrafficPolicy", ""));
        } else if (itp != null && !itp.isNull() && !itp.asText().equals("Cluster") && !itp.asText().equals("Local")) {
            causes.add(FieldCause.notSupported("spec.internalTrafficPolicy", itp.asText(), List.of("Cluster", "Local")));
        }
        // kube's validateServiceTrafficDistribution (1.32: PreferClose is the only value)
        JsonNode distribution = spec.get("trafficDistribution");
        if (distribution != null && !distribution.isNull() && !distribution.asText().equals("PreferClose")) {
            causes.add(FieldCause.notSupported("spec.trafficDistribution", distribution.asText(), List.of("PreferClose")));
        }
        // kube's validateServiceAnnotations: topology-mode must match the deprecated topology-aware-hints when both are set
        JsonNode annotations = object.path("metadata").path("annotations");
        JsonNode hints = annotations.get("service.kubernetes.io/topology-aware-hints");
        JsonNode mode = annotations.get("service.kubernetes.io/topology-mode");
        if (hints != null && mode != null && !hints.asText().equals(mode.asText())) {
            causes.add(FieldCause.invalid("metadata.annotations[service.kubernetes.io/topology-mode]", mode.asText(),
                    "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified"));
        }
        return causes;
    }

    /**
     * kube's validateLoadBalancerClassField(nil, service): a qualified name on a LoadBalancer, forbidden on any
     * other type ({@code ValidateServiceUpdate} runs it once more with the old Service, so an update reports twice).
     */
    private static void loadBalancerClass(JsonNode spec, List<FieldCause> causes) {
        JsonNode lbClass = spec.get("loadBalancerClass");
        if (lbClass == null || lbClass.isNull()) {
            return;
        }
        if (spec.path("type").asText("").equals("LoadBalancer")) {
            for (String msg : NameValidation.isQualifiedName(lbClass.asText())) {
                causes.add(FieldCause.invalid("spec.loadBalancerClass", lbClass.asText(), msg));
            }
        } else {
            causes.add(FieldCause.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
        }
    }

    static final String SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

    /**
     * kube's source range check in validateServiceFields: the field (or, without it, the annotation) only on a
     * LoadBalancer, and parsing as apiservice.GetLoadBalancerSourceRanges does (entries trimmed; an empty or
     * whitespace-only annotation means 0.0.0.0/0):
     * <pre>
     * if len(service.Spec.LoadBalancerSourceRanges) > 0 || ok { ...
     *     if service.Spec.Type != core.ServiceTypeLoadBalancer { field.Forbidden(fieldPath, "may only be used when `type` is 'LoadBalancer'") }
     *     if _, err := apiservice.GetLoadBalancerSourceRanges(service); err != nil {
     *         field.Invalid(fieldPath, val, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ") } }
     * </pre>
     */
    private static void sourceRanges(JsonNode svc, String type, List<FieldCause> causes) {
        JsonNode ranges = svc.path("spec").path("loadBalancerSourceRanges");
        JsonNode annotation = svc.path("metadata").path("annotations").get(SOURCE_RANGES_ANNOTATION);
        if (ranges.size() == 0 && annotation == null) {
            return;
        }
        String at;
        Object value;
        boolean valid = true;
        if (ranges.size() > 0) {
            at = "spec.LoadBalancerSourceRanges";
            List<String> items = new ArrayList<>();
            for (JsonNode r : ranges) {
                items.add(r.asText(""));
                valid &= isCIDR(r.asText("").trim());
            }
            value = "[" + String.join(" ", items) + "]"; // Go's %v of a []string
        } else {
            at = "metadata.annotations[" + SOURCE_RANGES_ANNOTATION + "]";
            value = annotation.asText("");
            String v = annotation.asText("").trim();
            if (!v.isEmpty()) {
                for (String r : v.split(",", -1)) {
                    valid &= isCIDR(r.trim());
                }
            }
        }
        if (!type.equals("LoadBalancer")) {
            causes.add(FieldCause.forbidden(at, "may only be used when `type` is 'LoadBalancer'"));
        }
        if (!valid) {
            causes.add(FieldCause.invalid(at, value, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "));
        }
    }

    /** kube's netutils.ParseCIDRSloppy succeeding: an IPv4 or IPv6 address, '/', a prefix length within its size. */
    static boolean isCIDR(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = cidr.substring(0, slash);
        String bits = cidr.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int prefix = Integer.parseInt(bits);
        if (ServiceCidr.toLong(ip) >= 0) {
            return prefix <= 32;
        }
        if (!ip.contains(":") || !ip.matches("[0-9A-Fa-f:.]+")) {
            return false; // never a name lookup
        }
        try {
            return java.net.InetAddress.getByName(ip) instanceof java.net.Inet6Address && prefix <= 128;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void port(JsonNode p, String at, boolean several, Set<String> names, List<FieldCause> causes) {
        String name = p.path("name").asText("");
        if (name.isEmpty()) {
            if (several) {
                causes.add(FieldCause.required(at + ".name", ""));
            }
        } else {
            for (String msg : NameValidation.isDNS1123Label(name)) {
                causes.add(FieldCause.invalid(at + ".name", name, msg));
            }
            if (!names.add(name)) {
                causes.add(FieldCause.duplicate(at + ".name", name));
            }
        }
        long port = p.path("port").asLong(0);
        if (port < 1 || port > 65535) {
            causes.add(FieldCause.invalid(at + ".port", port, "must be between 1 and 65535, inclusive"));
        }
        String protocol = p.path("protocol").asText("");
        if (protocol.isEmpty()) {
            causes.add(FieldCause.required(at + ".protocol", ""));
        } else if (!PROTOCOLS.contains(protocol)) {
            causes.add(FieldCause.notSupported(at + ".protocol", protocol, PROTOCOLS));
        }
        // kube's validateServicePort: if sp.AppProtocol != nil { ValidateQualifiedName(*sp.AppProtocol, fldPath.Child("appProtocol")) }
        JsonNode appProtocol = p.get("appProtocol");
        if (appProtocol != null && !appProtocol.isNull()) {
            for (String msg : NameValidation.isQualifiedName(appProtocol.asText())) {
                causes.add(FieldCause.invalid(at + ".appProtocol", appProtocol.asText(), msg));
            }
        }
        JsonNode target = p.get("targetPort");
        if (target != null && target.isNumber()) {
            long t = target.asLong();
            if (t < 1 || t > 65535) {
                causes.add(FieldCause.invalid(at + ".targetPort", t, "must be between 1 and 65535, inclusive"));
            }
        } else if (target != null && target.isTextual()) {
            for (String msg : PodValidation.portNameErrors(target.asText())) {
                causes.add(FieldCause.invalid(at + ".targetPort", target.asText(), msg));
            }
        }
    }

    private static void sessionAffinity(JsonNode spec, List<FieldCause> causes) {
        String affinity = spec.path("sessionAffinity").asText("");
        if (affinity.isEmpty()) {
            causes.add(FieldCause.required("spec.sessionAffinity", ""));
        } else if (!affinity.equals("ClientIP") && !affinity.equals("None")) {
            causes.add(FieldCause.notSupported("spec.sessionAffinity", affinity, List.of("ClientIP", "None")));
        } else if (affinity.equals("None")) {
            // kube: else if service.Spec.SessionAffinity == core.ServiceAffinityNone { if service.Spec.SessionAffinityConfig != nil {
            //     field.Forbidden(specPath.Child("sessionAffinityConfig"), fmt.Sprintf("must not be set when session affinity is %s", core.ServiceAffinityNone)) } }
            JsonNode config = spec.get("sessionAffinityConfig");
            if (config != null && !config.isNull()) {
                causes.add(FieldCause.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
            }
        } else if (affinity.equals("ClientIP")) {
            JsonNode timeout = spec.path("sessionAffinityConfig").path("clientIP").get("timeoutSeconds");
            if (timeout != null && (timeout.asLong() <= 0 || timeout.asLong() > 86400)) {
                causes.add(FieldCause.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout.asLong(),
                        "must be greater than 0 and less than 86400"));
            }
        }
    }

    /** kube's ValidateServiceClusterIPsRelatedFields on a single-stack IPv4 cluster. */
    static List<FieldCause> clusterIPs(JsonNode spec, List<FieldCause> causes) {
        String clusterIP = spec.path("clusterIP").asText("");
        JsonNode ips = spec.path("clusterIPs");
        if (!clusterIP.isEmpty() && ips.size() == 0) {
            causes.add(FieldCause.required("spec.clusterIPs", ""));
        } else if (!clusterIP.isEmpty() && !ips.get(0).asText().equals(clusterIP)) {
            causes.add(FieldCause.invalidRendered("spec.clusterIPs", slice(ips), "first value must match `clusterIP`"));
        } else if (clusterIP.isEmpty() && ips.size() > 0) {
            causes.add(FieldCause.invalidRendered("spec.clusterIPs", slice(ips), "must be empty when `clusterIP` is not specified"));
        }
        Set<String> families = new HashSet<>();
        int f = 0;
        for (JsonNode family : spec.path("ipFamilies")) {
            String v = family.asText("");
            if (!v.equals("IPv4") && !v.equals("IPv6")) {
                causes.add(FieldCause.notSupported("spec.ipFamilies[" + f + "]", v, List.of("IPv4", "IPv6")));
            } else if (!families.add(v)) {
                causes.add(FieldCause.duplicate("spec.ipFamilies[" + f + "]", v));
            }
            f++;
        }
        String policy = spec.path("ipFamilyPolicy").asText("");
        if (spec.hasNonNull("ipFamilyPolicy") && !List.of("PreferDualStack", "RequireDualStack", "SingleStack").contains(policy)) {
            causes.add(FieldCause.notSupported("spec.ipFamilyPolicy", policy, List.of("PreferDualStack", "RequireDualStack", "SingleStack")));
        }
        boolean headlessNoSelector = ServiceStrategy.headless(spec) && spec.path("selector").size() == 0;
        if (!headlessNoSelector) {
            if (policy.equals("RequireDualStack")) {
                causes.add(FieldCause.invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"));
            }
            f = 0;
            for (JsonNode family : spec.path("ipFamilies")) {
                if (family.asText().equals("IPv6")) {
                    causes.add(FieldCause.invalid("spec.ipFamilies[" + f + "]", "IPv6", "not configured on this cluster"));
                }
                f++;
            }
        }
        if (ips.size() > 1 && ips.get(0).asText().equals("None")) {
            causes.add(FieldCause.invalidRendered("spec.clusterIPs", slice(ips), "'None' must be the first and only value"));
        }
        boolean allValid = true;
        for (int i = 0; i < ips.size(); i++) {
            String ip = ips.get(i).asText("");
            if (i == 0 && ip.equals("None")) {
                continue;
            }
            if (ServiceCidr.toLong(ip) < 0) {
                allValid = false;
                causes.add(FieldCause.invalid("spec.clusterIPs[" + i + "]", ip, ip.contains(":")
                        ? "expected an IPv4 value as indicated by `ipFamilies[" + i + "]`" : "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }
        if (ips.size() > 2) {
            causes.add(FieldCause.invalidRendered("spec.clusterIPs", slice(ips), "may only hold up to 2 values"));
        } else if (allValid && ips.size() == 2) {
            causes.add(FieldCause.invalidRendered("spec.clusterIPs", slice(ips), "may specify no more than one IP for each IP family"));
        }
        return causes;
    }

    /** Go's {@code %#v} of a []string. */
    static String slice(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(n -> items.add(FieldCause.goQuote(n.asText(""))));
        return "[]string{" + String.join(", ", items) + "}";
    }

    /** kube's ValidateNonSpecialIP for an IPv4 address: valid, and not unspecified, loopback or link-local. */
    static List<String> ipErrors(String ip) {
        long v = ServiceCidr.toLong(ip);
        if (v < 0) {
            return List.of("must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        }
        if (v == 0) {
            return List.of("may not be unspecified (0.0.0.0)");
        }
        if (v >> 24 == 127) {
            return List.of("may not be in the loopback range (127.0.0.0/8, ::1/128)");
        }
        if (v >> 16 == (169L << 8 | 254)) {
            return List.of("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
        }
        if (v >> 8 == (224L << 16)) {
            return List.of("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
        }
        return List.of();
    }

    /** kube's ValidateServiceUpdate: what may not change, then everything {@link #validate} checks. */
    static List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode now = object.path("spec").path("clusterIPs");
        JsonNode before = old.path("spec").path("clusterIPs");
        boolean externalName = ServiceStrategy.type(object).equals("ExternalName") || ServiceStrategy.type(old).equals("ExternalName");
        if (!externalName && before.size() > 0) {
            if (now.size() == 0) {
                causes.add(FieldCause.invalidRendered("spec.clusterIPs[0]", slice(now), "primary clusterIP can not be unset"));
            } else {
                for (int i = 0; i < Math.min(now.size(), before.size()); i++) {
                    if (!now.get(i).asText().equals(before.get(i).asText())) {
                        causes.add(FieldCause.invalidRendered("spec.clusterIPs[" + i + "]", slice(now), "may not change once set"));
                        break;
                    }
                }
            }
        }
        // kube's validateLoadBalancerClassField(oldService, service): the class of a LoadBalancer staying one is immutable
        // if isTypeLoadBalancer(oldService) && isTypeLoadBalancer(service) && !sameLoadBalancerClass(oldService, service) {
        //     field.Invalid(field.NewPath("spec", "loadBalancerClass"), service.Spec.LoadBalancerClass, "may not change once set") }
        JsonNode lbClass = object.path("spec").get("loadBalancerClass");
        JsonNode oldClass = old.path("spec").get("loadBalancerClass");
        boolean nowSet = lbClass != null && !lbClass.isNull();
        boolean wasSet = oldClass != null && !oldClass.isNull();
        if (ServiceStrategy.type(object).equals("LoadBalancer") && ServiceStrategy.type(old).equals("LoadBalancer")
                && (nowSet != wasSet || nowSet && !lbClass.asText().equals(oldClass.asText()))) {
            causes.add(FieldCause.invalid("spec.loadBalancerClass", nowSet ? lbClass.asText() : "null", "may not change once set"));
        }
        loadBalancerClass(object.path("spec"), causes);
        causes.addAll(validate(object));
        return causes;
    }
}
