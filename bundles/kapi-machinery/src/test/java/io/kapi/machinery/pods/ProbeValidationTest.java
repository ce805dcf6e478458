package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeValidationTest {
    @Test
    void aLivenessProbeSucceedsOnceAndHasOneHandler() {
        assertEquals(List.of(), errors(c -> ProbeValidation.livenessOrStartup(json("{'grpc':{'port':9090},'successThreshold':1}"), 30, "p", c)));
        assertEquals(List.of("p.successThreshold: Invalid value: 3: must be 1"),
                errors(c -> ProbeValidation.livenessOrStartup(json("{'exec':{'command':['true']},'successThreshold':3}"), 30, "p", c)));
        assertEquals(List.of("p.tcpSocket: Forbidden: may not specify more than 1 handler type"),
                errors(c -> ProbeValidation.livenessOrStartup(json("{'exec':{'command':['true']},'tcpSocket':{'port':80},'successThreshold':1}"), 30, "p", c)));
        assertEquals(List.of("p: Required value: must specify a handler type", "p.successThreshold: Invalid value: 0: must be 1"),
                errors(c -> ProbeValidation.livenessOrStartup(json("{}"), 30, "p", c)));
    }

    @Test
    void aReadinessProbeHasNoGracePeriodOfItsOwn() {
        assertEquals(List.of("p.terminationGracePeriodSeconds: Invalid value: -1: must be greater than 0",
                "p.terminationGracePeriodSeconds: Invalid value: -1: must not be set for readinessProbes"),
                errors(c -> ProbeValidation.readiness(json("{'httpGet':{'path':'/','port':'http','scheme':'HTTP'},'terminationGracePeriodSeconds':-1}"), 30, "p", c)));
        assertEquals(List.of("p.periodSeconds: Invalid value: -1: must be greater than or equal to 0"),
                errors(c -> ProbeValidation.readiness(json("{'tcpSocket':{'port':80},'periodSeconds':-1}"), 30, "p", c)));
    }

    @Test
    void handlersAreCheckedOnTheirOwn() {
        assertEquals(List.of("h.httpGet.path: Required value", "h.httpGet.port: Invalid value: \"Web_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "h.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"",
                "h.httpGet.httpHeaders: Invalid value: \"X_Bad\": a valid HTTP header must consist of alphanumeric characters or '-' "
                        + "(e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"),
                errors(c -> ProbeValidation.handler(json("{'httpGet':{'port':'Web_Port','scheme':'FTP','httpHeaders':[{'name':'X_Bad','value':'v'}]}}"), 30, "h", c)));
        assertEquals(List.of("h.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
                errors(c -> ProbeValidation.handler(json("{'grpc':{'port':70000}}"), 30, "h", c)));
        assertEquals(List.of("h.sleep: Invalid value: 31: must be greater than 0 and less than terminationGracePeriodSeconds (30). "
                        + "Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."),
                errors(c -> ProbeValidation.handler(json("{'sleep':{'seconds':31}}"), 30, "h", c)));
        assertEquals(List.of(), errors(c -> ProbeValidation.lifecycle(json("{'preStop':{'sleep':{'seconds':5}}}"), 30, "l", c)));
    }
}
