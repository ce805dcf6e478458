package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerValidationTest {
    private static final String C = "'image':'i','imagePullPolicy':'Always','terminationMessagePolicy':'File'";

    @Test
    void initContainersMeetRegularNamesAndMayBeSidecars() {
        assertEquals(List.of("s.initContainers[0].name: Duplicate value: \"app\"",
                "s.initContainers[1].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
                "s.initContainers[1].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"),
                errors(c -> ContainerValidation.all(json("{'containers':[{'name':'app'," + C + "}],'initContainers':["
                        + "{'name':'app'," + C + "},"
                        + "{'name':'init','restartPolicy':'Never','livenessProbe':{'exec':{'command':['true']},'successThreshold':1}," + C + "},"
                        + "{'name':'sidecar','restartPolicy':'Always','livenessProbe':{'exec':{'command':['true']},'successThreshold':1}," + C + "}]}"),
                        "s", Set.of(), c)));
    }

    @Test
    void initContainersDoNotResize() {
        assertEquals(List.of("s.initContainers[0].resizePolicy: Invalid value: []core.ContainerResizePolicy{core.ContainerResizePolicy{"
                        + "ResourceName:\"cpu\", RestartPolicy:\"NotRequired\"}}: must not be set for init containers"),
                errors(c -> ContainerValidation.all(json("{'containers':[{'name':'app'," + C + "}],'initContainers':[{'name':'init',"
                        + "'resizePolicy':[{'resourceName':'cpu','restartPolicy':'NotRequired'}]," + C + "}]}"), "s", Set.of(), c)));
    }

    @Test
    void regularContainersHaveNoRestartPolicyAndUniqueHostPorts() {
        assertEquals(List.of("s.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
                "s.containers[1].ports[0].hostPort: Duplicate value: \"TCP//80\""),
                errors(c -> ContainerValidation.all(json("{'containers':[{'name':'a','restartPolicy':'Always','ports':[{'containerPort':80,'hostPort':80,'protocol':'TCP'}]," + C + "},"
                        + "{'name':'b','ports':[{'containerPort':81,'hostPort':80,'protocol':'TCP'}]," + C + "}]}"), "s", Set.of(), c)));
    }

    @Test
    void ephemeralContainersLeaveThePodAlone() {
        assertEquals(List.of("s.ephemeralContainers[0].name: Duplicate value: \"app\"",
                "s.ephemeralContainers[0].targetContainerName: Not found: \"nope\"",
                "s.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
                "s.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container"),
                errors(c -> ContainerValidation.all(json("{'containers':[{'name':'app'," + C + "}],'volumes':[{'name':'v'}],'ephemeralContainers':"
                        + "[{'name':'app','targetContainerName':'nope','ports':[{'containerPort':80,'protocol':'TCP'}],"
                        + "'volumeMounts':[{'name':'v','mountPath':'/v','subPath':'x'}]," + C + "}]}"), "s", Set.of("v"), c)));
    }

    @Test
    void envFromNamesOneSource() {
        assertEquals(List.of("s.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`",
                "s.containers[0].envFrom: Forbidden: may not have more than one field specified at a time"),
                errors(c -> ContainerValidation.all(json("{'containers':[{'name':'app','envFrom':[{'prefix':'P_'},"
                        + "{'configMapRef':{'name':'a'},'secretRef':{'name':'b'}}]," + C + "}]}"), "s", Set.of(), c)));
    }
}
