package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulingValidationTest {
    @Test
    void tolerations() {
        assertEquals(List.of("t[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
                "t[1].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\"",
                "t[1].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""),
                errors(c -> SchedulingValidation.tolerations(json("[{'key':'k','operator':'Exists','effect':'NoSchedule','tolerationSeconds':5},"
                        + "{'key':'k','operator':'In','effect':'Sometimes'}]"), "t", c)));
    }

    @Test
    void topologySpreadConstraints() {
        assertEquals(List.of("c[0].maxSkew: Invalid value: 0: must be greater than zero",
                "c[0].{topologyKey, whenUnsatisfiable}: Duplicate value: \"{zone, DoNotSchedule}\"",
                "c[1].minDomains: Invalid value: 0: must be greater than zero",
                "c[1].nodeTaintsPolicy: Unsupported value: \"Maybe\": supported values: \"Honor\", \"Ignore\"",
                "c[1].matchLabelKeys[0]: Invalid value: \"app\": exists in both matchLabelKeys and labelSelector",
                "c[2].topologyKey: Required value: can not be empty",
                "c[2].whenUnsatisfiable: Unsupported value: \"Never\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
                "c[2].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Never"),
                errors(c -> SchedulingValidation.topologySpreadConstraints(json("["
                        + "{'maxSkew':0,'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule'},"
                        + "{'maxSkew':1,'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule','minDomains':0,'nodeTaintsPolicy':'Maybe',"
                        + "'matchLabelKeys':['app'],'labelSelector':{'matchLabels':{'app':'web'}}},"
                        + "{'maxSkew':1,'whenUnsatisfiable':'Never','minDomains':2}]"), "c", c)));
    }

    @Test
    void gates() {
        assertEquals(List.of("g[1]: Duplicate value: \"example.com/wait\"", "r[0].conditionType: Invalid value: \"a/b/c\": "
                        + "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                        + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
                        + "[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                errors(c -> {
                    SchedulingValidation.schedulingGates(json("[{'name':'example.com/wait'},{'name':'example.com/wait'}]"), "g", c);
                    SchedulingValidation.readinessGates(json("[{'conditionType':'a/b/c'}]"), "r", c);
                }));
    }
}
