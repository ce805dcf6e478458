package io.kapi.group.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** policy/v1 PodDisruptionBudgets on the group-author API alone. */
class PodDisruptionBudgetStrategyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void budgetsAreValidatedAndPrintedAsKubeDoes() throws Exception {
        PodDisruptionBudgetStrategy s = new PodDisruptionBudgetStrategy();
        ObjectNode ok = (ObjectNode) JSON.readTree("{\"spec\":{\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
        s.prepareForCreate(ok);
        assertEquals(List.of(), s.validate(ok));
        assertEquals(List.of("50%", "N/A", 0L), s.table().cells(ok).subList(1, 4));
        ObjectNode both = (ObjectNode) JSON.readTree("{\"spec\":{\"minAvailable\":\"150%\",\"maxUnavailable\":-1,"
                + "\"unhealthyPodEvictionPolicy\":\"Never\"}}");
        List<String> messages = new ArrayList<>();
        for (FieldCause c : s.validate(both)) {
            messages.add(c.field() + ": " + c.message());
        }
        assertTrue(messages.get(0).startsWith("spec: Invalid value: policy.PodDisruptionBudgetSpec{")
                && messages.get(0).endsWith("}: minAvailable and maxUnavailable cannot be both set"), messages.get(0));
        assertEquals(List.of(
                "spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
                "spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
                "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""),
                messages.subList(1, 4));
        assertEquals(List.of(), s.validateName("My_PDB", false), "kube checks a PDB's name as a path segment only");
    }
}
