package io.kapi.group.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.GoValues;
import io.kapi.machinery.selection.LabelSelector;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's Job (batch/v1): defaults, the generated selector and labels ({@code batch.kubernetes.io/controller-uid},
 * {@code batch.kubernetes.io/job-name} and their legacy forms), validation with kube's messages, an
 * immutable selector, template and completion mode, {@code status.successful} as a field selector and
 * kube's printer. A Job without labels of its own gets its template's.
 */
final class JobStrategy implements Strategy, GarbageCollectionPolicy {
    static final String UID_LABEL = "batch.kubernetes.io/controller-uid";
    static final String NAME_LABEL = "batch.kubernetes.io/job-name";

    /** kube keeps orphaning as the default of a delete through batch/v1 that names no propagation. */
    @Override
    public Policy defaultGarbageCollectionPolicy(String version) {
        return version.equals("v1") ? Policy.ORPHAN_DEPENDENTS : Policy.DELETE_DEPENDENTS;
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        Jobs.jobDefaults(Jobs.child(object, "spec"));
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode spec = Jobs.child(object, "spec");
        if (!spec.path("manualSelector").asBoolean(false)) {
            generateSelector(object);
        }
        copyLabels(object);
        object.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        copyLabels(object);
    }

    /** kube's generateSelector: the template gets the Job's name and uid as labels, the selector its uid. */
    private static void generateSelector(ObjectNode job) {
        String name = Json.name(job);
        String uid = Json.text(job.get("metadata"), "uid");
        ObjectNode spec = Jobs.child(job, "spec");
        ObjectNode labels = Jobs.child(Jobs.child(Jobs.child(spec, "template"), "metadata"), "labels");
        for (String key : new String[] {"job-name", NAME_LABEL}) {
            if (!labels.has(key)) {
                labels.put(key, name);
            }
        }
        for (String key : new String[] {"controller-uid", UID_LABEL}) {
            if (!labels.has(key)) {
                labels.put(key, uid);
            }
        }
        ObjectNode matchLabels = Jobs.child(Jobs.child(spec, "selector"), "matchLabels");
        if (!matchLabels.has(UID_LABEL)) {
            matchLabels.put(UID_LABEL, uid);
        }
    }

