package io.kapi.group.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's PodDisruptionBudget (policy/v1): min available or max unavailable, not both, as numbers or
 * percents; an eviction policy kube knows; names that are path segments (kube checks no more); an
 * update must name its resourceVersion; kube's printer.
 */
final class PodDisruptionBudgetStrategy implements Strategy {
    private static final String PERCENT_FMT = "[0-9]+%";
    private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return prefix ? NameValidation.isPathSegmentPrefix(name) : NameValidation.isPathSegmentName(name);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0).put("desiredHealthy", 0)
                .put("expectedPods", 0);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        JsonNode min = spec.get("minAvailable");
        JsonNode max = spec.get("maxUnavailable");
        boolean hasMin = min != null && !min.isNull();
        boolean hasMax = max != null && !max.isNull();
        if (hasMin && hasMax) {
            causes.add(FieldCause.invalidRendered("spec", "policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(...), "
                    + "Selector:(*v1.LabelSelector)(...), MaxUnavailable:(*intstr.IntOrString)(...), UnhealthyPodEvictionPolicy:"
                    + "(*policy.UnhealthyPodEvictionPolicyType)(...)}", "minAvailable and maxUnavailable cannot be both set"));
        }
        if (hasMin) {
            intOrPercent(min, "spec.minAvailable", causes);
        }
        if (hasMax) {
            intOrPercent(max, "spec.maxUnavailable", causes);
        }
        causes.addAll(ObjectMetaValidation.validateLabelSelector(spec.get("selector"), "spec.selector"));
        JsonNode policy = spec.get("unhealthyPodEvictionPolicy");
        if (policy != null && !policy.isNull() && !List.of("AlwaysAllow", "IfHealthyBudget").contains(policy.asText(""))) {
            causes.add(FieldCause.notSupported("spec.unhealthyPodEvictionPolicy", policy.asText(""), List.of("AlwaysAllow", "IfHealthyBudget")));
        }
        return causes;
    }

    private static void intOrPercent(JsonNode v, String path, List<FieldCause> causes) {
        if (v.isTextual()) {
            String rendered = "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + FieldCause.goQuote(v.asText()) + "}";
            if (!PERCENT.matcher(v.asText()).matches()) {
                causes.add(FieldCause.invalidRendered(path, rendered, NameValidation.regexError(
                        "a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, "1%", "93%")));
            } else if (Long.parseLong(v.asText().substring(0, v.asText().length() - 1)) > 100) {
                causes.add(FieldCause.invalidRendered(path, rendered, "must not be greater than 100%"));
            }
        } else if (v.asLong() < 0) {
            causes.add(FieldCause.invalid(path, v.asLong(), ObjectMetaValidation.IS_NEGATIVE));
        }
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Min Available", "string", "The minimum number of pods that must be available."),
                        o -> o.path("spec").hasNonNull("minAvailable") ? o.path("spec").path("minAvailable").asText() : "N/A")
                .column(TableColumn.of("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
                        o -> o.path("spec").hasNonNull("maxUnavailable") ? o.path("spec").path("maxUnavailable").asText() : "N/A")
                .column(TableColumn.of("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
                        o -> o.path("status").path("disruptionsAllowed").asLong(0))
                .age().build();
    }
}
