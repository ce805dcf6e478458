package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's validation of what places a pod (pkg/apis/core/validation: {@code ValidateTolerations},
 * {@code validateTopologySpreadConstraints}, {@code validateSchedulingGates},
 * {@code validateReadinessGates}): toleration keys, operators, values and effects; spread constraints'
 * skew, topology key, unsatisfiable action, min domains, inclusion policies and label keys; gate names.
 */
final class SchedulingValidation {
    private static final List<String> UNSATISFIABLE = List.of("DoNotSchedule", "ScheduleAnyway");
    private static final List<String> INCLUSION_POLICIES = List.of("Honor", "Ignore");
    private static final String NOT_POSITIVE = "must be greater than zero";

    private SchedulingValidation() {
    }

    static void tolerations(JsonNode list, String path, List<FieldCause> causes) {
        TolerationValidation.validate(list, path, causes);
    }

    static void topologySpreadConstraints(JsonNode list, String path, List<FieldCause> causes) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = path + "[" + i + "]";
            long maxSkew = c.path("maxSkew").asLong(0);
            if (maxSkew <= 0) {
                causes.add(FieldCause.invalid(at + ".maxSkew", maxSkew, NOT_POSITIVE));
            }
            String topologyKey = c.path("topologyKey").asText("");
            if (topologyKey.isEmpty()) {
                causes.add(FieldCause.required(at + ".topologyKey", "can not be empty"));
            }
            String action = c.path("whenUnsatisfiable").asText("");
            if (!UNSATISFIABLE.contains(action)) {
                causes.add(FieldCause.notSupported(at + ".whenUnsatisfiable", action, UNSATISFIABLE));
            }
            for (int j = i + 1; j < list.size(); j++) {
                JsonNode other = list.get(j);
                if (topologyKey.equals(other.path("topologyKey").asText("")) && action.equals(other.path("whenUnsatisfiable").asText(""))) {
                    causes.add(FieldCause.duplicate(at + ".{topologyKey, whenUnsatisfiable}", "{" + topologyKey + ", " + action + "}"));
                    break;
                }
            }
            JsonNode minDomains = c.get("minDomains");
            if (minDomains != null && !minDomains.isNull()) {
                if (minDomains.asLong() <= 0) {
                    causes.add(FieldCause.invalid(at + ".minDomains", minDomains.asLong(), NOT_POSITIVE));
                }
                if (!action.equals("DoNotSchedule")) {
                    causes.add(FieldCause.invalid(at + ".minDomains", minDomains.asLong(),
                            "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + action));
                }
            }
            for (String policy : new String[] {"nodeAffinityPolicy", "nodeTaintsPolicy"}) {
                JsonNode p = c.get(policy);
                if (p != null && !p.isNull() && !INCLUSION_POLICIES.contains(p.asText())) {
                    causes.add(FieldCause.notSupported(at + "." + policy, p.asText(), INCLUSION_POLICIES));
                }
            }
            matchLabelKeys(c.path("matchLabelKeys"), c.get("labelSelector"), at + ".matchLabelKeys", causes);
            causes.addAll(ObjectMetaValidation.validateLabelSelector(c.get("labelSelector"), at + ".labelSelector"));
        }
    }

    private static void matchLabelKeys(JsonNode keys, JsonNode selector, String path, List<FieldCause> causes) {
        if (keys.size() == 0) {
            return;
        }
        Set<String> selectorKeys = new HashSet<>();
        if (ProbeValidation.absent(selector)) {
            causes.add(FieldCause.forbidden(path, "must not be specified when labelSelector is not set"));
        } else {
            selector.path("matchLabels").fieldNames().forEachRemaining(selectorKeys::add);
            selector.path("matchExpressions").forEach(e -> selectorKeys.add(e.path("key").asText("")));
        }
        int i = 0;
        for (JsonNode k : keys) {
            String at = path + "[" + i++ + "]";
            AffinityValidation.labelName(k.asText(), at, causes);
            if (selectorKeys.contains(k.asText())) {
                causes.add(FieldCause.invalid(at, k.asText(), "exists in both matchLabelKeys and labelSelector"));
            }
        }
    }

    /** Gate names are qualified names, each once. */
    static void schedulingGates(JsonNode list, String path, List<FieldCause> causes) {
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode g : list) {
            String at = path + "[" + i++ + "]";
            String name = g.path("name").asText("");
            AffinityValidation.labelName(name, at, causes);
            if (!seen.add(name)) {
                causes.add(FieldCause.duplicate(at, name));
            }
        }
    }

    static void readinessGates(JsonNode list, String path, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode g : list) {
            String type = g.path("conditionType").asText("");
            AffinityValidation.labelName(type, path + "[" + i++ + "].conditionType", causes);
        }
    }
}
