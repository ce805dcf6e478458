package io.kapi.group.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** batch/v1's strategies on the group-author API alone: kube's defaults, generated selectors, messages, schedules. */
class BatchStrategiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    /** A Job as the store hands it to the strategy: named, with a uid, defaulted and prepared. */
    private static ObjectNode job(String template) throws Exception {
        ObjectNode j = obj("{\"metadata\":{\"name\":\"pi\",\"uid\":\"u-1\"},\"spec\":{\"template\":" + template + "}}");
        JobStrategy s = new JobStrategy();
        s.applyDefaults(j);
        s.prepareForCreate(j);
        return j;
    }

    @Test
    void aJobGetsKubesDefaultsAndItsGeneratedSelector() throws Exception {
        ObjectNode j = job("{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"pi\",\"image\":\"perl\"}]}}");
        assertEquals(obj("{\"parallelism\":1,\"completions\":1,\"backoffLimit\":6,\"completionMode\":\"NonIndexed\",\"suspend\":false,"
                + "\"podReplacementPolicy\":\"TerminatingOrFailed\",\"manualSelector\":false}"), withoutTemplateAndSelector(j));
        assertEquals("{\"batch.kubernetes.io/controller-uid\":\"u-1\"}", j.at("/spec/selector/matchLabels").toString());
        assertEquals("{\"job-name\":\"pi\",\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":\"u-1\","
                + "\"batch.kubernetes.io/controller-uid\":\"u-1\"}", j.at("/spec/template/metadata/labels").toString());
        assertEquals(j.at("/spec/template/metadata/labels"), j.at("/metadata/labels"), "an unlabeled Job carries its template's labels");
        assertEquals(List.of(), new JobStrategy().validate(j));
    }

    private static ObjectNode withoutTemplateAndSelector(ObjectNode j) {
        ObjectNode spec = j.get("spec").deepCopy();
        spec.remove("template");
        spec.remove("selector");
        return spec;
    }

    @Test
    void jobsRefuseWhatKubeRefuses() throws Exception {
        JobStrategy s = new JobStrategy();
        ObjectNode always = job("{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\"}]}}");
        assertEquals(List.of("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
                messages(s.validate(always)));
        ObjectNode handPicked = obj("{\"metadata\":{\"name\":\"pi\",\"uid\":\"u-1\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}");
        s.applyDefaults(handPicked);
        s.prepareForCreate(handPicked);
        assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\", "
                + "\"batch.kubernetes.io/controller-uid\":\"u-1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated"),
                messages(s.validate(handPicked)));

        ObjectNode old = job("{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"pi\",\"image\":\"perl\"}]}}");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.at("/spec/template/spec/containers/0")).put("image", "perl:2");
        assertEquals(List.of("spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"),
                messages(s.validateUpdate(changed, old)));
        ObjectNode suspended = old.deepCopy();
        suspended.with("spec").put("suspend", true);
        ObjectNode placed = suspended.deepCopy();
        ((ObjectNode) placed.at("/spec/template/spec")).putObject("nodeSelector").put("zone", "a");
        assertEquals(List.of(), s.validateUpdate(placed, suspended), "a suspended Job that never started may be placed elsewhere");
    }

    @Test
    void cronJobsAreDefaultedAndTheirSchedulesParsedAsKubeParsesThem() throws Exception {
        CronJobStrategy s = new CronJobStrategy();
        ObjectNode cj = obj("{\"metadata\":{\"name\":\"hello\"},\"spec\":{\"schedule\":\"*/1 * * * *\",\"jobTemplate\":{\"spec\":"
                + "{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.28\"}]}}}}}}");
        s.applyDefaults(cj);
        assertEquals("Allow", cj.at("/spec/concurrencyPolicy").asText());
        assertEquals(3, cj.at("/spec/successfulJobsHistoryLimit").asInt());
        assertEquals(1, cj.at("/spec/failedJobsHistoryLimit").asInt());
        assertTrue(cj.at("/spec/jobTemplate/spec/backoffLimit").isMissingNode(), "a job template is not Job-defaulted");
        assertEquals(List.of(), s.validate(cj));
        for (String[] c : new String[][] {
                {"bad", "expected exactly 5 fields, found 1: [bad]"},
                {"* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"},
                {"60 * * * *", "end of range (60) above maximum (59): 60"},
                {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
                {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
                {"x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"},
                {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
                {"*/0 * * * *", "step of range should be a positive number: */0"},
                {"*/1/2 * * * *", "too many slashes: */1/2"},
                {"@foo", "unrecognized descriptor: @foo"}}) {
            assertEquals(c[1], CronSchedule.error(c[0]), c[0]);
        }
        for (String ok : new String[] {"@hourly", "@every 1h30m", "0 0 * JAN-MAR MON-FRI", "*/5 ? * * *", "0,30 9-17 * * 1-5"}) {
            assertNull(CronSchedule.error(ok), ok);
        }
        cj.with("spec").put("schedule", "61 * * * *").put("timeZone", "Mars/Olympus");
        cj.with("metadata").put("name", "a-name-that-is-longer-than-fifty-two-characters-in-all");
        assertEquals(List.of(
                "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61",
                "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
                "metadata.name: Invalid value: \"a-name-that-is-longer-than-fifty-two-characters-in-all\": must be no more than 52 characters"),
                messages(s.validate(cj)));
    }

    @Test
    void aJobDeletedThroughBatchV1WithoutAPolicyOrphansItsPods() {
        assertEquals(io.kapi.api.rest.GarbageCollectionPolicy.Policy.ORPHAN_DEPENDENTS,
                new JobStrategy().defaultGarbageCollectionPolicy("v1"));
    }
}
