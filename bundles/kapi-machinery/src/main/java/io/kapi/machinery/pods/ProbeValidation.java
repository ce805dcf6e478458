package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's validation of a container's probes and lifecycle hooks (pkg/apis/core/validation:
 * {@code validateProbe}, {@code validateLivenessProbe} and friends, {@code validateLifecycle},
 * {@code validateHandler}): exactly one handler (exec, httpGet, tcpSocket, grpc, sleep), non-negative
 * timings, a success threshold of 1 where only 1 makes sense (liveness and startup), no probe-level grace
 * period on a readiness probe. Field paths and messages are kube's.
 */
final class ProbeValidation {
    private static final List<String> HTTP_SCHEMES = List.of("HTTP", "HTTPS");
    /** kube's {@code IsHTTPHeaderName}. */
    private static final String HEADER_NAME_FMT = "[-A-Za-z0-9]+";
    private static final Pattern HEADER_NAME = Pattern.compile("^" + HEADER_NAME_FMT + "$");

    private ProbeValidation() {
    }

    /** A liveness or startup probe: a probe whose success threshold must be 1. */
    static void livenessOrStartup(JsonNode probe, long gracePeriod, String path, List<FieldCause> causes) {
        if (absent(probe)) {
            return;
        }
        probe(probe, gracePeriod, path, causes);
        long success = probe.path("successThreshold").asLong(0);
        if (success != 1) {
            causes.add(FieldCause.invalid(path + ".successThreshold", success, "must be 1"));
        }
    }

    /** A readiness probe: a probe without a probe-level {@code terminationGracePeriodSeconds}. */
    static void readiness(JsonNode probe, long gracePeriod, String path, List<FieldCause> causes) {
        if (absent(probe)) {
            return;
        }
        probe(probe, gracePeriod, path, causes);
        JsonNode grace = probe.get("terminationGracePeriodSeconds");
        if (grace != null && !grace.isNull()) {
            causes.add(FieldCause.invalid(path + ".terminationGracePeriodSeconds", grace.asLong(), "must not be set for readinessProbes"));
        }
    }

    private static void probe(JsonNode probe, long gracePeriod, String path, List<FieldCause> causes) {
        handler(probe, gracePeriod, path, causes);
        for (String f : new String[] {"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"}) {
            long v = probe.path(f).asLong(0);
            if (v < 0) {
                causes.add(FieldCause.invalid(path + "." + f, v, ObjectMetaValidation.IS_NEGATIVE));
            }
        }
        JsonNode grace = probe.get("terminationGracePeriodSeconds");
        if (grace != null && !grace.isNull() && grace.asLong() <= 0) {
            causes.add(FieldCause.invalid(path + ".terminationGracePeriodSeconds", grace.asLong(), "must be greater than 0"));
        }
    }

    /** A container's {@code lifecycle}: its postStart and preStop hooks, each one handler. */
    static void lifecycle(JsonNode lifecycle, long gracePeriod, String path, List<FieldCause> causes) {
        if (absent(lifecycle)) {
            return;
        }
        for (String hook : new String[] {"postStart", "preStop"}) {
            if (!absent(lifecycle.get(hook))) {
                handler(lifecycle.get(hook), gracePeriod, path + "." + hook, causes);
            }
        }
    }

    /** kube's {@code validateHandler}: one handler type, the first one found counts, each checked on its own. */
    static void handler(JsonNode h, long gracePeriod, String path, List<FieldCause> causes) {
        int handlers = 0;
        for (String type : new String[] {"exec", "httpGet", "tcpSocket", "grpc", "sleep"}) {
            JsonNode action = h.get(type);
            if (absent(action)) {
                continue;
            }
            String at = path + "." + type;
            if (handlers > 0) {
                causes.add(FieldCause.forbidden(at, "may not specify more than 1 handler type"));
                continue;
            }
            handlers++;
            switch (type) {
                case "exec" -> {
                    if (action.path("command").size() == 0) {
                        causes.add(FieldCause.required(at + ".command", ""));
                    }
                }
                case "httpGet" -> httpGet(action, at, causes);
                case "tcpSocket" -> portNumOrName(action.get("port"), at + ".port", causes);
                case "grpc" -> portNumOrName(action.get("port"), at + ".port", causes);
                default -> {
                    long seconds = action.path("seconds").asLong(0);
                    if (seconds <= 0 || seconds > gracePeriod) {
                        // kube 1.32 with PodLifecycleSleepActionAllowZero off, its default
                        causes.add(FieldCause.invalid(at, seconds, "must be greater than 0 and less than terminationGracePeriodSeconds ("
                                + gracePeriod + "). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."));
                    }
                }
            }
        }
        if (handlers == 0) {
            causes.add(FieldCause.required(path, "must specify a handler type"));
        }
    }

    private static void httpGet(JsonNode get, String path, List<FieldCause> causes) {
        if (get.path("path").asText("").isEmpty()) {
            causes.add(FieldCause.required(path + ".path", ""));
        }
        portNumOrName(get.get("port"), path + ".port", causes);
        String scheme = get.path("scheme").asText("");
        if (!HTTP_SCHEMES.contains(scheme)) {
            causes.add(FieldCause.notSupported(path + ".scheme", scheme, HTTP_SCHEMES));
        }
        for (JsonNode header : get.path("httpHeaders")) {
            String name = header.path("name").asText("");
            if (!HEADER_NAME.matcher(name).matches()) {
                causes.add(FieldCause.invalid(path + ".httpHeaders", name, NameValidation.regexError(
                        "a valid HTTP header must consist of alphanumeric characters or '-'", HEADER_NAME_FMT, "X-Header-Name")));
            }
        }
    }

    /** kube's {@code ValidatePortNumOrName}: an int-or-string port; a missing one is the int 0. */
    static void portNumOrName(JsonNode port, String path, List<FieldCause> causes) {
        if (port != null && port.isTextual()) {
            for (String msg : PodValidation.portNameErrors(port.asText())) {
                causes.add(FieldCause.invalid(path, port.asText(), msg));
            }
            return;
        }
        long n = port == null ? 0 : port.asLong(0);
        if (n < 1 || n > 65535) {
            causes.add(FieldCause.invalid(path, n, "must be between 1 and 65535, inclusive"));
        }
    }

    static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }
}
