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
 * kube's validation of pod specs and pod templates (pkg/apis/core/validation: {@code ValidatePodSpec},
 * {@code ValidatePodTemplateSpec} and the pod-only rules of {@code validatePodMetadataAndSpec}). This class
 * walks the spec in kube's order and holds the spec-level rules (volume names, restart and DNS policy,
 * names of nodes, accounts and classes, deadlines, host network ports, OS); containers, probes, resources,
 * security contexts, affinity, scheduling and DNS have their own classes beside it. Field paths and
 * messages are kube's. Run it on a defaulted spec, as kube validates after defaulting.
 */
public final class PodValidation {
    /** What a workload controller's template may use (kube's ValidatePodTemplateSpecForReplicaSet and friends). */
    public static final List<String> ALWAYS = List.of("Always");
    /** A Job's template: {@code OnFailure} or {@code Never}. */
    public static final List<String> JOB = List.of("OnFailure", "Never");
    /** A pod's own: every policy. */
    public static final List<String> ANY = List.of("Always", "OnFailure", "Never");

    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    private static final List<String> PREEMPTION_POLICIES = List.of("Never", "PreemptLowerPriority");
    private static final List<String> OS_NAMES = List.of("linux", "windows");
    /** A volume's sources, in the order kube's {@code validateVolumeSource} looks at them. */
    private static final List<String> VOLUME_SOURCES = List.of("hostPath", "emptyDir", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "quobyte",
            "cinder", "cephfs", "downwardAPI", "fc", "azureFile", "vsphereVolume", "azureDisk", "configMap",
            "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image");
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

    /** A template's pod spec at {@code path}: {@link #spec(JsonNode, String, boolean)} of a spec that is not a pod's. */
    public static List<FieldCause> spec(JsonNode spec, String path) {
        return spec(spec, path, false);
    }

