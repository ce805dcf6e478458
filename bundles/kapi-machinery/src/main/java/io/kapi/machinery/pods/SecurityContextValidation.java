package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's validation of pod and container security contexts (pkg/apis/core/validation:
 * {@code validatePodSpecSecurityContext}, {@code ValidateSecurityContext}, {@code validateSysctls},
 * {@code validateSeccompProfileField}, {@code ValidateAppArmorProfileField}, {@code validateHostUsers},
 * {@code validateWindows}, {@code validateLinux}):
 * user and group ids in 0..2147483647, the fsGroup change policy, sysctl names, seccomp and AppArmor
 * profiles, process namespace sharing. kube keeps hostNetwork, hostPID and hostIPC in the internal
 * PodSecurityContext; on v1 JSON they are fields of the spec, read from there.
 *
 * <p>Privileged containers are allowed, as by kube-apiserver's {@code --allow-privileged=true}, which
 * kubeadm and kind clusters run with.
 */
final class SecurityContextValidation {
    static final String ID_RANGE = "must be between 0 and 2147483647, inclusive";
    private static final List<String> FS_GROUP_POLICIES = List.of("Always", "OnRootMismatch");
    private static final List<String> SECCOMP_TYPES = List.of("Localhost", "RuntimeDefault", "Unconfined");
    private static final List<String> APPARMOR_TYPES = List.of("Localhost", "RuntimeDefault", "Unconfined");
    private static final List<String> PROC_MOUNTS = List.of("Default", "Unmasked");
    private static final List<String> SUPPLEMENTAL_GROUPS_POLICIES = List.of("Merge", "Strict");
    private static final String SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
    private static final String SYSCTL_FMT = "^(" + SYSCTL_SEGMENT + "[\\./])*" + SYSCTL_SEGMENT + "$";
    private static final Pattern SYSCTL = Pattern.compile(SYSCTL_FMT);
    private static final int MAX_LOCALHOST_PROFILE = 4095;
    private static final String FOR_WINDOWS = "cannot be set for a windows pod";
    private static final List<String> WINDOWS_POD_FORBIDDEN = List.of("appArmorProfile", "seLinuxOptions", "runAsUser", "runAsGroup",
            "seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls", "supplementalGroups", "supplementalGroupsPolicy");
    private static final List<String> WINDOWS_CONTAINER_FORBIDDEN = List.of("appArmorProfile", "seLinuxOptions", "seccompProfile",
            "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup");

    private SecurityContextValidation() {
    }

    /** The pod's {@code securityContext} (at {@code path}) with the spec's host namespace flags. */
    static void pod(JsonNode spec, String path, List<FieldCause> causes) {
        JsonNode sc = spec.get("securityContext");
        if (ProbeValidation.absent(sc)) {
            return;
        }
        id(sc.get("fsGroup"), path + ".fsGroup", causes);
        id(sc.get("runAsUser"), path + ".runAsUser", causes);
        id(sc.get("runAsGroup"), path + ".runAsGroup", causes);
        int g = 0;
        for (JsonNode gid : sc.path("supplementalGroups")) {
            id(gid, path + ".supplementalGroups[" + g++ + "]", causes);
        }
        JsonNode share = spec.get("shareProcessNamespace");
        if (share != null && share.asBoolean(false) && spec.path("hostPID").asBoolean(false)) {
            causes.add(FieldCause.invalid(path + ".shareProcessNamespace", true, "ShareProcessNamespace and HostPID cannot both be enabled"));
        }
        if (sc.path("sysctls").size() > 0) {
            sysctls(sc.path("sysctls"), path + ".sysctls", causes);
        }
        JsonNode policy = sc.get("fsGroupChangePolicy");
        if (policy != null && !policy.isNull() && !FS_GROUP_POLICIES.contains(policy.asText())) {
            causes.add(FieldCause.notSupported(path + ".fsGroupChangePolicy", policy.asText(), FS_GROUP_POLICIES));
        }
        seccomp(sc.get("seccompProfile"), path + ".seccompProfile", causes);
        appArmor(sc.get("appArmorProfile"), path + ".appArmorProfile", causes);
        JsonNode groupsPolicy = sc.get("supplementalGroupsPolicy");
        if (groupsPolicy != null && !groupsPolicy.isNull() && !SUPPLEMENTAL_GROUPS_POLICIES.contains(groupsPolicy.asText())) {
            causes.add(FieldCause.notSupported(path + ".supplementalGroupsPolicy", groupsPolicy.asText(), SUPPLEMENTAL_GROUPS_POLICIES));
        }
    }

