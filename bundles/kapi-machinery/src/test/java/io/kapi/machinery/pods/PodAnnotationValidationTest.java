package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodAnnotationValidationTest {
    @Test
    void deletionCostIsAPlainInt32() {
        assertTrue(PodAnnotationValidation.isDeletionCost("0"));
        assertTrue(PodAnnotationValidation.isDeletionCost("-2147483648"));
        assertFalse(PodAnnotationValidation.isDeletionCost("2147483648"));
        assertFalse(PodAnnotationValidation.isDeletionCost("007"));
        assertFalse(PodAnnotationValidation.isDeletionCost("+1"));
        assertFalse(PodAnnotationValidation.isDeletionCost(""));
    }

    @Test
    void mirrorPodsSeccompAndAppArmor() {
        JsonSpec spec = new JsonSpec("{'containers':[{'name':'app'}]}");
        assertEquals(List.of("a[kubernetes.io/config.mirror]: Invalid value: \"x\": must set spec.nodeName if mirror pod annotation is set",
                "a.seccomp.security.alpha.kubernetes.io/pod: Invalid value: \"../x\": must not contain '..'",
                "a[container.apparmor.security.beta.kubernetes.io/app]: Invalid value: \"strict\": invalid AppArmor profile name: \"strict\""),
                errors(c -> PodAnnotationValidation.annotations(json("{'kubernetes.io/config.mirror':'x',"
                        + "'seccomp.security.alpha.kubernetes.io/pod':'localhost/../x',"
                        + "'container.apparmor.security.beta.kubernetes.io/app':'strict'}"), spec.node(), "a", c)));
    }

    @Test
    void mirrorAndAppArmorAnnotationsStay() {
        assertEquals(List.of("a[kubernetes.io/config.mirror]: Forbidden: may not remove or update mirror pod annotation",
                "a[container.apparmor.security.beta.kubernetes.io/app]: Forbidden: may not add AppArmor annotations"),
                errors(c -> PodAnnotationValidation.updates(json("{'container.apparmor.security.beta.kubernetes.io/app':'runtime/default','x':'1'}"),
                        json("{'kubernetes.io/config.mirror':'n','x':'0'}"), json("{'nodeName':'n','containers':[{'name':'app'}]}"), "a", c)));
    }

    private record JsonSpec(String text) {
        com.fasterxml.jackson.databind.JsonNode node() {
            return json(text);
        }
    }
}
