package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * apiextensions' {@code cel.Compile} over a whole CRD version schema: every schema node's
 * {@code x-kubernetes-validations} compiled with {@code self} (and {@code oldSelf}) typed from the
 * structural schema, kube's error details ({@code compilation failed: <CEL issues>},
 * {@code cel expression must evaluate to a bool}, {@code messageExpression compilation failed: ...},
 * {@code messageExpression must evaluate to a string}), and kube's static cost estimates of each rule and
 * messageExpression ({@link CostEstimator} over the schema's {@link SchemaSizes}). The result is keyed by
 * schema node identity.
 * Not thread-confined: compiled programs are immutable and thread-safe.
 */
final class RuleCompiler {
    private final SchemaTypes types;
    private final SchemaSizes sizes;
    private final Map<JsonNode, List<CompiledRule>> rules = new IdentityHashMap<>();

    private RuleCompiler(JsonNode root) {
        this.types = new SchemaTypes(root);
        this.sizes = new SchemaSizes(root);
    }

    /** Compiles every rule of {@code openAPIV3Schema}; nodes without rules have none in the map. */
    static Map<JsonNode, List<CompiledRule>> compile(JsonNode openAPIV3Schema) {
        RuleCompiler c = new RuleCompiler(openAPIV3Schema);
        c.walk(openAPIV3Schema);
        return c.rules;
    }

    private void walk(JsonNode s) {
        if (s == null || !s.isObject()) {
            return;
        }
        JsonNode xv = s.path("x-kubernetes-validations");
        if (xv.isArray() && !xv.isEmpty()) {
            CelEnvironment cel = null;
            CelEnvironment optionalCel = null;
            List<CompiledRule> out = new ArrayList<>();
            for (JsonNode rule : xv) {
                boolean optional = rule.path("optionalOldSelf").asBoolean(false);
                if (optional) {
                    optionalCel = optionalCel != null ? optionalCel : CelEnvironment.build(types, types.selfType(s), true);
                } else {
                    cel = cel != null ? cel : CelEnvironment.build(types, types.selfType(s), false);
                }
                out.add(compileRule(s, rule, optional ? optionalCel : cel, sizes));
            }
            rules.put(s, out);
        }
        for (Iterator<JsonNode> it = s.path("properties").elements(); it.hasNext(); ) {
            walk(it.next());
        }
        walk(s.get("items"));
        walk(s.get("additionalProperties"));
    }

    private static CompiledRule compileRule(JsonNode s, JsonNode rule, CelEnvironment env, SchemaSizes sizes) {
        String text = rule.path("rule").asText("");
        if (text.trim().isEmpty()) {
            return new CompiledRule(rule, null, null, false, null, null, null, 0, 0, 0);
        }
        CelValidationResult r = env.compile(text);
        if (r.hasError()) {
            return failed(rule, "compilation failed: " + r.getErrorString());
        }
        CelAbstractSyntaxTree ast;
        CelRuntime.Program program;
        try {
            ast = r.getAst();
            if (!SimpleType.BOOL.equals(ast.getResultType())) {
                return failed(rule, "cel expression must evaluate to a bool");
            }
            String regexError = RegexLiterals.findError(ast);
            if (regexError != null) {
                return failed(rule, "program instantiation failed: " + regexError);
            }
            program = env.cel().createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            return failed(rule, "program instantiation failed: " + e.getMessage());
        }
        long maxCost = CostEstimator.estimate(ast, sizes.at(s)).max();
        long messageMaxCost = 0;
        boolean usesOldSelf = ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals("oldSelf"));
        CelRuntime.Program message = null;
        String messageError = null;
        String messageExpression = rule.path("messageExpression").asText("");
        if (!messageExpression.isEmpty()) {
            CelValidationResult m = env.compile(messageExpression);
            if (m.hasError()) {
                messageError = "messageExpression compilation failed: " + m.getErrorString();
            } else {
                try {
                    if (!SimpleType.STRING.equals(m.getAst().getResultType())) {
                        messageError = "messageExpression must evaluate to a string";
                    } else {
                        message = env.cel().createProgram(m.getAst());
                        messageMaxCost = CostEstimator.estimate(m.getAst(), sizes.at(s)).max();
                    }
                } catch (CelValidationException | CelEvaluationException e) {
                    messageError = "messageExpression instantiation failed: " + e.getMessage();
                }
            }
        }
        String fieldPath = null;
        if (!rule.path("fieldPath").asText("").isEmpty()) {
            try {
                fieldPath = FieldPaths.validate(rule.get("fieldPath").asText(), s);
            } catch (IllegalArgumentException e) {
                fieldPath = null;
            }
        }
        return new CompiledRule(rule, program, message, usesOldSelf, null, messageError, fieldPath, maxCost,
                sizes.maxCardinality(s), messageMaxCost);
    }

    private static CompiledRule failed(JsonNode rule, String detail) {
        return new CompiledRule(rule, null, null, false, detail, null, null, 0, 0, 0);
    }
}
