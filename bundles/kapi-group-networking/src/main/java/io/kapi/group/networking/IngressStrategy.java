package io.kapi.group.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * kube's Ingress (networking.k8s.io/v1): rules or a default backend, hosts that are DNS names or
 * wildcards, paths with a path type, backends naming a service port or a resource, TLS hosts and
 * secret names, the class name; kube's printer.
 */
final class IngressStrategy implements Strategy {
    private static final String WILDCARD_FMT = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final Pattern WILDCARD = Pattern.compile(WILDCARD_FMT);
    private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = checks(object);
        // on create only: the legacy class annotation must name the class the field names
        String annotation = object.path("metadata").path("annotations").path("kubernetes.io/ingress.class").asText("");
        JsonNode className = object.path("spec").get("ingressClassName");
        if (!annotation.isEmpty() && className != null && !className.isNull() && !className.asText().equals(annotation)) {
            causes.add(FieldCause.invalid("annotations.kubernetes.io/ingress.class", annotation,
                    "must match `ingressClassName` when both are specified"));
        }
        return causes;
    }

    private static List<FieldCause> checks(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        JsonNode rules = spec.get("rules");
        if ((rules == null || rules.size() == 0) && !spec.hasNonNull("defaultBackend")) {
            causes.add(FieldCause.invalidRendered("spec", rules == null || rules.isNull() ? "[]networking.IngressRule(nil)"
                    : "[]networking.IngressRule{}", "either `defaultBackend` or `rules` must be specified"));
        }
        if (spec.hasNonNull("defaultBackend")) {
            backend(spec.get("defaultBackend"), "spec.defaultBackend", causes);
        }
        int i = 0;
        for (JsonNode rule : spec.path("rules")) {
            String at = "spec.rules[" + i++ + "]";
            String host = rule.path("host").asText("");
            if (!host.isEmpty()) {
                if (isIp(host)) {
                    causes.add(FieldCause.invalid(at + ".host", host, "must be a DNS name, not an IP address"));
                } else {
                    hostErrors(host, at + ".host", causes);
                }
            }
            JsonNode http = rule.get("http");
            if (http != null && !http.isNull()) {
                if (http.path("paths").size() == 0) {
                    causes.add(FieldCause.required(at + ".http.paths", ""));
                }
                int j = 0;
                for (JsonNode path : http.path("paths")) {
                    path(path, at + ".http.paths[" + j++ + "]", causes);
                }
            }
        }
        int k = 0;
        for (JsonNode tls : spec.path("tls")) {
            String at = "spec.tls[" + k++ + "]";
            int m = 0;
            for (JsonNode host : tls.path("hosts")) {
                hostErrors(host.asText(""), at + ".hosts[" + m++ + "]", causes);
            }
            String secret = tls.path("secretName").asText("");
            if (!secret.isEmpty()) {
                for (String msg : NameValidation.isDNS1123Subdomain(secret)) {
                    causes.add(FieldCause.invalid(at + ".secretName", secret, msg));
                }
            }
        }
        JsonNode className = spec.get("ingressClassName");
        if (className != null && !className.isNull()) {
            for (String msg : NameValidation.isDNS1123Subdomain(className.asText(""))) {
                causes.add(FieldCause.invalid("spec.ingressClassName", className.asText(""), msg));
            }
        }
        return causes;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status");
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return checks(object);
    }

    private static void hostErrors(String host, String path, List<FieldCause> causes) {
        if (host.contains("*")) {
            if (!WILDCARD.matcher(host).matches()) {
                causes.add(FieldCause.invalid(path, host, NameValidation.regexError(
                        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of "
                                + "lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
                        WILDCARD_FMT, "*.example.com")));
            }
            return;
        }
        for (String msg : NameValidation.isDNS1123Subdomain(host)) {
            causes.add(FieldCause.invalid(path, host, msg));
        }
    }

    private static boolean isIp(String host) {
        return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.contains(":") && host.matches("[0-9a-fA-F:.]+");
    }

    private static void path(JsonNode p, String at, List<FieldCause> causes) {
        JsonNode type = p.get("pathType");
        if (type == null || type.isNull()) {
            causes.add(FieldCause.required(at + ".pathType", "pathType must be specified"));
            return;
        }
        String pathType = type.asText("");
        String path = p.path("path").asText("");
        if (!PATH_TYPES.contains(pathType)) {
            causes.add(FieldCause.notSupported(at + ".pathType", pathType, PATH_TYPES));
        } else if (pathType.equals("Exact") || pathType.equals("Prefix")) {
            if (!path.startsWith("/")) {
                causes.add(FieldCause.invalid(at + ".path", path, "must be an absolute path"));
            }
            for (String bad : new String[] {"//", "/./", "/../", "%2f", "%2F"}) {
                if (path.contains(bad)) {
                    causes.add(FieldCause.invalid(at + ".path", path, "must not contain '" + bad + "'"));
                }
            }
            for (String bad : new String[] {"/..", "/."}) {
                if (path.endsWith(bad)) {
                    causes.add(FieldCause.invalid(at + ".path", path, "cannot end with '" + bad + "'"));
                }
            }
        } else if (!path.isEmpty() && !path.startsWith("/")) {
            causes.add(FieldCause.invalid(at + ".path", path, "must be an absolute path"));
        }
        backend(p.path("backend"), at + ".backend", causes);
    }

    private static void backend(JsonNode b, String at, List<FieldCause> causes) {
        boolean resource = b.hasNonNull("resource");
        boolean service = b.hasNonNull("service");
        if (resource && service) {
            causes.add(FieldCause.invalid(at, "", "cannot set both resource and service backends"));
            return;
        }
        if (!resource && !service) {
            causes.add(FieldCause.invalid(at, "", "resource or service backend is required"));
            return;
        }
        if (service) {
            JsonNode svc = b.get("service");
            String name = svc.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".service.name", ""));
            } else {
                for (String msg : NameValidation.isDNS1035Label(name)) {
                    causes.add(FieldCause.invalid(at + ".service.name", name, msg));
                }
            }
            String portName = svc.path("port").path("name").asText("");
            long number = svc.path("port").path("number").asLong(0);
            if (!portName.isEmpty() && number != 0) {
                causes.add(FieldCause.invalid(at, "", "cannot set both port name & port number"));
            } else if (!portName.isEmpty()) {
                for (String msg : PodValidation.portNameErrors(portName)) {
                    causes.add(FieldCause.invalid(at + ".service.port.name", portName, msg));
                }
            } else if (number != 0) {
                if (number < 1 || number > 65535) {
                    causes.add(FieldCause.invalid(at + ".service.port.number", number, "must be between 1 and 65535, inclusive"));
                }
            } else {
                causes.add(FieldCause.required(at, "port name or number is required"));
            }
        } else {
            JsonNode r = b.get("resource");
            String group = r.path("apiGroup").asText("");
            if (!group.isEmpty()) {
                for (String msg : NameValidation.isDNS1123Subdomain(group)) {
                    causes.add(FieldCause.invalid(at + ".resource.apiGroup", group, msg));
                }
            }
            for (String f : new String[] {"kind", "name"}) {
                String v = r.path(f).asText("");
                if (v.isEmpty()) {
                    causes.add(FieldCause.required(at + ".resource." + f, ""));
                } else {
                    for (String msg : NameValidation.isPathSegmentName(v)) {
                        causes.add(FieldCause.invalid(at + ".resource." + f, v, msg));
                    }
                }
            }
        }
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
                        o -> o.path("spec").hasNonNull("ingressClassName") ? o.path("spec").path("ingressClassName").asText() : "<none>")
                .column(TableColumn.of("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
                        IngressStrategy::hosts)
                .column(TableColumn.of("Address", "string", "Address is a list containing ingress points for the load-balancer"),
                        IngressStrategy::address)
                .column(TableColumn.of("Ports", "string", "Ports of TLS configurations that open"),
                        o -> o.path("spec").path("tls").size() > 0 ? "80, 443" : "80")
                .age().build();
    }

    private static String hosts(ObjectNode o) {
        JsonNode rules = o.path("spec").path("rules");
        List<String> hosts = new ArrayList<>();
        for (JsonNode r : rules) {
            if (!r.path("host").asText("").isEmpty()) {
                hosts.add(r.path("host").asText());
            }
        }
        if (hosts.isEmpty()) {
            return "*";
        }
        String shown = String.join(",", hosts.subList(0, Math.min(3, hosts.size())));
        return rules.size() > 3 ? shown + " + " + (rules.size() - 3) + " more..." : shown;
    }

    private static String address(ObjectNode o) {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode in : o.path("status").path("loadBalancer").path("ingress")) {
            String ip = in.path("ip").asText("");
            out.add(ip.isEmpty() ? in.path("hostname").asText("") : ip);
        }
        return String.join(",", out);
    }

    static String name(ObjectNode o) {
        return Json.name(o);
    }
}