    /** A container's {@code securityContext}. */
    static void container(JsonNode sc, String path, boolean hostUsers, List<FieldCause> causes) {
        if (ProbeValidation.absent(sc)) {
            return;
        }
        id(sc.get("runAsUser"), path + ".runAsUser", causes);
        id(sc.get("runAsGroup"), path + ".runAsGroup", causes);
        JsonNode procMount = sc.get("procMount");
        if (procMount != null && !procMount.isNull()) {
            if (!PROC_MOUNTS.contains(procMount.asText())) {
                causes.add(FieldCause.notSupported(path + ".procMount", procMount.asText(), PROC_MOUNTS));
            }
            if (hostUsers && procMount.asText().equals("Unmasked")) {
                causes.add(FieldCause.invalid(path + ".procMount", procMount.asText(), "`hostUsers` must be false to use `Unmasked`"));
            }
        }
        seccomp(sc.get("seccompProfile"), path + ".seccompProfile", causes);
        JsonNode escalation = sc.get("allowPrivilegeEscalation");
        if (escalation != null && escalation.isBoolean() && !escalation.asBoolean()) {
            if (sc.path("privileged").asBoolean(false)) {
                causes.add(FieldCause.invalidRendered(path, "core.SecurityContext{...}", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }
            for (JsonNode cap : sc.path("capabilities").path("add")) {
                if (cap.asText().equals("CAP_SYS_ADMIN")) {
                    causes.add(FieldCause.invalidRendered(path, "core.SecurityContext{...}",
                            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
                }
            }
        }
        appArmor(sc.get("appArmorProfile"), path + ".appArmorProfile", causes);
    }

    /** kube's {@code validateHostUsers}: a pod in its own user namespace shares no other host namespace. */
    static void hostUsers(JsonNode spec, String path, List<FieldCause> causes) {
        JsonNode hostUsers = spec.get("hostUsers");
        if (hostUsers == null || !hostUsers.isBoolean() || hostUsers.asBoolean()) {
            return;
        }
        // kube's paths, "HostPID" and "HostIPC" capitalised as it writes them
        if (spec.path("hostNetwork").asBoolean(false)) {
            causes.add(FieldCause.forbidden(path + ".hostNetwork", "when `pod.Spec.HostUsers` is false"));
        }
        if (spec.path("hostPID").asBoolean(false)) {
            causes.add(FieldCause.forbidden(path + ".HostPID", "when `pod.Spec.HostUsers` is false"));
        }
        if (spec.path("hostIPC").asBoolean(false)) {
            causes.add(FieldCause.forbidden(path + ".HostIPC", "when `pod.Spec.HostUsers` is false"));
        }
    }

    /**
     * kube's {@code validateWindows}: a windows pod sets none of the Linux-only fields of the pod's or any
     * container's security context.
     */
    static void windows(JsonNode spec, String path, List<FieldCause> causes) {
        JsonNode sc = spec.path("securityContext");
        String at = path + ".securityContext";
        for (String f : WINDOWS_POD_FORBIDDEN) {
            JsonNode v = sc.get(f);
            if (!ProbeValidation.absent(v) && !(v.isArray() && v.isEmpty())) {
                causes.add(FieldCause.forbidden(at + "." + f, FOR_WINDOWS));
            }
        }
        if (!ProbeValidation.absent(spec.get("shareProcessNamespace"))) {
            causes.add(FieldCause.forbidden(at + ".shareProcessNamespace", FOR_WINDOWS));
        }
        eachContainer(spec, path, (c, cPath) -> {
            for (String f : WINDOWS_CONTAINER_FORBIDDEN) {
                if (!ProbeValidation.absent(c.path("securityContext").get(f))) {
                    causes.add(FieldCause.forbidden(cPath + ".securityContext." + f, FOR_WINDOWS));
                }
            }
        });
    }

    /** kube's {@code validateLinux}: a linux pod has no windows options, neither the pod nor a container. */
    static void linux(JsonNode spec, String path, List<FieldCause> causes) {
        if (!ProbeValidation.absent(spec.path("securityContext").get("windowsOptions"))) {
            causes.add(FieldCause.forbidden(path + ".securityContext.windowsOptions", "windows options cannot be set for a linux pod"));
        }
        eachContainer(spec, path, (c, cPath) -> {
            if (!ProbeValidation.absent(c.path("securityContext").get("windowsOptions"))) {
                causes.add(FieldCause.forbidden(cPath + ".securityContext.windowsOptions", "windows options cannot be set for a linux pod"));
            }
        });
    }

    /** kube's {@code VisitContainersWithPath}: init containers, containers, then ephemeral containers. */
    private static void eachContainer(JsonNode spec, String path, java.util.function.BiConsumer<JsonNode, String> visit) {
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            int i = 0;
            for (JsonNode c : spec.path(list)) {
                visit.accept(c, path + "." + list + "[" + i++ + "]");
            }
        }
    }

    private static void id(JsonNode id, String path, List<FieldCause> causes) {
        if (id != null && id.isNumber() && (id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE)) {
            causes.add(FieldCause.invalid(path, id.asLong(), ID_RANGE));
        }
    }

    private static void sysctls(JsonNode list, String path, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode s : list) {
            String at = path + "[" + i++ + "].name";
            String name = s.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at, ""));
            } else if (name.length() > 253 || !SYSCTL.matcher(name).matches()) {
                causes.add(FieldCause.invalid(at, name, "must have at most 253 characters and match regex " + SYSCTL_FMT));
            } else if (names.contains(name)) {
                causes.add(FieldCause.duplicate(at, name));
            }
            names.add(name);
        }
    }

    /** kube's {@code validateSeccompProfileField}. */
    static void seccomp(JsonNode profile, String path, List<FieldCause> causes) {
        if (ProbeValidation.absent(profile)) {
            return;
        }
        String type = profile.path("type").asText("");
        if (type.isEmpty()) {
            causes.add(FieldCause.required(path + ".type", "type is required when seccompProfile is set"));
        } else if (!SECCOMP_TYPES.contains(type)) {
            causes.add(FieldCause.notSupported(path + ".type", type, SECCOMP_TYPES));
        }
        JsonNode localhost = profile.get("localhostProfile");
        boolean set = localhost != null && !localhost.isNull();
        if (type.equals("Localhost")) {
            if (!set) {
                causes.add(FieldCause.required(path + ".localhostProfile", "must be set when seccomp type is Localhost"));
            } else {
                localDescendingPath(localhost.asText(), path + ".localhostProfile", causes);
            }
        } else if (set) {
            causes.add(FieldCause.invalidRendered(path + ".localhostProfile", "core.SeccompProfile{...}", "can only be set when seccomp type is Localhost"));
        }
    }

    /** kube's {@code ValidateAppArmorProfileField}. */
    static void appArmor(JsonNode profile, String path, List<FieldCause> causes) {
        if (ProbeValidation.absent(profile)) {
            return;
        }
        String type = profile.path("type").asText("");
        JsonNode localhost = profile.get("localhostProfile");
        boolean set = localhost != null && !localhost.isNull();
        switch (type) {
            case "Localhost" -> {
                if (!set) {
                    causes.add(FieldCause.required(path + ".localhostProfile", "must be set when AppArmor type is Localhost"));
                    return;
                }
                String value = localhost.asText();
                if (!value.strip().equals(value)) {
                    causes.add(FieldCause.invalid(path + ".localhostProfile", value, "must not be padded with whitespace"));
                } else if (value.isEmpty()) {
                    causes.add(FieldCause.required(path + ".localhostProfile", "must be set when AppArmor type is Localhost"));
                }
                if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCALHOST_PROFILE) {
                    causes.add(FieldCause.tooLong(path + ".localhostProfile", MAX_LOCALHOST_PROFILE));
                }
            }
            case "RuntimeDefault", "Unconfined" -> {
                if (set) {
                    causes.add(FieldCause.invalid(path + ".localhostProfile", localhost.asText(), "can only be set when AppArmor type is Localhost"));
                }
            }
            case "" -> causes.add(FieldCause.required(path + ".type", "type is required when appArmorProfile is set"));
            default -> causes.add(FieldCause.notSupported(path + ".type", type, APPARMOR_TYPES));
        }
    }

    /** kube's {@code validateLocalDescendingPath}: relative, no ".." segment. */
    static void localDescendingPath(String target, String path, List<FieldCause> causes) {
        if (target.startsWith("/")) {
            causes.add(FieldCause.invalid(path, target, "must be a relative path"));
        }
        for (String part : target.split("/", -1)) {
            if (part.equals("..")) {
                causes.add(FieldCause.invalid(path, target, "must not contain '..'"));
                break;
            }
        }
    }
}