    /** A Job with no labels of its own carries its template's (kube's defaulting shares the map). */
    private static void copyLabels(ObjectNode job) {
        JsonNode templateLabels = job.path("spec").path("template").path("metadata").get("labels");
        if (Json.metadata(job).path("labels").size() == 0 && templateLabels != null && templateLabels.size() > 0) {
            Json.metadata(job).set("labels", templateLabels.deepCopy());
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        JsonNode selector = spec.get("selector");
        JsonNode labels = spec.path("template").path("metadata").get("labels");
        if (!spec.path("manualSelector").asBoolean(false) && selector != null && !selector.isNull()) {
            String uid = Json.text(object.get("metadata"), "uid");
            String name = Json.name(object);
            for (String[] expect : new String[][] {{"controller-uid", uid}, {"job-name", name}, {UID_LABEL, uid}, {NAME_LABEL, name}}) {
                String at = "spec.template.metadata.labels[" + expect[0] + "]";
                JsonNode v = labels == null ? null : labels.get(expect[0]);
                if (v == null) {
                    causes.add(FieldCause.required(at, "must be '" + expect[1] + "'"));
                } else if (!v.asText().equals(expect[1])) {
                    causes.add(FieldCause.invalidRendered(at, GoValues.stringMap(labels), "must be '" + expect[1] + "'"));
                }
            }
            try {
                LabelSelector parsed = LabelSelector.fromObject(selector);
                Map<String, String> generated = Map.of("controller-uid", uid, "job-name", name, UID_LABEL, uid, NAME_LABEL, name);
                if (!parsed.matches(generated)) {
                    causes.add(FieldCause.invalidRendered("spec.selector", GoValues.labelSelector(selector), "`selector` not auto-generated"));
                }
            } catch (IllegalArgumentException e) {
                causes.add(FieldCause.invalidRendered("spec.selector", GoValues.labelSelector(selector), "invalid label selector"));
            }
        }
        Jobs.validateJobSpec(spec, "spec", causes);
        if (selector == null || selector.isNull()) {
            causes.add(FieldCause.required("spec.selector", ""));
            // kube's ValidateJobSpec: LabelSelectorAsSelector(nil) is labels.Nothing(), which matches no template
            causes.add(FieldCause.invalidRendered("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`"));
        } else {
            try {
                LabelSelector parsed = LabelSelector.fromObject(selector);
                if (!parsed.isEmpty() && !parsed.matches(Json.stringMap(labels))) {
                    causes.add(FieldCause.invalidRendered("spec.template.metadata.labels", GoValues.stringMap(labels),
                            "`selector` does not match template `labels`"));
                }
            } catch (IllegalArgumentException e) {
                // reported above
            }
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        JsonNode spec = object.path("spec");
        JsonNode before = old.path("spec");
        if (!Objects.equals(spec.get("selector"), before.get("selector"))) {
            causes.add(FieldCause.invalidRendered("spec.selector", GoValues.labelSelector(spec.get("selector")),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        if (!Objects.equals(spec.get("template"), before.get("template")) && !schedulingOnly(object, old)) {
            causes.add(FieldCause.invalidRendered("spec.template", "core.PodTemplateSpec{...}", ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        if (!Objects.equals(spec.get("completionMode"), before.get("completionMode"))) {
            causes.add(FieldCause.invalid("spec.completionMode", spec.path("completionMode").asText(""), ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        // kube's ValidateJobSpecUpdate: ValidateImmutableField of these too
        for (String f : new String[] {"backoffLimitPerIndex", "podFailurePolicy", "successPolicy", "managedBy"}) {
            if (!Objects.equals(spec.get(f), before.get(f))) {
                JsonNode v = spec.get(f);
                causes.add(FieldCause.invalidRendered("spec." + f, v == null || v.isNull() ? "null"
                        : v.isValueNode() ? (v.isTextual() ? FieldCause.goQuote(v.asText()) : v.asText()) : v.toString(),
                        ObjectMetaValidation.FIELD_IMMUTABLE));
            }
        }
        if (!spec.path("completionMode").asText("").equals("Indexed") && !Objects.equals(spec.get("completions"), before.get("completions"))) {
            causes.add(FieldCause.invalid("spec.completions", spec.path("completions").asLong(), ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    /**
     * kube's mutable scheduling directives: while a Job is suspended and has not started, its template's
     * node selector, tolerations, labels, annotations, scheduling gates and node affinity may change.
     */
    private static boolean schedulingOnly(ObjectNode job, ObjectNode old) {
        if (!old.path("spec").path("suspend").asBoolean(false) || old.path("status").hasNonNull("startTime")) {
            return false;
        }
        ObjectNode now = job.path("spec").path("template").deepCopy();
        ObjectNode before = old.path("spec").path("template").deepCopy();
        for (ObjectNode t : new ObjectNode[] {now, before}) {
            Jobs.child(t, "metadata").remove(List.of("labels", "annotations"));
            ObjectNode podSpec = Jobs.child(t, "spec");
            podSpec.remove(List.of("nodeSelector", "tolerations", "schedulingGates"));
            if (podSpec.get("affinity") instanceof ObjectNode affinity) {
                affinity.remove("nodeAffinity");
                if (affinity.isEmpty()) {
                    podSpec.remove("affinity");
                }
            }
        }
        return now.equals(before);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("status.successful", Long.toString(object.path("status").path("succeeded").asLong(0)));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Status", "string", "Status of the job."), JobStrategy::status)
                .column(TableColumn.of("Completions", "string", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
                        JobStrategy::completions)
                .column(TableColumn.of("Duration", "string", "Time required to complete the job."), JobStrategy::duration)
                .age()
                .column(new TableColumn("Containers", "string", "", "Names of each container in the template.", 1),
                        o -> names(o.path("spec").path("template"), "name"))
                .column(new TableColumn("Images", "string", "", "Images referenced by each container in the template.", 1),
                        o -> names(o.path("spec").path("template"), "image"))
                .column(new TableColumn("Selector", "string", "", "A label query over pods that should match the pod count.", 1),
                        o -> selector(o.path("spec").get("selector")))
                .build();
    }

    static String names(JsonNode template, String field) {
        List<String> out = new ArrayList<>();
        template.path("spec").path("containers").forEach(c -> out.add(c.path(field).asText("")));
        return String.join(",", out);
    }

    static String selector(JsonNode selector) {
        try {
            String s = LabelSelector.fromObject(selector).toString();
            return s.isEmpty() ? "<none>" : s;
        } catch (IllegalArgumentException e) {
            return "<error>";
        }
    }

    private static boolean condition(ObjectNode job, String type) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if (c.path("type").asText("").equals(type)) {
                return c.path("status").asText("").equals("True");
            }
        }
        return false;
    }

    private static String status(ObjectNode job) {
        if (condition(job, "Complete")) {
            return "Complete";
        }
        if (condition(job, "Failed")) {
            return "Failed";
        }
        if (!Json.text(job.get("metadata"), "deletionTimestamp").isEmpty()) {
            return "Terminating";
        }
        if (condition(job, "Suspended")) {
            return "Suspended";
        }
        if (condition(job, "FailureTarget")) {
            return "FailureTarget";
        }
        return "Running";
    }

    private static String completions(ObjectNode job) {
        long succeeded = job.path("status").path("succeeded").asLong(0);
        JsonNode completions = job.path("spec").get("completions");
        if (completions != null && !completions.isNull()) {
            return succeeded + "/" + completions.asLong();
        }
        long parallelism = job.path("spec").path("parallelism").asLong(0);
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    private static String duration(ObjectNode job) {
        String start = job.path("status").path("startTime").asText("");
        if (start.isEmpty()) {
            return "";
        }
        String end = job.path("status").path("completionTime").asText("");
        try {
            java.time.Instant from = java.time.Instant.parse(start);
            java.time.Instant to = end.isEmpty() ? java.time.Instant.now() : java.time.Instant.parse(end);
            return io.kapi.api.rest.HumanDuration.format(java.time.Duration.between(from, to));
        } catch (RuntimeException e) {
            return "";
        }
    }
}
