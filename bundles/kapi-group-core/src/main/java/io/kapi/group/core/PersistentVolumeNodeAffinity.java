package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PersistentVolume's node affinity: kube's validateVolumeNodeAffinity (a required node selector,
 * checked by ValidateNodeSelector) and, on update, validatePvNodeAffinity's rule that it is immutable
 * except for a requirement's beta label key becoming its GA one.
 */
final class PersistentVolumeNodeAffinity {
    private static final Map<String, String> BETA_TO_GA = Map.of(
            "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region",
            "beta.kubernetes.io/os", "kubernetes.io/os",
            "beta.kubernetes.io/arch", "kubernetes.io/arch",
            "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type");

    private PersistentVolumeNodeAffinity() {
    }

    /** kube's validateVolumeNodeAffinity of {@code spec.nodeAffinity}: whether the spec has one. */
    static boolean validate(JsonNode spec, boolean allowInvalidLabelValues, List<FieldCause> causes) {
        JsonNode affinity = spec.get("nodeAffinity");
        if (affinity == null || affinity.isNull()) {
            return false;
        }
        JsonNode required = affinity.get("required");
        if (required != null && !required.isNull()) {
            nodeSelector(required, allowInvalidLabelValues, "spec.nodeAffinity.required", causes);
        } else {
            causes.add(FieldCause.required("spec.nodeAffinity.required", "must specify required node constraints"));
        }
        return true;
    }

    /** The update's rule: a node affinity, once set, may change only from a beta label key to its GA one. */
    static void validateUpdate(JsonNode spec, JsonNode oldSpec, List<FieldCause> causes) {
        JsonNode oldAffinity = oldSpec.get("nodeAffinity");
        if (oldAffinity == null || oldAffinity.isNull()) {
            return;
        }
        JsonNode newAffinity = spec.get("nodeAffinity");
        if (sameAffinity(newAffinity, oldAffinity)) {
            return;
        }
        String rendered;
        if (newAffinity == null || newAffinity.isNull()) {
            rendered = FieldCause.goQuote("null");
        } else {
            rendered = "core.VolumeNodeAffinity{Required:(*core.NodeSelector)("
                    + (newAffinity.hasNonNull("required") ? Volumes.GO_POINTER : "nil") + ")}";
        }
        causes.add(FieldCause.invalidRendered("nodeAffinity", rendered, Volumes.IMMUTABLE + ", except for updating from beta label to GA"));
    }

    /** kube's validatePvNodeAffinity equality: a requirement's beta label key may become its GA one. */
    private static boolean sameAffinity(JsonNode now, JsonNode before) {
        if (now == null || now.isNull()) {
            return false;
        }
        JsonNode masked = before.deepCopy();
        JsonNode newTerms = now.path("required").path("nodeSelectorTerms");
        JsonNode oldTerms = masked.path("required").path("nodeSelectorTerms");
        for (int i = 0; i < Math.min(newTerms.size(), oldTerms.size()); i++) {
            for (String list : new String[] {"matchExpressions", "matchFields"}) {
                JsonNode newReqs = newTerms.get(i).path(list);
                JsonNode oldReqs = oldTerms.get(i).path(list);
                for (int j = 0; j < Math.min(newReqs.size(), oldReqs.size()); j++) {
                    String oldKey = oldReqs.get(j).path("key").asText("");
                    String newKey = newReqs.get(j).path("key").asText("");
                    if (!oldKey.equals(newKey) && newKey.equals(BETA_TO_GA.get(oldKey)) && oldReqs.get(j) instanceof ObjectNode req) {
                        req.put("key", newKey);
                    }
                }
            }
        }
        return Volumes.semantic(now, Set.of("required")).equals(Volumes.semantic(masked, Set.of("required")));
    }

    /** kube's ValidateNodeSelector of a volume's required node affinity. */
    private static void nodeSelector(JsonNode selector, boolean allowInvalidValues, String path, List<FieldCause> causes) {
        String terms = path + ".nodeSelectorTerms";
        if (selector.path("nodeSelectorTerms").size() == 0) {
            causes.add(FieldCause.required(terms, "must have at least one node selector term"));
            return;
        }
        int i = 0;
        for (JsonNode term : selector.path("nodeSelectorTerms")) {
            String at = terms + "[" + i++ + "]";
            int j = 0;
            for (JsonNode req : term.path("matchExpressions")) {
                nodeSelectorRequirement(req, allowInvalidValues, at + ".matchExpressions[" + j++ + "]", causes);
            }
            j = 0;
            for (JsonNode req : term.path("matchFields")) {
                nodeFieldSelectorRequirement(req, at + ".matchFields[" + j++ + "]", causes);
            }
        }
    }

    private static void nodeSelectorRequirement(JsonNode req, boolean allowInvalidValues, String path, List<FieldCause> causes) {
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
        String key = req.path("key").asText("");
        for (String msg : NameValidation.isQualifiedName(key)) {
            causes.add(FieldCause.invalid(path + ".key", key, msg));
        }
        if (!allowInvalidValues) {
            int k = 0;
            for (JsonNode v : req.path("values")) {
                for (String msg : NameValidation.isValidLabelValue(v.asText(""))) {
                    causes.add(FieldCause.invalid(path + ".values[" + k + "]", v.asText(""), msg));
                }
                k++;
            }
        }
    }

    private static void nodeFieldSelectorRequirement(JsonNode req, String path, List<FieldCause> causes) {
        String op = req.path("operator").asText("");
        if (op.equals("In") || op.equals("NotIn")) {
            if (req.path("values").size() != 1) {
                causes.add(FieldCause.required(path + ".values",
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
            }
        } else {
            causes.add(FieldCause.invalid(path + ".operator", op, "not a valid selector operator"));
        }
        String key = req.path("key").asText("");
        if (!key.equals("metadata.name")) {
            causes.add(FieldCause.invalid(path + ".key", key, "not a valid field selector key"));
        } else {
            int i = 0;
            for (JsonNode v : req.path("values")) {
                for (String msg : NameValidation.isDNS1123Subdomain(v.asText(""))) {
                    causes.add(FieldCause.invalid(path + ".values[" + i + "]", v.asText(""), msg));
                }
                i++;
            }
        }
    }

    /** kube's HasInvalidLabelValueInNodeSelectorTerms. */
    static boolean invalidLabelValues(JsonNode selector) {
        for (JsonNode term : selector.path("nodeSelectorTerms")) {
            for (JsonNode req : term.path("matchExpressions")) {
                for (JsonNode v : req.path("values")) {
                    if (!NameValidation.isValidLabelValue(v.asText("")).isEmpty()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
