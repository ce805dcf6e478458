package io.kapi.group.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's PriorityClass strategy ({@code pkg/registry/scheduling/priorityclass/strategy.go}) with its
 * v1 defaulting ({@code pkg/apis/scheduling/v1/defaults.go}) and validation
 * ({@code pkg/apis/scheduling/validation}): names are DNS subdomains (the store's default); a name
 * with the {@code system-} prefix must be one of kube's system classes with its exact value and
 * globalDefault; other classes may not exceed {@value #HIGHEST_USER_DEFINABLE_PRIORITY}; the
 * preemption policy is {@code PreemptLowerPriority} (the default) or {@code Never}. On update kube
 * runs only {@code ValidatePriorityClassUpdate}: value and preemptionPolicy are immutable, and
 * nothing else of the object is checked again. Generation is 1 from creation on and never moves (the
 * kind has no spec). What needs the other classes (one global default) or the delete (system classes
 * stay) is {@link PriorityClassRest}'s.
 */
final class PriorityClassStrategy implements Strategy {
    /** kube's {@code scheduling.HighestUserDefinablePriority}. */
    static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;
    /** kube's {@code scheduling.SystemCriticalPriority}. */
    static final long SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
    static final String SYSTEM_PREFIX = "system-";
    static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";
    static final List<String> PREEMPTION_POLICIES = List.of(PREEMPT_LOWER_PRIORITY, "Never");

    private final TableConvertor table;

    PriorityClassStrategy(ObjectNode openApi) {
        JsonNode props = openApi.path("io.k8s.api.scheduling.v1.PriorityClass").path("properties");
        // kube's printPriorityClass: PreemptionPolicy is a priority-0 column (kubectl shows it without -o wide)
        table = Printer.builder().name()
                .column(TableColumn.of("Value", "integer", props.path("value").path("description").asText()),
                        o -> o.path("value").asLong(0))
                .column(TableColumn.of("Global-Default", "boolean", props.path("globalDefault").path("description").asText()),
                        o -> o.path("globalDefault").asBoolean(false))
                .age()
                .column(TableColumn.of("PreemptionPolicy", "string", props.path("preemptionPolicy").path("description").asText()),
                        o -> Json.text(o, "preemptionPolicy"))
                .build();
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        JsonNode policy = object.get("preemptionPolicy");
        if (policy == null || policy.isNull()) {
            object.put("preemptionPolicy", PREEMPT_LOWER_PRIORITY);
        }
        JsonNode value = object.get("value");
        if (value == null || value.isNull()) {
            // an int32 kube always writes out ("value" has no omitempty)
            object.put("value", 0);
        }
    }

    @Override
    public boolean tracksGeneration() {
        // kube's PrepareForCreate sets generation 1; updates keep the stored one, and there is no spec to bump it
        return true;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        String name = Json.name(object);
        long value = object.path("value").asLong(0);
        if (name.startsWith(SYSTEM_PREFIX)) {
            String err = SystemPriorityClasses.knownSystemClassError(name, value, object.path("globalDefault").asBoolean(false));
            if (err != null) {
                causes.add(FieldCause.forbidden("metadata.name", "priority class names with '" + SYSTEM_PREFIX
                        + "' prefix are reserved for system use only. error: " + err));
            }
        } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
            causes.add(FieldCause.forbidden("value", "maximum allowed value of a user defined priority is "
                    + HIGHEST_USER_DEFINABLE_PRIORITY));
        }
        JsonNode policy = object.get("preemptionPolicy");
        if (policy != null && !policy.isNull()) {
            // kube's ValidatePreemptionPolicy
            String p = policy.asText("");
            if (p.isEmpty()) {
                causes.add(FieldCause.required("preemptionPolicy", ""));
            } else if (!PREEMPTION_POLICIES.contains(p)) {
                causes.add(FieldCause.notSupported("preemptionPolicy", p, PREEMPTION_POLICIES));
            }
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        if (object.path("value").asLong(0) != old.path("value").asLong(0)) {
            causes.add(FieldCause.forbidden("value", "may not be changed in an update."));
        }
        JsonNode policy = object.get("preemptionPolicy");
        JsonNode oldPolicy = old.get("preemptionPolicy");
        String p = policy == null || policy.isNull() ? null : policy.asText();
        String op = oldPolicy == null || oldPolicy.isNull() ? null : oldPolicy.asText();
        if (!java.util.Objects.equals(p, op)) {
            // ValidateImmutableField prints the new *PreemptionPolicy: its string, or null
            causes.add(p == null ? FieldCause.invalidRendered("preemptionPolicy", "null", ObjectMetaValidation.FIELD_IMMUTABLE)
                    : FieldCause.invalid("preemptionPolicy", p, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
