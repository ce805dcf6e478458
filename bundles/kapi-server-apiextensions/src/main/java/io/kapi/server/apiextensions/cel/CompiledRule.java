package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelRuntime;

/**
 * One compiled {@code x-kubernetes-validations} rule (apiextensions' {@code CompilationResult}): its
 * programs, whether it uses {@code oldSelf}, kube's compilation error detail (null when it compiled),
 * the {@code fieldPath} normalized to kube's field path form (null when none), and kube's static cost
 * estimates ({@link CostEstimator}; unsigned, 0 when not compiled): the rule's and the messageExpression's
 * maximum cost and the rule's maximum cardinality ({@link SchemaSizes#maxCardinality}).
 */
record CompiledRule(JsonNode rule, CelRuntime.Program program, CelRuntime.Program messageProgram, boolean usesOldSelf,
        String error, String messageError, String normalizedFieldPath, long maxCost, long maxCardinality,
        long messageMaxCost) {

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
