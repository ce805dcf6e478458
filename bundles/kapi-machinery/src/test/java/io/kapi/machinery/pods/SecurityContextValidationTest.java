package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityContextValidationTest {
    @Test
    void idsAreInRangeAndHostPidExcludesSharing() {
        assertEquals(List.of("sc.runAsGroup: Invalid value: -1: must be between 0 and 2147483647, inclusive",
                "sc.supplementalGroups[1]: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive",
                "sc.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled"),
                errors(c -> SecurityContextValidation.pod(json("{'hostPID':true,'shareProcessNamespace':true,"
                        + "'securityContext':{'runAsGroup':-1,'supplementalGroups':[1,2147483648]}}"), "sc", c)));
    }

    @Test
    void sysctlsHaveNamesOnce() {
        assertEquals(List.of("sc.sysctls[0].name: Required value",
                "sc.sysctls[1].name: Invalid value: \"Kernel.X\": must have at most 253 characters and match regex "
                        + "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
                "sc.sysctls[3].name: Duplicate value: \"net.core.somaxconn\""),
                errors(c -> SecurityContextValidation.pod(json("{'securityContext':{'sysctls':[{'name':''},{'name':'Kernel.X'},"
                        + "{'name':'net.core.somaxconn'},{'name':'net.core.somaxconn'}]}}"), "sc", c)));
    }

    @Test
    void seccompAndAppArmorProfiles() {
        assertEquals(List.of("s.type: Required value: type is required when seccompProfile is set"),
                errors(c -> SecurityContextValidation.seccomp(json("{}"), "s", c)));
        assertEquals(List.of("s.localhostProfile: Invalid value: \"/abs\": must be a relative path"),
                errors(c -> SecurityContextValidation.seccomp(json("{'type':'Localhost','localhostProfile':'/abs'}"), "s", c)));
        assertEquals(List.of("s.localhostProfile: Required value: must be set when seccomp type is Localhost"),
                errors(c -> SecurityContextValidation.seccomp(json("{'type':'Localhost'}"), "s", c)));
        assertEquals(List.of("a.type: Unsupported value: \"Strict\": supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\""),
                errors(c -> SecurityContextValidation.appArmor(json("{'type':'Strict'}"), "a", c)));
        assertEquals(List.of("a.localhostProfile: Invalid value: \" p\": must not be padded with whitespace"),
                errors(c -> SecurityContextValidation.appArmor(json("{'type':'Localhost','localhostProfile':' p'}"), "a", c)));
    }

    @Test
    void containerContexts() {
        assertEquals(List.of("c.procMount: Unsupported value: \"Masked\": supported values: \"Default\", \"Unmasked\""),
                errors(c -> SecurityContextValidation.container(json("{'procMount':'Masked'}"), "c", false, c)));
        assertEquals(List.of("c.procMount: Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"),
                errors(c -> SecurityContextValidation.container(json("{'procMount':'Unmasked'}"), "c", true, c)));
        assertEquals(List.of(), errors(c -> SecurityContextValidation.container(json("{'privileged':true,'runAsUser':0}"), "c", true, c)));
    }

    @Test
    void ownUserNamespaceSharesNoOtherHostNamespace() {
        assertEquals(List.of("spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false",
                "spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false", "spec.HostIPC: Forbidden: when `pod.Spec.HostUsers` is false"),
                errors(c -> SecurityContextValidation.hostUsers(json("{'hostUsers':false,'hostNetwork':true,'hostPID':true,'hostIPC':true}"), "spec", c)));
        assertEquals(List.of(), errors(c -> SecurityContextValidation.hostUsers(json("{'hostUsers':true,'hostNetwork':true}"), "spec", c)));
    }

    @Test
    void operatingSystems() {
        assertEquals(List.of("spec.securityContext.seLinuxOptions: Forbidden: cannot be set for a windows pod",
                "spec.securityContext.shareProcessNamespace: Forbidden: cannot be set for a windows pod",
                "spec.containers[0].securityContext.privileged: Forbidden: cannot be set for a windows pod"),
                errors(c -> SecurityContextValidation.windows(json("{'shareProcessNamespace':false,'securityContext':{'seLinuxOptions':{'role':'r'},"
                        + "'supplementalGroups':[]},'containers':[{'securityContext':{'privileged':false}}]}"), "spec", c)));
        assertEquals(List.of("spec.initContainers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod"),
                errors(c -> SecurityContextValidation.linux(json("{'initContainers':[{'securityContext':{'windowsOptions':{'runAsUserName':'u'}}}]}"), "spec", c)));
    }
}
