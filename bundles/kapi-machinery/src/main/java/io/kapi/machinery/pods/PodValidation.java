package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's validation of pod specs and pod templates (pkg/apis/core/validation) for the rules clients
 * meet most: containers (names, images, pull policy, ports, env, volume mounts), volumes, restart and
 * DNS policy, template labels. Field paths and messages are kube's. Run it on a defaulted spec, as kube
 * validates after defaulting.
 */
public final class PodValidation {
    /** What a workload controller's template may use (kube's ValidatePodTemplateSpecForReplicaSet and friends). */
    public static final List<String> ALWAYS = List.of("Always");
    /** A Job's template: {@code OnFailure} or {@code Never}. */
    public static final List<String> JOB = List.of("OnFailure", "Never");
    /** A pod's own: every policy. */
    public static final List<String> ANY = List.of("Always", "OnFailure", "Never");

    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    /** kube 1.32's environment variable names (RelaxedEnvironmentVariableValidation, on by default): printable ASCII but '='. */
    private static final Pattern ENV_VAR = Pattern.compile("^[ -<>-~]+$");
    private static final Pattern PORT_NAME_CHARS = Pattern.compile("^[-a-z0-9]+$");
    private static final Pattern PORT_NAME_LETTER = Pattern.compile("[a-z]");

    private PodValidation() {
    }

    /**
     * A controller's pod template at {@code path} ({@code spec.template}), as kube's
     * {@code ValidatePodTemplateSpec}: its labels and annotations (on {@code <path>.labels}, as kube
     * reports them), no ephemeral containers, and its spec; then the controller's own rule that the
     * restart policy is one of {@code restartPolicies} ({@link #ALWAYS} for the apps/v1 workloads).
     */
    public static List<FieldCause> template(JsonNode template, String path, List<String> restartPolicies) {
        List<FieldCause> causes = new ArrayList<>();
        if (template == null || template.isNull() || template.isMissingNode()) {
            causes.add(FieldCause.required(path, ""));
            return causes;
        }
        causes.addAll(templateMetadata(template, path));
        if (template.path("spec").path("ephemeralContainers").size() > 0) {
            causes.add(FieldCause.forbidden(path + ".spec.ephemeralContainers", "ephemeral containers not allowed in pod template"));
        }
        causes.addAll(spec(template.path("spec"), path + ".spec"));
        causes.addAll(restartPolicy(template.path("spec"), path + ".spec", restartPolicies));
        return causes;
    }

