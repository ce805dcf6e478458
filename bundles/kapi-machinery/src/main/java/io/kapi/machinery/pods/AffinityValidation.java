package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's validation of a pod's {@code affinity} (pkg/apis/core/validation: {@code validateAffinity},
 * {@code ValidateNodeSelector}, {@code ValidateNodeSelectorRequirement},
 * {@code ValidateNodeFieldSelectorRequirement}, {@code ValidatePreferredSchedulingTerms},
 * {@code validatePodAffinityTerm}, {@code validateMatchLabelKeysAndMismatchLabelKeys}): node selector
 * terms and their operators, weights in 1..100, pod affinity terms with their selectors, namespaces and
 * topology keys.
 */
final class AffinityValidation {
    private AffinityValidation() {
    }

    static void affinity(JsonNode affinity, String path, List<FieldCause> causes) {
        if (ProbeValidation.absent(affinity)) {
            return;
        }
        JsonNode node = affinity.get("nodeAffinity");
        if (!ProbeValidation.absent(node)) {
            String at = path + ".nodeAffinity";
            JsonNode required = node.get("requiredDuringSchedulingIgnoredDuringExecution");
            if (!ProbeValidation.absent(required)) {
                NodeSelectorValidation.validate(required, false, at + ".requiredDuringSchedulingIgnoredDuringExecution", causes);
            }
            int i = 0;
            for (JsonNode term : node.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                String t = at + ".preferredDuringSchedulingIgnoredDuringExecution[" + i++ + "]";
                weight(term, t, causes);
                NodeSelectorValidation.term(term.path("preference"), true, t + ".preference", causes);
            }
        }
        for (String kind : new String[] {"podAffinity", "podAntiAffinity"}) {
            JsonNode pod = affinity.get(kind);
            if (ProbeValidation.absent(pod)) {
                continue;
            }
            String at = path + "." + kind;
            int i = 0;
            for (JsonNode term : pod.path("requiredDuringSchedulingIgnoredDuringExecution")) {
                podAffinityTerm(term, at + ".requiredDuringSchedulingIgnoredDuringExecution[" + i++ + "]", causes);
            }
            i = 0;
            for (JsonNode term : pod.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                String t = at + ".preferredDuringSchedulingIgnoredDuringExecution[" + i++ + "]";
                weight(term, t, causes);
                podAffinityTerm(term.path("podAffinityTerm"), t + ".podAffinityTerm", causes);
            }
        }
    }

    private static void weight(JsonNode term, String path, List<FieldCause> causes) {
        long weight = term.path("weight").asLong(0);
        if (weight <= 0 || weight > 100) {
            causes.add(FieldCause.invalid(path + ".weight", weight, "must be in the range 1-100"));
        }
    }

    private static void podAffinityTerm(JsonNode term, String path, List<FieldCause> causes) {
        causes.addAll(ObjectMetaValidation.validateLabelSelector(term.get("labelSelector"), path + ".labelSelector"));
        causes.addAll(ObjectMetaValidation.validateLabelSelector(term.get("namespaceSelector"), path + ".namespaceSelector"));
        for (JsonNode ns : term.path("namespaces")) {
            for (String msg : NameValidation.isDNS1123Label(ns.asText())) {
                causes.add(FieldCause.invalid(path + ".namespace", ns.asText(), msg));
            }
        }
        JsonNode selector = term.get("labelSelector");
        labelKeys(term.path("matchLabelKeys"), selector, path + ".matchLabelKeys", causes);
        labelKeys(term.path("mismatchLabelKeys"), selector, path + ".mismatchLabelKeys", causes);
        Set<String> mismatch = new HashSet<>();
        term.path("mismatchLabelKeys").forEach(k -> mismatch.add(k.asText()));
        int i = 0;
        for (JsonNode k : term.path("matchLabelKeys")) {
            if (mismatch.contains(k.asText())) {
                causes.add(FieldCause.invalid(path + ".matchLabelKeys[" + i + "]", k.asText(), "exists in both matchLabelKeys and mismatchLabelKeys"));
            }
            i++;
        }
        String topologyKey = term.path("topologyKey").asText("");
        if (topologyKey.isEmpty()) {
            causes.add(FieldCause.required(path + ".topologyKey", "can not be empty"));
        }
        labelName(topologyKey, path + ".topologyKey", causes);
    }

    private static void labelKeys(JsonNode keys, JsonNode selector, String path, List<FieldCause> causes) {
        if (keys.size() == 0) {
            return;
        }
        if (ProbeValidation.absent(selector)) {
            causes.add(FieldCause.forbidden(path, "must not be specified when labelSelector is not set"));
            return;
        }
        int i = 0;
        for (JsonNode k : keys) {
            labelName(k.asText(), path + "[" + i++ + "]", causes);
        }
    }

    /** kube's {@code ValidateLabelName}: a qualified name, each problem one Invalid. */
    static void labelName(String name, String path, List<FieldCause> causes) {
        for (String msg : NameValidation.isQualifiedName(name)) {
            causes.add(FieldCause.invalid(path, name, msg));
        }
    }
}
