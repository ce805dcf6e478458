package io.kapi.group.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.machinery.pods.GoValues;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.selection.LabelSelector;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What kube's apps validation and printers share across the workload kinds (apps/validation, printers.go). */
final class Workloads {
    private static final String PERCENT_FMT = "[0-9]+%";
    private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);

    private Workloads() {
    }

    static ObjectNode spec(ObjectNode object) {
        return object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
    }

    static ObjectNode child(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    static void defaultNumber(ObjectNode o, String field, long value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }

    static void defaultText(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || o.get(field).asText().isEmpty()) {
            o.put(field, value);
        }
    }

    /** kube's {@code ValidateNonnegativeField} of an optional number. */
    static void nonNegative(JsonNode parent, String field, String path, List<FieldCause> causes) {
        JsonNode v = parent.get(field);
        if (v != null && v.isNumber() && v.asLong() < 0) {
            causes.add(FieldCause.invalid(path, v.asLong(), ObjectMetaValidation.IS_NEGATIVE));
        }
    }

    /**
     * How a workload kind checks its selector and template (kube's ValidateDeploymentSpec,
     * ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec differ in these).
     *
     * @param kindName the name in "empty selector is invalid for ..."
     * @param deadlineKind the name in "activeDeadlineSeconds in ... is not Supported"
     * @param selectorRequired a missing selector is an error (not for DaemonSets, whose nil selector matches nothing)
     * @param podSpec the template's pod spec is validated (kube 1.32 does not for StatefulSets)
     * @param badSelector the detail of a selector kube cannot convert
     */
    record Rules(String kindName, String deadlineKind, boolean selectorRequired, boolean podSpec, String badSelector) {
        static final Rules DEPLOYMENT = new Rules("deployment", "ReplicaSet", true, true, "invalid label selector");
        static final Rules REPLICA_SET = new Rules("deployment", "ReplicaSet", true, true, "invalid label selector");
        static final Rules STATEFUL_SET = new Rules("statefulset", "StatefulSet", true, false, "");
        static final Rules DAEMON_SET = new Rules("daemonset", "DaemonSet", false, true, "invalid label selector");
    }

    /**
     * The selector and template rules of the workload kinds: a valid, non-empty selector that the
     * template's labels match, the template (its pod spec, where the kind validates it), a restart
     * policy of Always and no activeDeadlineSeconds.
     */
    static void selectorAndTemplate(JsonNode spec, Rules rules, List<FieldCause> causes) {
        JsonNode selector = spec.get("selector");
        LabelSelector parsed = null;
        boolean converted = true;
        if (selector == null || selector.isNull()) {
            if (rules.selectorRequired()) {
                causes.add(FieldCause.required("spec.selector", ""));
            }
        } else {
            causes.addAll(ObjectMetaValidation.validateLabelSelector(selector, "spec.selector"));
            if (selector.path("matchLabels").size() + selector.path("matchExpressions").size() == 0) {
                causes.add(FieldCause.invalidRendered("spec.selector", GoValues.labelSelector(selector),
                        "empty selector is invalid for " + rules.kindName()));
            }
            try {
                parsed = LabelSelector.fromObject(selector);
            } catch (IllegalArgumentException e) {
                converted = false;
                causes.add(rules.badSelector().isEmpty()
                        ? new FieldCause("FieldValueInvalid", "Invalid value: " + GoValues.labelSelector(selector), "spec.selector")
                        : FieldCause.invalidRendered("spec.selector", GoValues.labelSelector(selector), rules.badSelector()));
            }
        }
        if (!converted && rules.selectorRequired()) {
            return; // kube skips the template checks when the selector does not convert
        }
        JsonNode template = spec.get("template");
        if (template == null || template.isNull()) {
            causes.add(FieldCause.required("spec.template", ""));
            return;
        }
        JsonNode labels = template.path("metadata").get("labels");
        // an empty selector selects everything; a DaemonSet's missing one selects nothing
        boolean mismatch = parsed != null ? !parsed.isEmpty() && !parsed.matches(Json.stringMap(labels))
                : selector == null || selector.isNull();
        if (mismatch && converted) {
            causes.add(FieldCause.invalidRendered("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`"));
        }
        if (rules.podSpec()) {
            causes.addAll(PodValidation.template(template, "spec.template", PodValidation.ALWAYS));
        } else {
            causes.addAll(PodValidation.templateMetadata(template, "spec.template"));
            causes.addAll(PodValidation.restartPolicy(template.path("spec"), "spec.template.spec", PodValidation.ALWAYS));
        }
        if (template.path("spec").hasNonNull("activeDeadlineSeconds")) {
            causes.add(FieldCause.forbidden("spec.template.spec.activeDeadlineSeconds",
                    "activeDeadlineSeconds in " + rules.deadlineKind() + " is not Supported"));
        }
    }

    /** kube's {@code ValidateImmutableField} of the selector, for the kinds whose selector may not change. */
    static void immutableSelector(JsonNode spec, JsonNode oldSpec, List<FieldCause> causes) {
        JsonNode now = spec.get("selector");
        JsonNode before = oldSpec.get("selector");
        if (!java.util.Objects.equals(normalized(now), normalized(before))) {
            causes.add(FieldCause.invalidRendered("spec.selector", now == null ? "null" : GoValues.labelSelector(now),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
    }

    /** A selector as kube's semantic equality compares it: empty lists and maps equal missing ones. */
    private static JsonNode normalized(JsonNode selector) {
        if (selector == null || selector.isNull()) {
            return null;
        }
        ObjectNode n = selector.deepCopy();
        for (String f : new String[] {"matchLabels", "matchExpressions"}) {
            if (n.has(f) && (n.get(f).isNull() || n.get(f).isEmpty())) {
                n.remove(f);
            }
        }
        return n;
    }

    /**
     * An int-or-percent of a rolling update (kube's {@code ValidatePositiveIntOrPercent} and
     * {@code IsNotMoreThan100Percent}); its value as a number for the both-zero check.
     */
    static long intOrPercent(JsonNode value, String path, boolean atMost100, List<FieldCause> causes) {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (value.isTextual()) {
            String s = value.asText();
            if (!PERCENT.matcher(s).matches()) {
                causes.add(FieldCause.invalidRendered(path, intOrString(value), NameValidation.regexError(
                        "a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, "1%", "93%")));
                // kube's getIntOrPercentValue falls back to IntOrString.IntValue(), strconv.Atoi of the string
                // (0 when it is no number), so an invalid maxSurge can still be "0" for the both-zero check
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            long pct = Long.parseLong(s.substring(0, s.length() - 1));
            if (atMost100 && pct > 100) {
                causes.add(FieldCause.invalidRendered(path, intOrString(value), "must not be greater than 100%"));
            }
            return pct;
        }
        long n = value.asLong();
        if (n < 0) {
            causes.add(FieldCause.invalid(path, n, ObjectMetaValidation.IS_NEGATIVE));
        }
        return n;
    }

    /** Go's {@code %#v} of an {@code intstr.IntOrString}. */
    static String intOrString(JsonNode value) {
        if (value != null && value.isTextual()) {
            return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + FieldCause.goQuote(value.asText()) + "}";
        }
        return "intstr.IntOrString{Type:0, IntVal:" + (value == null ? 0 : value.asLong()) + ", StrVal:\"\"}";
    }

    // ---- printers

    static final TableColumn CONTAINERS = wide("Containers", "Names of each container in the template.");
    static final TableColumn IMAGES = wide("Images", "Images referenced by each container in the template.");
    static final TableColumn SELECTOR = wide("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.");

    static TableColumn wide(String name, String description) {
        return new TableColumn(name, "string", "", description, 1);
    }

    static TableColumn column(String name, String type, String description) {
        return TableColumn.of(name, type, description);
    }

    static String containers(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.path("spec").path("template").path("spec").path("containers").forEach(c -> names.add(c.path("name").asText("")));
        return String.join(",", names);
    }

    static String images(ObjectNode o) {
        List<String> images = new ArrayList<>();
        o.path("spec").path("template").path("spec").path("containers").forEach(c -> images.add(c.path("image").asText("")));
        return String.join(",", images);
    }

    /** kube's {@code metav1.FormatLabelSelector}: {@code <none>} for an empty one, {@code <error>} for a bad one. */
    static String selector(ObjectNode o) {
        try {
            String s = LabelSelector.fromObject(o.path("spec").get("selector")).toString();
            return s.isEmpty() ? "<none>" : s;
        } catch (IllegalArgumentException e) {
            return "<error>";
        }
    }

    static long number(JsonNode node, String field) {
        return node.path(field).asLong(0);
    }

    static Printer.Builder printer() {
        return Printer.builder().name();
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
