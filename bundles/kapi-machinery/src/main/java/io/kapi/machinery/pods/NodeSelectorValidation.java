package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.List;

/**
 * kube's {@code ValidateNodeSelector} (pkg/apis/core/validation) with its requirement checks
 * ({@code ValidateNodeSelectorRequirement}, {@code ValidateNodeFieldSelectorRequirement}): what a pod's
 * required node affinity and a persistent volume's node affinity both are; and kube's
 * {@code HasInvalidLabelValueInNodeSelectorTerms}, which decides whether an update may keep invalid values.
 */
public final class NodeSelectorValidation {
    private NodeSelectorValidation() {
    }

    /**
     * kube's {@code ValidateNodeSelector}: at least one term, each valid.
     *
     * @param allowInvalidValues whether label values are left unchecked (an update of an object that already has invalid ones)
     */
    public static void validate(JsonNode selector, boolean allowInvalidValues, String path, List<FieldCause> causes) {
        String terms = path + ".nodeSelectorTerms";
        if (selector.path("nodeSelectorTerms").size() == 0) {
            causes.add(FieldCause.required(terms, "must have at least one node selector term"));
            return;
        }
        int i = 0;
        for (JsonNode term : selector.path("nodeSelectorTerms")) {
            term(term, allowInvalidValues, terms + "[" + i++ + "]", causes);
        }
    }

    /** kube's {@code HasInvalidLabelValueInNodeSelectorTerms}. */
    public static boolean hasInvalidLabelValues(JsonNode selector) {
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

    static void term(JsonNode term, boolean allowInvalidValues, String path, List<FieldCause> causes) {
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
        AffinityValidation.labelName(req.path("key").asText(""), path + ".key", causes);
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
}
