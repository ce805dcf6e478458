package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's Service status strategy: a write to {@code services/status} keeps the stored spec (metadata
 * and status are taken); load balancer ingress only on a LoadBalancer, with valid IPs and hostnames.
 */
final class ServiceStatusStrategy implements StatusStrategy, ResetFields {
    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        // kube's v1 defaulting of an ingress IP's mode
        if (ServiceStrategy.type(object).equals("LoadBalancer")) {
            for (JsonNode ingress : object.path("status").path("loadBalancer").path("ingress")) {
                if (ingress instanceof ObjectNode i && !i.path("ip").asText("").isEmpty() && !i.hasNonNull("ipMode")) {
                    i.put("ipMode", "VIP");
                }
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode ingress = object.path("status").path("loadBalancer").path("ingress");
        if (ingress.size() > 0 && !ServiceStrategy.type(object).equals("LoadBalancer")) {
            causes.add(FieldCause.forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'"));
            return causes;
        }
        int i = 0;
        for (JsonNode in : ingress) {
            String at = "status.loadBalancer.ingress[" + i++ + "]";
            String ip = in.path("ip").asText("");
            if (!ip.isEmpty() && ServiceCidr.toLong(ip) < 0) {
                causes.add(FieldCause.invalid(at + ".ip", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
            String mode = in.path("ipMode").asText("");
            if (!mode.isEmpty() && ip.isEmpty()) {
                causes.add(FieldCause.forbidden(at + ".ipMode", "may not be specified when `ip` is not set"));
            } else if (!mode.isEmpty() && !mode.equals("VIP") && !mode.equals("Proxy")) {
                causes.add(FieldCause.notSupported(at + ".ipMode", mode, List.of("Proxy", "VIP")));
            }
            String hostname = in.path("hostname").asText("");
            if (!hostname.isEmpty()) {
                for (String msg : NameValidation.isDNS1123Subdomain(hostname)) {
                    causes.add(FieldCause.invalid(at + ".hostname", hostname, msg));
                }
                if (ServiceCidr.toLong(hostname) >= 0) {
                    causes.add(FieldCause.invalid(at + ".hostname", hostname, "must be a DNS name, not an IP address"));
                }
            }
        }
        return causes;
    }
}
