package io.kapi.group.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.pods.PodDefaults;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.List;

/** kube's Job spec defaults and validation, shared by Jobs and CronJobs' job templates (pkg/apis/batch). */
final class Jobs {
    private Jobs() {
    }

    static ObjectNode child(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    /** The defaults a CronJob's job template gets too: its pod template's and the pod failure policy's. */
    static void templateDefaults(ObjectNode jobSpec) {
        PodDefaults.template(child(jobSpec, "template"));
        for (JsonNode rule : jobSpec.path("podFailurePolicy").path("rules")) {
            for (JsonNode pattern : rule.path("onPodConditions")) {
                if (pattern instanceof ObjectNode p && p.path("status").asText("").isEmpty()) {
                    p.put("status", "True");
                }
            }
        }
    }

    /** kube's SetDefaults_Job on the spec. */
    static void jobDefaults(ObjectNode spec) {
        if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
            spec.put("completions", 1);
            spec.put("parallelism", 1);
        }
        if (!spec.hasNonNull("parallelism")) {
            spec.put("parallelism", 1);
        }
        if (!spec.hasNonNull("backoffLimit")) {
            spec.put("backoffLimit", spec.hasNonNull("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
        }
        if (!spec.hasNonNull("completionMode")) {
            spec.put("completionMode", "NonIndexed");
        }
        if (!spec.hasNonNull("suspend")) {
            spec.put("suspend", false);
        }
        if (!spec.hasNonNull("podReplacementPolicy")) {
            spec.put("podReplacementPolicy", spec.hasNonNull("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
        }
        if (!spec.hasNonNull("manualSelector")) {
            spec.put("manualSelector", false);
        }
        templateDefaults(spec);
    }

    private static void nonNegative(JsonNode spec, String field, String path, List<FieldCause> causes) {
        JsonNode v = spec.get(field);
        if (v != null && v.isNumber() && v.asLong() < 0) {
            causes.add(FieldCause.invalid(path + "." + field, v.asLong(), ObjectMetaValidation.IS_NEGATIVE));
        }
    }

    /** kube's validateJobSpec at {@code path} ({@code spec}, or {@code spec.jobTemplate.spec}). */
    static void validateJobSpec(JsonNode spec, String path, List<FieldCause> causes) {
        for (String f : new String[] {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"}) {
            nonNegative(spec, f, path, causes);
        }
        String mode = spec.path("completionMode").asText("");
        if (spec.hasNonNull("completionMode") && !mode.equals("NonIndexed") && !mode.equals("Indexed")) {
            causes.add(FieldCause.notSupported(path + ".completionMode", mode, List.of("NonIndexed", "Indexed")));
        }
        if (mode.equals("Indexed")) {
            if (!spec.hasNonNull("completions")) {
                causes.add(FieldCause.required(path + ".completions", "when completion mode is Indexed"));
            }
            if (spec.path("parallelism").asLong(0) > 100000) {
                causes.add(FieldCause.invalid(path + ".parallelism", spec.path("parallelism").asLong(),
                        "must be less than or equal to 100000 when completion mode is Indexed"));
            }
            // kube's validateJobSpec (pkg/apis/batch/validation/validation.go), Indexed mode:
            //   MaxFailedIndexes > Completions: "must be less than or equal to completions"; > 100000:
            //   "must be less than or equal to 100000"; with BackoffLimitPerIndex and Completions > 100000
            //   (completionsSoftLimit): MaxFailedIndexes required, Parallelism and MaxFailedIndexes <= 10000
            JsonNode completions = spec.get("completions");
            JsonNode maxFailed = spec.get("maxFailedIndexes");
            boolean hasCompletions = completions != null && completions.isNumber();
            boolean hasMaxFailed = maxFailed != null && maxFailed.isNumber();
            if (hasCompletions && hasMaxFailed && maxFailed.asLong() > completions.asLong()) {
                causes.add(FieldCause.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to completions"));
            }
            if (hasMaxFailed && maxFailed.asLong() > 100000) {
                causes.add(FieldCause.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to 100000"));
            }
            if (hasCompletions && completions.asLong() > 100000 && spec.hasNonNull("backoffLimitPerIndex")) {
                String high = "must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index";
                if (!hasMaxFailed) {
                    causes.add(FieldCause.required(path + ".maxFailedIndexes", "must be specified when completions is above 100000"));
                }
                if (spec.path("parallelism").isNumber() && spec.path("parallelism").asLong() > 10000) {
                    causes.add(FieldCause.invalid(path + ".parallelism", spec.path("parallelism").asLong(), high));
                }
                if (hasMaxFailed && maxFailed.asLong() > 10000) {
                    causes.add(FieldCause.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), high));
                }
            }
        } else {
            if (spec.hasNonNull("backoffLimitPerIndex")) {
                causes.add(FieldCause.invalid(path + ".backoffLimitPerIndex", spec.path("backoffLimitPerIndex").asLong(),
                        "requires indexed completion mode"));
            }
            if (spec.hasNonNull("maxFailedIndexes")) {
                causes.add(FieldCause.invalid(path + ".maxFailedIndexes", spec.path("maxFailedIndexes").asLong(),
                        "requires indexed completion mode"));
            }
        }
        // kube: a maxFailedIndexes without backoffLimitPerIndex is refused whatever the completion mode
        if (spec.hasNonNull("maxFailedIndexes") && !spec.hasNonNull("backoffLimitPerIndex")) {
            causes.add(FieldCause.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified"));
        }
        String replacement = spec.path("podReplacementPolicy").asText("");
        if (spec.hasNonNull("podReplacementPolicy")) {
            List<String> allowed = spec.hasNonNull("podFailurePolicy") ? List.of("Failed") : List.of("Failed", "TerminatingOrFailed");
            if (!allowed.contains(replacement)) {
                causes.add(FieldCause.notSupported(path + ".podReplacementPolicy", replacement, allowed));
            }
        }
        JsonNode template = spec.get("template");
        causes.addAll(PodValidation.template(template, path + ".template", PodValidation.ANY));
        String restart = template == null ? "" : template.path("spec").path("restartPolicy").asText("");
        if (restart.equals("Always") || restart.isEmpty()) {
            causes.add(FieldCause.required(path + ".template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
        } else if (!PodValidation.JOB.contains(restart)) {
            causes.add(FieldCause.notSupported(path + ".template.spec.restartPolicy", restart, PodValidation.JOB));
        } else if (restart.equals("OnFailure") && spec.hasNonNull("podFailurePolicy")) {
            causes.add(FieldCause.invalid(path + ".template.spec.restartPolicy", "OnFailure",
                    "only \"Never\" is supported when podFailurePolicy is specified"));
        }
    }
}
