package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} part of apiextensions' {@code ValidateCustomResourceDefinition}
 * (v0.32.0): per rule the static checks of {@code rule}, {@code message}, {@code messageExpression},
 * {@code reason} and {@code fieldPath}, then (when a node and its subtree have no such errors) the
 * compilation errors, the uncorrelatable use of {@code oldSelf} and a needless {@code optionalOldSelf}.
 * Paths are kube's: {@code spec.validation.openAPIV3Schema} when every version has the same schema
 * (kube's v1 to internal conversion moves it there), else {@code spec.versions[i].schema.openAPIV3Schema}.
 * With the rules compiled, kube's static cost limits too: each rule's estimated cost ({@link CostEstimator}, cel-go's
 * estimator with kube's library costs) times the number of times its schema node can occur (from maxItems and
 * maxProperties above it, else from the request size limit; {@link SchemaSizes}) must not exceed
 * {@code StaticEstimatedCostLimit}, nor a messageExpression's estimated cost; the total over a schema must not exceed
 * {@code StaticEstimatedCRDCostLimit}, reported at the schema and at its largest contributors ({@link RuleCosts}).
 * On update the per-expression limits are waived for versions whose schema is unchanged, as kube does.
 */
public final class CrdRules {
    private static final List<String> REASONS = List.of("FieldValueDuplicate", "FieldValueForbidden",
            "FieldValueInvalid", "FieldValueRequired");
    private static final Pattern NEWLINES = Pattern.compile("[\n\r]+");

    private CrdRules() {
    }

    /** The rule errors of a CRD's spec, its rules compiled. */
    public static List<FieldCause> validate(JsonNode spec) {
        return validate(spec, true);
    }

    /**
     * The rule errors of a CRD's spec; with {@code compile} false only the static checks (kube compiles
     * the rules of a schema only when it is structural and otherwise valid).
     */
    public static List<FieldCause> validate(JsonNode spec, boolean compile) {
        return validate(spec, compile, null);
    }

    /**
     * The rule errors of an updated CRD's spec: as {@link #validate(JsonNode, boolean)}, but without the
     * per-expression cost limits for versions whose schema {@code oldSpec} has unchanged (kube's
     * {@code suppressPerExpressionCost}); their costs still count towards the schema's total.
     */
    public static List<FieldCause> validate(JsonNode spec, boolean compile, JsonNode oldSpec) {
        List<FieldCause> out = new ArrayList<>();
        JsonNode versions = spec.path("versions");
        boolean same = versions.size() > 0;
        for (JsonNode v : versions) {
            same &= v.path("schema").path("openAPIV3Schema").equals(versions.get(0).path("schema").path("openAPIV3Schema"));
        }
        for (int i = 0; i < versions.size(); i++) {
            JsonNode schema = versions.get(i).path("schema").path("openAPIV3Schema");
            if (!schema.isObject()) {
                continue;
            }
            String base = same ? "spec.validation.openAPIV3Schema" : "spec.versions[" + i + "].schema.openAPIV3Schema";
            Map<JsonNode, List<CompiledRule>> compiled = compile && hasRules(schema) ? RuleCompiler.compile(schema) : Map.of();
            RuleCosts.Total total = new RuleCosts.Total(unchangedSchema(versions.get(i), oldSpec));
            walk(schema, base, null, compiled, out, 1L, total);
            total.report(base, out);
            if (same) {
                break;
            }
        }
        return out;
    }

    /** Whether the old spec has a version of the same name with an equal schema. */
    private static boolean unchangedSchema(JsonNode version, JsonNode oldSpec) {
        if (oldSpec == null) {
            return false;
        }
        String name = version.path("name").asText("");
        for (JsonNode old : oldSpec.path("versions")) {
            if (old.path("name").asText("").equals(name)) {
                return old.path("schema").path("openAPIV3Schema").equals(version.path("schema").path("openAPIV3Schema"));
            }
        }
        return false;
    }

    static boolean hasRules(JsonNode s) {
        if (s == null || !s.isObject()) {
            return false;
        }
        if (s.path("x-kubernetes-validations").size() > 0) {
            return true;
        }
        for (Iterator<JsonNode> it = s.path("properties").elements(); it.hasNext(); ) {
            if (hasRules(it.next())) {
                return true;
            }
        }
        return hasRules(s.get("items")) || hasRules(s.get("additionalProperties"));
    }

    /**
     * Returns the number of schema (non-CEL) errors found at and below {@code s}; {@code cardinality} is
     * how many times {@code s} can occur (null: unbounded), {@code total} sums the rule costs.
     */
    private static int walk(JsonNode s, String path, String uncorrelatable, Map<JsonNode, List<CompiledRule>> compiled,
            List<FieldCause> out, Long cardinality, RuleCosts.Total total) {
        if (s == null || !s.isObject()) {
            return 0;
        }
        int schemaErrors = 0;
        Long childCardinality = RuleCosts.childCardinality(cardinality, s);
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            schemaErrors += walk(e.getValue(), path + ".properties[" + e.getKey() + "]", uncorrelatable, compiled, out,
                    childCardinality, total);
        }
        if (s.path("items").isObject()) {
            String u = uncorrelatable;
            if (u == null && !"map".equals(s.path("x-kubernetes-list-type").asText(null))) {
                u = path;
            }
            schemaErrors += walk(s.get("items"), path + ".items", u, compiled, out, childCardinality, total);
        }
        schemaErrors += walk(s.get("additionalProperties"), path + ".additionalProperties", uncorrelatable, compiled, out,
                childCardinality, total);
        JsonNode xv = s.path("x-kubernetes-validations");
        if (!xv.isArray() || xv.isEmpty()) {
            return schemaErrors;
        }
        for (int i = 0; i < xv.size(); i++) {
            schemaErrors += staticChecks(xv.get(i), s, path + ".x-kubernetes-validations[" + i + "]", out);
        }
        List<CompiledRule> rules = compiled.get(s);
        if (schemaErrors > 0 || rules == null) {
            return schemaErrors;
        }
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule cr = rules.get(i);
            String at = path + ".x-kubernetes-validations[" + i + "]";
            long cost = RuleCosts.expressionCost(cr, cardinality);
            if (!total.suppressPerExpression() && RuleCosts.exceeds(cost, RuleCosts.STATIC_ESTIMATED_COST_LIMIT)) {
                out.add(FieldCause.forbidden(at + ".rule",
                        RuleCosts.errorMessage("estimated rule cost", cost, RuleCosts.STATIC_ESTIMATED_COST_LIMIT)));
            }
            total.observe(at + ".rule", cost);
            if (cr.error() != null) {
                out.add(FieldCause.invalidRendered(at + ".rule", goRule(cr.rule()), cr.error()));
            }
            if (cr.messageError() != null) {
                out.add(FieldCause.invalidRendered(at + ".messageExpression", goRule(cr.rule()), cr.messageError()));
            } else if (cr.messageProgram() != null) {
                if (!total.suppressPerExpression()
                        && RuleCosts.exceeds(cr.messageMaxCost(), RuleCosts.STATIC_ESTIMATED_COST_LIMIT)) {
                    out.add(FieldCause.forbidden(at + ".messageExpression", RuleCosts.errorMessage(
                            "estimated messageExpression cost", cr.messageMaxCost(), RuleCosts.STATIC_ESTIMATED_COST_LIMIT)));
                }
                total.observe(at + ".messageExpression", cr.messageMaxCost());
            }
            if (cr.usesOldSelf()) {
                if (uncorrelatable != null) {
                    out.add(FieldCause.invalid(at + ".rule", cr.text(),
                            "oldSelf cannot be used on the uncorrelatable portion of the schema within " + uncorrelatable));
                }
            } else if (cr.rule().has("optionalOldSelf") && !cr.rule().get("optionalOldSelf").isNull()) {
                out.add(FieldCause.invalid(at + ".optionalOldSelf", cr.rule().get("optionalOldSelf").asBoolean(),
                        "may not be set if oldSelf is not used in rule"));
            }
        }
        return schemaErrors;
    }

    private static int staticChecks(JsonNode rule, JsonNode schema, String at, List<FieldCause> out) {
        int before = out.size();
        String text = rule.path("rule").asText("");
        String msg = rule.path("message").asText("");
        String msgExpr = rule.path("messageExpression").asText("");
        if (text.trim().isEmpty()) {
            out.add(FieldCause.required(at + ".rule", "rule is not specified"));
        } else if (!msg.isEmpty() && msg.trim().isEmpty()) {
            out.add(FieldCause.invalid(at + ".message", msg, "message must be non-empty if specified"));
        } else if (NEWLINES.matcher(msg.trim()).find()) {
            out.add(FieldCause.invalid(at + ".message", msg, "message must not contain line breaks"));
        } else if (NEWLINES.matcher(text.trim()).find() && msg.trim().isEmpty()) {
            out.add(FieldCause.required(at + ".message", "message must be specified if rule contains line breaks"));
        }
        if (!msgExpr.isEmpty() && msgExpr.trim().isEmpty()) {
            out.add(FieldCause.required(at + ".messageExpression", "messageExpression must be non-empty if specified"));
        }
        if (rule.path("reason").isTextual() && !REASONS.contains(rule.get("reason").asText())) {
            out.add(FieldCause.notSupported(at + ".reason", rule.get("reason").asText(), REASONS));
        }
        String fieldPath = rule.path("fieldPath").asText("");
        if (!fieldPath.isEmpty() && fieldPath.trim().isEmpty()) {
            out.add(FieldCause.invalid(at + ".fieldPath", fieldPath, "fieldPath must be non-empty if specified"));
        }
        if (NEWLINES.matcher(fieldPath).find()) {
            out.add(FieldCause.invalid(at + ".fieldPath", fieldPath, "fieldPath must not contain line breaks"));
        }
        if (!fieldPath.isEmpty()) {
            try {
                FieldPaths.validate(fieldPath, schema);
            } catch (IllegalArgumentException e) {
                out.add(FieldCause.invalid(at + ".fieldPath", fieldPath, "fieldPath must be a valid path"));
            }
        }
        return out.size() - before;
    }

    /**
     * The rule as kube prints it in a field error (Go's {@code %#v} of the internal
     * {@code apiextensions.ValidationRule}). Go prints a set pointer field as its address, which is
     * not reproducible; Kapi prints {@code 0xc000000000} there.
     */
    static String goRule(JsonNode r) {
        return "apiextensions.ValidationRule{Rule:" + FieldCause.goQuote(r.path("rule").asText(""))
                + ", Message:" + FieldCause.goQuote(r.path("message").asText(""))
                + ", MessageExpression:" + FieldCause.goQuote(r.path("messageExpression").asText(""))
                + ", Reason:(*apiextensions.FieldValueErrorReason)(" + (r.path("reason").isTextual() ? "0xc000000000" : "nil") + ")"
                + ", FieldPath:" + FieldCause.goQuote(r.path("fieldPath").asText(""))
                + ", OptionalOldSelf:(*bool)(" + (r.path("optionalOldSelf").isBoolean() ? "0xc000000000" : "nil") + ")}";
    }

    /** The reasons kube accepts, for tests. */
    static Set<String> reasons() {
        return Set.copyOf(REASONS);
    }
}
