package io.kapi.group.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * kube's CronJob (batch/v1): Allow, not suspended, history limits 3 and 1 by default; the schedule as
 * robfig/cron parses it, no TZ in it, a time zone kube's time library knows, a name short enough for
 * the Jobs it would create, a job template whose selector kube generates; everything mutable.
 */
final class CronJobStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Jobs.child(object, "spec");
        if (spec.path("concurrencyPolicy").asText("").isEmpty()) {
            spec.put("concurrencyPolicy", "Allow");
        }
        if (!spec.hasNonNull("suspend")) {
            spec.put("suspend", false);
        }
        if (!spec.hasNonNull("successfulJobsHistoryLimit")) {
            spec.put("successfulJobsHistoryLimit", 3);
        }
        if (!spec.hasNonNull("failedJobsHistoryLimit")) {
            spec.put("failedJobsHistoryLimit", 1);
        }
        Jobs.templateDefaults(Jobs.child(Jobs.child(spec, "jobTemplate"), "spec"));
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status");
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = spec(object, null);
        String name = Json.name(object);
        if (name.length() > 52) {
            causes.add(FieldCause.invalid("metadata.name", name, "must be no more than 52 characters"));
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return spec(object, old);
    }

    private static List<FieldCause> spec(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String schedule = spec.path("schedule").asText("");
        if (schedule.isEmpty()) {
            causes.add(FieldCause.required("spec.schedule", ""));
        } else {
            String error = CronSchedule.error(schedule);
            if (error != null) {
                causes.add(FieldCause.invalid("spec.schedule", schedule, error));
            }
            boolean oldTz = old != null && old.path("spec").path("schedule").asText("").contains("TZ");
            if (schedule.contains("TZ") && !oldTz) {
                causes.add(FieldCause.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            } else if (schedule.contains("TZ") && spec.hasNonNull("timeZone")) {
                causes.add(FieldCause.invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
            }
        }
        JsonNode deadline = spec.get("startingDeadlineSeconds");
        if (deadline != null && deadline.isNumber() && deadline.asLong() < 0) {
            causes.add(FieldCause.invalid("spec.startingDeadlineSeconds", deadline.asLong(), "must be greater than or equal to 0"));
        }
        JsonNode zone = spec.get("timeZone");
        boolean zoneChanged = old == null || !java.util.Objects.equals(zone, old.path("spec").get("timeZone"));
        if (zone != null && !zone.isNull() && zoneChanged) {
            timeZone(zone.asText(""), causes);
        }
        String policy = spec.path("concurrencyPolicy").asText("");
        if (policy.isEmpty()) {
            causes.add(FieldCause.required("spec.concurrencyPolicy", ""));
        } else if (!List.of("Allow", "Forbid", "Replace").contains(policy)) {
            causes.add(FieldCause.notSupported("spec.concurrencyPolicy", policy, List.of("Allow", "Forbid", "Replace")));
        }
        JsonNode jobSpec = spec.path("jobTemplate").path("spec");
        Jobs.validateJobSpec(jobSpec, "spec.jobTemplate.spec", causes);
        if (jobSpec.hasNonNull("selector")) {
            causes.add(FieldCause.invalidRendered("spec.jobTemplate.spec.selector",
                    io.kapi.machinery.pods.GoValues.labelSelector(jobSpec.get("selector")), "`selector` will be auto-generated"));
        }
        if (jobSpec.path("manualSelector").asBoolean(false)) {
            causes.add(FieldCause.notSupported("spec.jobTemplate.spec.manualSelector", true, List.of("nil", "false")));
        }
        for (String f : new String[] {"successfulJobsHistoryLimit", "failedJobsHistoryLimit"}) {
            JsonNode v = spec.get(f);
            if (v != null && v.isNumber() && v.asLong() < 0) {
                causes.add(FieldCause.invalid("spec." + f, v.asLong(), "must be greater than or equal to 0"));
            }
        }
        return causes;
    }

    private static void timeZone(String tz, List<FieldCause> causes) {
        if (tz.isEmpty()) {
            causes.add(FieldCause.invalid("spec.timeZone", tz, "timeZone must be nil or non-empty string"));
            return;
        }
        for (String part : tz.split("/")) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !part.matches("[A-Za-z.\\-_0-9+]{1,14}")) {
                causes.add(FieldCause.invalid("spec.timeZone", tz, "unknown time zone " + tz));
                return;
            }
        }
        if (tz.toLowerCase(Locale.ROOT).equals("local")) {
            causes.add(FieldCause.invalid("spec.timeZone", tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        }
        if (!tz.equals("UTC") && !java.time.ZoneId.getAvailableZoneIds().contains(tz)) {
            causes.add(FieldCause.invalid("spec.timeZone", tz, "unknown time zone " + tz));
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                        o -> o.path("spec").path("schedule").asText(""))
                .column(TableColumn.of("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
                        o -> o.path("spec").hasNonNull("timeZone") ? o.path("spec").path("timeZone").asText() : "<none>")
                .column(TableColumn.of("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
                        o -> !o.path("spec").hasNonNull("suspend") ? "<unset>" : o.path("spec").path("suspend").asBoolean() ? "True" : "False")
                .column(TableColumn.of("Active", "integer", "A list of pointers to currently running jobs."),
                        o -> (long) o.path("status").path("active").size())
                .column(TableColumn.of("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
                        o -> o.path("status").hasNonNull("lastScheduleTime") ? Printer.since(o.path("status").path("lastScheduleTime").asText()) : "<none>")
                .age()
                .column(new TableColumn("Containers", "string", "", "Names of each container in the template.", 1),
                        o -> JobStrategy.names(o.path("spec").path("jobTemplate").path("spec").path("template"), "name"))
                .column(new TableColumn("Images", "string", "", "Images referenced by each container in the template.", 1),
                        o -> JobStrategy.names(o.path("spec").path("jobTemplate").path("spec").path("template"), "image"))
                .column(new TableColumn("Selector", "string", "", "A label query over pods that should match the pod count.", 1),
                        o -> JobStrategy.selector(o.path("spec").path("jobTemplate").path("spec").get("selector")))
                .build();
    }
}
