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
                nodeSelector(required, at + ".requiredDuringSchedulingIgnoredDuringExecution", causes);
            }
            int i = 0;
            for (JsonNode term : node.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                String t = at + ".preferredDuringSchedulingIgnoredDuringExecution[" + i++ + "]";
                weight(term, t, causes);
                nodeSelectorTerm(term.path("preference"), true, t + ".preference", causes);
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

    /** kube's {@code ValidateNodeSelector}: at least one term, each valid (label values checked). */
    static void nodeSelector(JsonNode selector, String path, List<FieldCause> causes) {
        String terms = path + ".nodeSelectorTerms";
        if (selector.path("nodeSelectorTerms").size() == 0) {
            causes.add(FieldCause.required(terms, "must have at least one node selector term"));
            return;
        }
        int i = 0;
        for (JsonNode term : selector.path("nodeSelectorTerms")) {
            nodeSelectorTerm(term, false, terms + "[" + i++ + "]", causes);
        }
    }

    private static void weight(JsonNode term, String path, List<FieldCause> causes) {
        long weight = term.path("weight").asLong(0);
        if (weight <= 0 || weight > 100) {
            causes.add(FieldCause.invalid(path + ".weight", weight, "must be in the range 1-100"));
        }
    }

    private static void nodeSelectorTerm(JsonNode term, boolean allowInvalidValues, String path, List<FieldCause> causes) {
        int j = 0;
        for (JsonNode req : term.path("matchExpressions")) {
            requirement(req, allowInvalidValues, path + ".matchExpressions[" + j++ + "]", causes);
        }
        j = 0;
        for (JsonNode req : term.path("matchFields")) {
            fieldRequirement(req, path + ".matchFields[" + j++ + "]", causes);
        }
    }

    private static void requirement(JsonNode req, boolean allowInvalidValues, String path, List<FieldCause> causes) {
        String op = req.path("operator").asText("");
        int values = req.path("values").size();
        switch (op) {
            case "In", "NotIn" -> {
                if (values == 0) {
                    causes.add(FieldCause.required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (values > 0) {
                    causes.add(FieldCause.forbidden(path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            case "Gt", "Lt" -> {
                if (values != 1) {
                    causes.add(FieldCause.required(path + ".values", "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                }
            }
            default -> causes.add(FieldCause.invalid(path + ".operator", op, "not a valid selector operator"));
        }
        labelName(req.path("key").asText(""), path + ".key", causes);
        if (!allowInvalidValues) {
            int i = 0;
            for (JsonNode v : req.path("values")) {
                for (String msg : NameValidation.isValidLabelValue(v.asText())) {
                    causes.add(FieldCause.invalid(path + ".values[" + i + "]", v.asText(), msg));
                }
                i++;
            }
        }
    }

    private static void fieldRequirement(JsonNode req, String path, List<FieldCause> causes) {
        String op = req.path("operator").asText("");
        if (op.equals("In") || op.equals("NotIn")) {
            if (req.path("values").size() != 1) {
                causes.add(FieldCause.required(path + ".values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
            }
        } else {
            causes.add(FieldCause.invalid(path + ".operator", op, "not a valid selector operator"));
        }
        String key = req.path("key").asText("");
        if (!key.equals("metadata.name")) {
            causes.add(FieldCause.invalid(path + ".key", key, "not a valid field selector key"));
            return;
        }
        int i = 0;
        for (JsonNode v : req.path("values")) {
            for (String msg : NameValidation.isDNS1123Subdomain(v.asText())) {
                causes.add(FieldCause.invalid(path + ".values[" + i + "]", v.asText(), msg));
            }
            i++;
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