    /** The labels and annotations of a template, on {@code <path>.labels} and {@code <path>.annotations}. */
    public static List<FieldCause> templateMetadata(JsonNode template, String path) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode metadata = template.path("metadata");
        causes.addAll(ObjectMetaValidation.validateLabels(metadata.get("labels"), path + ".labels"));
        causes.addAll(ObjectMetaValidation.validateAnnotations(metadata.get("annotations"), path + ".annotations"));
        return causes;
    }

    /** A controller's restriction of its template's restart policy (after the pod spec's own check). */
    public static List<FieldCause> restartPolicy(JsonNode spec, String path, List<String> allowed) {
        String restart = spec.path("restartPolicy").asText("");
        if (allowed.equals(ANY) || allowed.contains(restart)) {
            return List.of();
        }
        return List.of(FieldCause.notSupported(path + ".restartPolicy", restart, allowed));
    }

    /** A pod spec at {@code path}: kube's {@code ValidatePodSpec} for the rules listed on this class. */
    public static List<FieldCause> spec(JsonNode spec, String path) {
        List<FieldCause> causes = new ArrayList<>();
        Set<String> volumes = volumes(spec.path("volumes"), path + ".volumes", causes);
        Set<String> names = new HashSet<>();
        containers(spec.path("initContainers"), path + ".initContainers", volumes, names, causes, false);
        containers(spec.path("containers"), path + ".containers", volumes, names, causes, true);
        String restart = spec.path("restartPolicy").asText("");
        if (restart.isEmpty()) {
            causes.add(FieldCause.required(path + ".restartPolicy", ""));
        } else if (!ANY.contains(restart)) {
            causes.add(FieldCause.notSupported(path + ".restartPolicy", restart, ANY));
        }
        String dns = spec.path("dnsPolicy").asText("");
        if (dns.isEmpty()) {
            causes.add(FieldCause.required(path + ".dnsPolicy", ""));
        } else if (!DNS_POLICIES.contains(dns)) {
            causes.add(FieldCause.notSupported(path + ".dnsPolicy", dns, DNS_POLICIES));
        }
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace != null && grace.isIntegralNumber() && grace.asLong() < 0) {
            causes.add(FieldCause.invalid(path + ".terminationGracePeriodSeconds", grace.asLong(),
                    ObjectMetaValidation.IS_NEGATIVE));
        }
        return causes;
    }

    /** A name that is required, a DNS-1123 label and unique among {@code names} (volumes', containers'). */
    private static void uniqueLabel(String name, String path, Set<String> names, List<FieldCause> causes) {
        if (name.isEmpty()) {
            causes.add(FieldCause.required(path, ""));
            return;
        }
        for (String msg : NameValidation.isDNS1123Label(name)) {
            causes.add(FieldCause.invalid(path, name, msg));
        }
        if (!names.add(name)) {
            causes.add(FieldCause.duplicate(path, name));
        }
    }

    private static Set<String> volumes(JsonNode list, String path, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode v : list) {
            String at = path + "[" + i++ + "]";
            uniqueLabel(v.path("name").asText(""), at + ".name", names, causes);
        }
        return names;
    }

    private static void containers(JsonNode list, String path, Set<String> volumes, Set<String> names,
                                   List<FieldCause> causes, boolean required) {
        // an init container's name is checked against the containers' too: both lists share the name set
        if (required && (!list.isArray() || list.isEmpty())) {
            causes.add(FieldCause.required(path, ""));
            return;
        }
        int i = 0;
        for (JsonNode c : list) {
            String at = path + "[" + i++ + "]";
            uniqueLabel(c.path("name").asText(""), at + ".name", names, causes);
            if (c.path("image").asText("").isEmpty()) {
                causes.add(FieldCause.required(at + ".image", ""));
            }
            String messagePolicy = c.path("terminationMessagePolicy").asText("");
            if (messagePolicy.isEmpty()) {
                causes.add(FieldCause.required(at + ".terminationMessagePolicy", ""));
            } else if (!MESSAGE_POLICIES.contains(messagePolicy)) {
                causes.add(FieldCause.notSupported(at + ".terminationMessagePolicy", messagePolicy, MESSAGE_POLICIES));
            }
            String pull = c.path("imagePullPolicy").asText("");
            if (pull.isEmpty()) {
                causes.add(FieldCause.required(at + ".imagePullPolicy", ""));
            } else if (!PULL_POLICIES.contains(pull)) {
                causes.add(FieldCause.notSupported(at + ".imagePullPolicy", pull, PULL_POLICIES));
            }
            ports(c.path("ports"), at + ".ports", causes);
            env(c.path("env"), at + ".env", causes);
            mounts(c.path("volumeMounts"), at + ".volumeMounts", volumes, causes);
        }
    }

    private static void ports(JsonNode list, String path, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode p : list) {
            String at = path + "[" + i++ + "]";
            String name = p.path("name").asText("");
            if (!name.isEmpty()) {
                for (String msg : portNameErrors(name)) {
                    causes.add(FieldCause.invalid(at + ".name", name, msg));
                }
                if (!names.add(name)) {
                    causes.add(FieldCause.duplicate(at + ".name", name));
                }
            }
            long port = p.path("containerPort").asLong(0);
            if (port == 0) {
                causes.add(FieldCause.required(at + ".containerPort", ""));
            } else if (port < 1 || port > 65535) {
                causes.add(FieldCause.invalid(at + ".containerPort", port, "must be between 1 and 65535, inclusive"));
            }
            long hostPort = p.path("hostPort").asLong(0);
            if (hostPort != 0 && (hostPort < 1 || hostPort > 65535)) {
                causes.add(FieldCause.invalid(at + ".hostPort", hostPort, "must be between 1 and 65535, inclusive"));
            }
            String protocol = p.path("protocol").asText("");
            if (protocol.isEmpty()) {
                causes.add(FieldCause.required(at + ".protocol", ""));
            } else if (!PROTOCOLS.contains(protocol)) {
                causes.add(FieldCause.notSupported(at + ".protocol", protocol, PROTOCOLS));
            }
        }
    }

    /** kube's {@code IsValidPortName} (an IANA service name). */
    public static List<String> portNameErrors(String name) {
        List<String> errs = new ArrayList<>();
        if (name.length() > 15) {
            errs.add(NameValidation.maxLenError(15));
        }
        if (!PORT_NAME_CHARS.matcher(name).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!PORT_NAME_LETTER.matcher(name).find()) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (name.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!name.isEmpty() && (name.charAt(0) == '-' || name.charAt(name.length() - 1) == '-')) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    private static void env(JsonNode list, String path, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode e : list) {
            String at = path + "[" + i++ + "]";
            String name = e.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else if (!ENV_VAR.matcher(name).matches()) {
                causes.add(FieldCause.invalid(at + ".name", name,
                        "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }
        }
    }

    private static void mounts(JsonNode list, String path, Set<String> volumes, List<FieldCause> causes) {
        Set<String> paths = new HashSet<>();
        int i = 0;
        for (JsonNode m : list) {
            String at = path + "[" + i++ + "]";
            String name = m.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else if (!volumes.contains(name)) {
                causes.add(FieldCause.notFound(at + ".name", name));
            }
            String mountPath = m.path("mountPath").asText("");
            if (mountPath.isEmpty()) {
                causes.add(FieldCause.required(at + ".mountPath", ""));
            } else if (!paths.add(mountPath)) {
                causes.add(FieldCause.invalid(at + ".mountPath", mountPath, "must be unique"));
            }
        }
    }
}
