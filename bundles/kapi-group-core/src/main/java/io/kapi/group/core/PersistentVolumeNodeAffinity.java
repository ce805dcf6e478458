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
            io.kapi.machinery.pods.NodeSelectorValidation.validate(required, allowInvalidLabelValues, "spec.nodeAffinity.required", causes);
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

    /** kube's HasInvalidLabelValueInNodeSelectorTerms. */
    static boolean invalidLabelValues(JsonNode selector) {
        return io.kapi.machinery.pods.NodeSelectorValidation.hasInvalidLabelValues(selector);
    }
}