    /**
     * A pod spec at {@code path}: kube's {@code ValidatePodSpec}. {@code resourceIsPod} is kube's
     * {@code PodValidationOptions.ResourceIsPod}: a pod's own spec (not a template's) with
     * {@code hostNetwork} must set each host port, which a template may leave to defaulting.
     *
     * @since 1.1
     */
    public static List<FieldCause> spec(JsonNode spec, String path, boolean resourceIsPod) {
        List<FieldCause> causes = new ArrayList<>();
        Set<String> volumes = volumes(spec.path("volumes"), path + ".volumes", causes);
        ContainerValidation.all(spec, path, volumes, causes);
        hostNetworkPorts(spec, path, resourceIsPod, causes);
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
        causes.addAll(ObjectMetaValidation.validateLabels(spec.get("nodeSelector"), path + ".nodeSelector"));
        SecurityContextValidation.pod(spec, path + ".securityContext", causes);
        AffinityValidation.affinity(spec.get("affinity"), path + ".affinity", causes);
        DnsValidation.dnsConfig(spec.get("dnsConfig"), dns, path + ".dnsConfig", causes);
        SchedulingValidation.readinessGates(spec.path("readinessGates"), path + ".readinessGates", causes);
        SchedulingValidation.topologySpreadConstraints(spec.path("topologySpreadConstraints"), path + ".topologySpreadConstraints", causes);
        SecurityContextValidation.hostUsers(spec, path, causes);
        subdomain(spec, "serviceAccountName", path, causes);
        subdomain(spec, "nodeName", path, causes);
        JsonNode deadline = spec.get("activeDeadlineSeconds");
        if (deadline != null && deadline.isNumber() && (deadline.asLong() < 1 || deadline.asLong() > Integer.MAX_VALUE)) {
            causes.add(FieldCause.invalid(path + ".activeDeadlineSeconds", deadline.asLong(), "must be between 1 and 2147483647, inclusive"));
        }
        for (String f : new String[] {"hostname", "subdomain"}) {
            String v = spec.path(f).asText("");
            for (String msg : v.isEmpty() ? List.<String>of() : NameValidation.isDNS1123Label(v)) {
                causes.add(FieldCause.invalid(path + "." + f, v, msg));
            }
        }
        SchedulingValidation.tolerations(spec.path("tolerations"), path + ".tolerations", causes);
        DnsValidation.hostAliases(spec.path("hostAliases"), path + ".hostAliases", causes);
        subdomain(spec, "priorityClassName", path, causes);
        subdomain(spec, "runtimeClassName", path, causes);
        JsonNode preemption = spec.get("preemptionPolicy");
        if (preemption != null && !preemption.isNull() && !PREEMPTION_POLICIES.contains(preemption.asText())) {
            causes.add(FieldCause.notSupported(path + ".preemptionPolicy", preemption.asText(), PREEMPTION_POLICIES));
        }
        if (!ProbeValidation.absent(spec.get("overhead"))) {
            ResourceValidation.overhead(spec.get("overhead"), path + ".overhead", causes);
        }
        os(spec, path, causes);
        SchedulingValidation.schedulingGates(spec.path("schedulingGates"), path + ".schedulingGates", causes);
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace != null && grace.isIntegralNumber() && grace.asLong() < 0) {
            causes.add(FieldCause.invalid(path + ".terminationGracePeriodSeconds", grace.asLong(),
                    ObjectMetaValidation.IS_NEGATIVE));
        }
        return causes;
    }

    /**
     * What kube checks of a pod (not a template) beyond its spec ({@code validatePodMetadataAndSpec} less
     * the ObjectMeta rules): the pod-specific annotations (mirror pod, deletion cost, seccomp and AppArmor
     * annotations), the spec with {@code ResourceIsPod}, no service account token projection without a
     * service account, no whitespace around images.
     *
     * @since 1.1
     */
    public static List<FieldCause> pod(JsonNode pod) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = pod.path("spec");
        PodAnnotationValidation.annotations(pod.path("metadata").get("annotations"), spec, "metadata.annotations", causes);
        causes.addAll(spec(spec, "spec", true));
        if (spec.path("serviceAccountName").asText("").isEmpty()) {
            int v = 0;
            for (JsonNode volume : spec.path("volumes")) {
                int s = 0;
                for (JsonNode source : volume.path("projected").path("sources")) {
                    if (!ProbeValidation.absent(source.get("serviceAccountToken"))) {
                        causes.add(FieldCause.forbidden("spec.volumes[" + v + "].projected.sources[" + s + "].serviceAccountToken",
                                "must not be specified when serviceAccountName is not set"));
                    }
                    s++;
                }
                v++;
            }
        }
        for (String list : new String[] {"containers", "initContainers"}) {
            int i = 0;
            for (JsonNode c : spec.path(list)) {
                ContainerValidation.onlyForPod(c, "spec." + list + "[" + i++ + "]", causes);
            }
        }
        return causes;
    }

    /**
     * kube's {@code ValidateTolerations} of a toleration list at {@code path}, which a pod update checks
     * again after its "only additions" rule.
     *
     * @since 1.1
     */
    public static List<FieldCause> tolerations(JsonNode tolerations, String path) {
        List<FieldCause> causes = new ArrayList<>();
        SchedulingValidation.tolerations(tolerations, path, causes);
        return causes;
    }

    /**
     * kube's {@code ValidatePodSpecificAnnotationUpdates}: the mirror pod and AppArmor annotations may be
     * neither added, changed nor removed; then the new annotations as on create.
     *
     * @since 1.1
     */
    public static List<FieldCause> annotationUpdates(JsonNode pod, JsonNode old) {
        List<FieldCause> causes = new ArrayList<>();
        PodAnnotationValidation.updates(pod.path("metadata").get("annotations"), old.path("metadata").get("annotations"), pod.path("spec"),
                "metadata.annotations", causes);
        return causes;
    }

    private static void subdomain(JsonNode spec, String field, String path, List<FieldCause> causes) {
        String v = spec.path(field).asText("");
        for (String msg : v.isEmpty() ? List.<String>of() : NameValidation.isDNS1123Subdomain(v)) {
            causes.add(FieldCause.invalid(path + "." + field, v, msg));
        }
    }

    /** kube's {@code validatePodHostNetworkDeps}: with hostNetwork a container's host port is its container port. */
    private static void hostNetworkPorts(JsonNode spec, String path, boolean resourceIsPod, List<FieldCause> causes) {
        if (!spec.path("hostNetwork").asBoolean(false)) {
            return;
        }
        int i = 0;
        for (JsonNode c : spec.path("containers")) {
            int j = 0;
            for (JsonNode p : c.path("ports")) {
                String at = path + ".containers[" + i + "].ports[" + j++ + "].hostPort";
                long hostPort = p.path("hostPort").asLong(0);
                if (resourceIsPod && hostPort == 0) {
                    causes.add(FieldCause.required(at, ""));
                } else if (hostPort != 0 && hostPort != p.path("containerPort").asLong(0)) {
                    causes.add(FieldCause.invalid(at, hostPort, "must match `containerPort` when `hostNetwork` is true"));
                }
            }
            i++;
        }
    }

    /** kube's {@code validateOS}: a name, linux or windows; then what that OS cannot have. */
    private static void os(JsonNode spec, String path, List<FieldCause> causes) {
        JsonNode os = spec.get("os");
        if (ProbeValidation.absent(os)) {
            return;
        }
        String name = os.path("name").asText("");
        if (name.isEmpty()) {
            causes.add(FieldCause.required(path + ".os.name", "cannot be empty"));
        } else if (!OS_NAMES.contains(name)) {
            causes.add(FieldCause.notSupported(path + ".os", name, OS_NAMES));
        } else if (name.equals("linux")) {
            SecurityContextValidation.linux(spec, path, causes);
        } else {
            SecurityContextValidation.windows(spec, path, causes);
        }
    }

    /** A name that is required, a DNS-1123 label and unique among {@code names} (volumes'). */
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
            int sources = 0;
            for (String source : VOLUME_SOURCES) {
                if (!ProbeValidation.absent(v.get(source)) && sources++ > 0) {
                    causes.add(FieldCause.forbidden(at + "." + source, "may not specify more than 1 volume type"));
                }
            }
            if (sources == 0) {
                causes.add(FieldCause.required(at, "must specify a volume type"));
            }
            uniqueLabel(v.path("name").asText(""), at + ".name", names, causes);
        }
        return names;
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
}
