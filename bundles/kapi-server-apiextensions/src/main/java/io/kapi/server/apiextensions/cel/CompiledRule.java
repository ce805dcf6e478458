package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelRuntime;

/**
 * One compiled {@code x-kubernetes-validations} rule (apiextensions' {@code CompilationResult}): its
 * programs, whether it uses {@code oldSelf}, kube's compilation error detail (null when it compiled)
 * and the {@code fieldPath} normalized to kube's field path form (null when none).
 */
record CompiledRule(JsonNode rule, CelRuntime.Program program, CelRuntime.Program messageProgram, boolean usesOldSelf,
        String error, String messageError, String normalizedFieldPath) {

    String text() {
        return rule.path("rule").asText("");
    }

    String message() {
        return rule.path("message").asText("");
    }

    String reason() {
        return rule.path("reason").isTextual() ? rule.get("reason").asText() : null;
    }

    boolean optionalOldSelf() {
        return rule.path("optionalOldSelf").asBoolean(false);
    }

    /** kube's {@code ruleErrorString}: the trimmed message, else the trimmed rule. */
    String errorString() {
        return !message().isEmpty() ? message().trim() : text().trim();
    }

    /** kube's {@code ruleMessageOrDefault}. */
    String messageOrDefault() {
        return message().isEmpty() ? "failed rule: " + errorString() : message().trim();
    }
}
