package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code ValidatePodSpecificAnnotations} (pkg/apis/core/validation): the annotations a pod's
 * behaviour hangs on. A mirror pod names its node; {@code controller.kubernetes.io/pod-deletion-cost} is
 * a 32-bit integer without sign or leading zeros; the deprecated seccomp annotations name a known profile
 * or a relative localhost path; the deprecated AppArmor annotations name a container of the pod and a
 * known profile form.
 */
final class PodAnnotationValidation {
    static final String MIRROR = "kubernetes.io/config.mirror";
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    static final String SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";
    static final String SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/";
    static final String APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/";

    private PodAnnotationValidation() {
    }

    static void annotations(JsonNode annotations, JsonNode spec, String path, List<FieldCause> causes) {
        if (annotations == null || !annotations.isObject()) {
            return;
        }
        JsonNode mirror = annotations.get(MIRROR);
        if (mirror != null && spec.path("nodeName").asText("").isEmpty()) {
            causes.add(FieldCause.invalid(path + "[" + MIRROR + "]", mirror.asText(), "must set spec.nodeName if mirror pod annotation is set"));
        }
        JsonNode cost = annotations.get(DELETION_COST);
        if (cost != null && !isDeletionCost(cost.asText())) {
            causes.add(FieldCause.invalid(path + "[" + DELETION_COST + "]", cost.asText(), "must be a 32bit integer"));
        }
        JsonNode podProfile = annotations.get(SECCOMP_POD);
        if (podProfile != null) {
            seccompProfile(podProfile.asText(), path + "." + SECCOMP_POD, causes);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String value = e.getValue().asText("");
            if (key.startsWith(SECCOMP_CONTAINER)) {
                seccompProfile(value, path + "." + key, causes);
            }
            if (key.startsWith(APPARMOR_CONTAINER)) {
                String container = key.substring(APPARMOR_CONTAINER.length());
                if (!hasContainer(spec, container)) {
                    causes.add(FieldCause.invalid(path + "[" + key + "]", container, "container not found"));
                }
                if (!value.isEmpty() && !value.equals("runtime/default") && !value.equals("unconfined") && !value.startsWith("localhost/")) {
                    causes.add(FieldCause.invalid(path + "[" + key + "]", value, "invalid AppArmor profile name: " + FieldCause.goQuote(value)));
                }
            }
        }
    }

    /** kube's {@code ValidatePodSpecificAnnotationUpdates}. */
    static void updates(JsonNode annotations, JsonNode old, JsonNode spec, String path, List<FieldCause> causes) {
        JsonNode now = annotations == null || !annotations.isObject() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : annotations;
        for (Iterator<Map.Entry<String, JsonNode>> it = GoValues.fields(old); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().equals(now.get(e.getKey()))) {
                continue;
            }
            if (e.getKey().startsWith(APPARMOR_CONTAINER)) {
                causes.add(FieldCause.forbidden(path + "[" + e.getKey() + "]", "may not remove or update AppArmor annotations"));
            }
            if (e.getKey().equals(MIRROR)) {
                causes.add(FieldCause.forbidden(path + "[" + e.getKey() + "]", "may not remove or update mirror pod annotation"));
            }
        }
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (old != null && old.has(key)) {
                continue;
            }
            if (key.startsWith(APPARMOR_CONTAINER)) {
                causes.add(FieldCause.forbidden(path + "[" + key + "]", "may not add AppArmor annotations"));
            }
            if (key.equals(MIRROR)) {
                causes.add(FieldCause.forbidden(path + "[" + key + "]", "may not add mirror pod annotation"));
            }
        }
        annotations(annotations, spec, path, causes);
    }

    /** kube's {@code ValidateSeccompProfile} of an annotation's value. */
    private static void seccompProfile(String profile, String path, List<FieldCause> causes) {
        if (profile.equals("runtime/default") || profile.equals("docker/default") || profile.equals("unconfined")) {
            return;
        }
        if (profile.startsWith("localhost/")) {
            SecurityContextValidation.localDescendingPath(profile.substring("localhost/".length()), path, causes);
            return;
        }
        causes.add(FieldCause.invalid(path, profile, "must be a valid seccomp profile"));
    }

    private static boolean hasContainer(JsonNode spec, String name) {
        for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c.path("name").asText("").equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** kube's {@code GetDeletionCostFromPodAnnotations}: "0", or an int32 without '+' or leading zeros. */
    static boolean isDeletionCost(String value) {
        if (value.equals("0")) {
            return true;
        }
        if (value.isEmpty() || !(value.charAt(0) == '-' || (value.charAt(0) != '0' && Character.isDigit(value.charAt(0))))) {
            return false;
        }
        try {
            Integer.parseInt(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
