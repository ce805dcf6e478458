package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceValidationTest {
    @Test
    void requestsStayWithinLimits() {
        assertEquals(List.of("r.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"),
                errors(c -> ResourceValidation.requirements(json("{'requests':{'cpu':'2'},'limits':{'cpu':'1'}}"), "r", c)));
        assertEquals(List.of("r.limits[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0"),
                errors(c -> ResourceValidation.requirements(json("{'limits':{'memory':'-1Gi'}}"), "r", c)));
    }

    @Test
    void extendedResourcesAreWholeAndNotOvercommitted() {
        assertEquals(List.of("r.requests: Invalid value: \"2\": must be equal to example.com/gpu limit of 1"),
                errors(c -> ResourceValidation.requirements(json("{'requests':{'example.com/gpu':'2'},'limits':{'example.com/gpu':'1'}}"), "r", c)));
        assertEquals(List.of("r.limits: Required value: Limit must be set for non overcommitable resources"),
                errors(c -> ResourceValidation.requirements(json("{'requests':{'example.com/gpu':'1'}}"), "r", c)));
        assertEquals(List.of("r.limits[example.com/gpu]: Invalid value: 1500m: must be an integer"),
                errors(c -> ResourceValidation.requirements(json("{'limits':{'example.com/gpu':'1500m'}}"), "r", c)));
        assertTrue(ResourceValidation.isExtended("example.com/gpu"));
        assertFalse(ResourceValidation.isExtended("kubernetes.io/gpu"));
        assertFalse(ResourceValidation.overcommitAllowed("hugepages-2Mi"));
    }

    @Test
    void hugePagesComeInPagesAndWithCpuOrMemory() {
        assertEquals(List.of("r: Forbidden: HugePages require cpu or memory"),
                errors(c -> ResourceValidation.requirements(json("{'requests':{'hugepages-2Mi':'4Mi'},'limits':{'hugepages-2Mi':'4Mi'}}"), "r", c)));
        assertEquals(List.of("r.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi"),
                errors(c -> ResourceValidation.requirements(json("{'limits':{'hugepages-2Mi':'3Mi','memory':'1Gi'}}"), "r", c)));
        assertEquals(List.of(), errors(c -> ResourceValidation.requirements(
                json("{'requests':{'hugepages-1Gi':'2Gi','cpu':'1'},'limits':{'hugepages-1Gi':'2Gi'}}"), "r", c)));
    }

    @Test
    void namesAreStandardOrQualified() {
        assertEquals(List.of("r.limits[disk]: Invalid value: \"disk\": must be a standard resource type or fully qualified",
                "r.limits[disk]: Invalid value: \"disk\": must be a standard resource for containers"),
                errors(c -> ResourceValidation.requirements(json("{'limits':{'disk':'1'}}"), "r", c)));
        assertEquals(List.of("o.limits[pods]: Invalid value: \"pods\": must be a standard resource for containers"),
                errors(c -> ResourceValidation.overhead(json("{'pods':'1'}"), "o", c)));
    }

    @Test
    void resizePolicies() {
        assertEquals(List.of("p[1]: Duplicate value: \"cpu\"",
                "p: Unsupported value: \"Later\": supported values: \"NotRequired\", \"RestartContainer\""),
                errors(c -> ResourceValidation.resizePolicy(json("[{'resourceName':'cpu','restartPolicy':'NotRequired'},"
                        + "{'resourceName':'cpu','restartPolicy':'Later'}]"), "p", "Always", c)));
        assertEquals(List.of("p: Invalid value: \"RestartContainer\": must be 'NotRequired' when `restartPolicy` is 'Never'"),
                errors(c -> ResourceValidation.resizePolicy(json("[{'resourceName':'memory','restartPolicy':'RestartContainer'}]"), "p", "Never", c)));
    }
}
