package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube's cost limits on a CRD's rules, through {@link CrdRules#validate}: the cases of apiextensions'
 * {@code TestValidateCustomResourceDefinitionValidation} (pkg/apis/apiextensions/validation/validation_test.go,
 * v0.32.0) about estimated costs, with kube's paths and error types, and the full messages where worked out.
 */
class CrdRulesCostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String S = "spec.validation.openAPIV3Schema";
    private static final String HINT = " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where "
            + "arrays, maps, and strings are declared)";
    private static final String CONTRIBUTED = "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema";

    /** The errors of a CRD whose one version has {@code schema}: type and path, or type, path and message. */
    private static List<String> errors(String schema, boolean withMessages) throws Exception {
        JsonNode spec = JSON.readTree("{\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,"
                + "\"schema\":{\"openAPIV3Schema\":" + schema + "}}]}");
        List<String> out = new ArrayList<>();
        for (FieldCause c : CrdRules.validate(spec)) {
            out.add(c.type() + " " + (withMessages ? c.describe() : c.field()));
        }
        return out;
    }

    private static String doubleNested(String valueLimits, String itemLimits, String key) {
        return "{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"array\"" + valueLimits + ",\"items\":{\"type\":\"object\""
                + itemLimits + ",\"additionalProperties\":{\"type\":\"object\",\"required\":[\"key\"],\"properties\":{\"key\":" + key
                + "}}},\"x-kubernetes-validations\":[{\"rule\":\"self.all(x, x.all(y, x[y].key == x[y].key))\"}]}}}";
    }

    @Test
    void forbidDoubleNestedRuleWithNoLimitSet() throws Exception {
        String rule = "FieldValueForbidden " + S + ".properties[value].x-kubernetes-validations[0].rule";
        assertEquals(List.of(rule, rule, "FieldValueForbidden " + S),
                errors(doubleNested("", "", "{\"type\":\"string\"}"), false));
    }

    @Test
    void forbidDoubleNestedRuleWithOneLimitSet() throws Exception {
        String rule = "FieldValueForbidden " + S + ".properties[value].x-kubernetes-validations[0].rule";
        assertEquals(List.of(rule, rule, "FieldValueForbidden " + S),
                errors(doubleNested("", "", "{\"type\":\"string\",\"maxLength\":10}"), false));
    }

    @Test
    void allowDoubleNestedRuleWithThreeLimitsSet() throws Exception {
        assertEquals(List.of(), errors(doubleNested(",\"maxItems\":10", ",\"maxProperties\":10",
                "{\"type\":\"string\",\"maxLength\":10}"), false));
    }

    @Test
    void allowDoubleNestedRuleWithOneLimitSetOnOutermostArray() throws Exception {
        assertEquals(List.of(), errors(doubleNested(",\"maxItems\":4", "", "{\"type\":\"number\"}"), false));
    }

    @Test
    void checkForCardinalityOfOneUnderRootObject() throws Exception {
        assertEquals(List.of(), errors("{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"integer\","
                + "\"x-kubernetes-validations\":[{\"rule\":\"self < 1024\"}]}}}", false));
    }

    /** kube's case, with the messages: list 100000 x 2001, map 1000 x 2001, field 4: 202101004 in total. */
    @Test
    void forbidValidationRulesWhereCostTotalExceedsTotalLimit() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{"
                + "\"list\":{\"type\":\"array\",\"maxItems\":100000,\"items\":{\"type\":\"string\",\"maxLength\":5000,"
                + "\"x-kubernetes-validations\":[{\"rule\":\"self.contains('keyword')\"}]}},"
                + "\"map\":{\"type\":\"object\",\"maxProperties\":1000,\"additionalProperties\":{\"type\":\"string\",\"maxLength\":5000,"
                + "\"x-kubernetes-validations\":[{\"rule\":\"self.contains('keyword')\"}]}},"
                + "\"field\":{\"type\":\"integer\",\"x-kubernetes-validations\":[{\"rule\":\"self > 50 && self < 100\"}]}}}";
        String list = S + ".properties[list].items.x-kubernetes-validations[0].rule";
        String map = S + ".properties[map].additionalProperties.x-kubernetes-validations[0].rule";
        assertEquals(List.of(
                "FieldValueForbidden " + list + ": Forbidden: estimated rule cost exceeds budget by factor of 20.0x" + HINT,
                "FieldValueForbidden " + list + ": Forbidden: " + CONTRIBUTED,
                "FieldValueForbidden " + map + ": Forbidden: " + CONTRIBUTED,
                "FieldValueForbidden " + S + ": Forbidden: x-kubernetes-validations estimated rule cost total for entire "
                        + "OpenAPIv3 schema exceeds budget by factor of 2.0x" + HINT), errors(schema, true));
    }

    private static String messageExpressionCase(String arrayLimits, String itemLimits, String rule, String messageExpression) {
        return "{\"type\":\"object\",\"properties\":{\"f\":{\"type\":\"array\"" + arrayLimits + ",\"items\":{\"type\":\"string\""
                + itemLimits + "},\"x-kubernetes-validations\":[{\"rule\":\"" + rule + "\""
                + (messageExpression == null ? "" : ",\"messageExpression\":\"" + messageExpression + "\"") + "}]}}}";
    }

    @Test
    void messageExpressionExceedingPerExpressionEstimatedCostLimit() throws Exception {
        assertEquals(List.of("FieldValueForbidden " + S + ".properties[f].x-kubernetes-validations[0].messageExpression"),
                errors(messageExpressionCase("", "", "true",
                        "self[0] + self[1] + self[2] + self[3] + self[4] + self[5] + self[6] + self[7]"), false));
    }

    @Test
    void lowerAsciiCheckWithinEstimatedCostLimit() throws Exception {
        assertEquals(List.of(), errors(messageExpressionCase(",\"maxItems\":5", ",\"maxLength\":5",
                "self.all(x, self.exists_one(y, x.lowerAscii() == y.lowerAscii()))", null), false));
    }

    @Test
    void messageExpressionExceedingPerCrdEstimatedCostLimit() throws Exception {
        String at = "FieldValueForbidden " + S + ".properties[f].x-kubernetes-validations[0].messageExpression";
        assertEquals(List.of(at, at, "FieldValueForbidden " + S),
                errors(messageExpressionCase("", "", "true", "string(self[0]) + string(self[1]) + string(self[2])"), false));
    }

    /**
     * kube's update of a version whose schema is unchanged: no per-expression limit, the schema's total still
     * enforced (validation_test.go's unchanged-schema ratcheting of rule costs).
     */
    @Test
    void unchangedSchemaOnUpdateHasNoPerExpressionLimit() throws Exception {
        String schema = doubleNested("", "", "{\"type\":\"string\"}");
        JsonNode spec = JSON.readTree("{\"versions\":[{\"name\":\"v1\",\"schema\":{\"openAPIV3Schema\":" + schema + "}}]}");
        JsonNode changed = JSON.readTree("{\"versions\":[{\"name\":\"v1\",\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}]}");
        String rule = "FieldValueForbidden " + S + ".properties[value].x-kubernetes-validations[0].rule";
        List<String> got = new ArrayList<>();
        CrdRules.validate(spec, true, spec).forEach(c -> got.add(c.type() + " " + c.field()));
        assertEquals(List.of(rule, "FieldValueForbidden " + S), got);
        got.clear();
        CrdRules.validate(spec, true, changed).forEach(c -> got.add(c.type() + " " + c.field()));
        assertEquals(List.of(rule, rule, "FieldValueForbidden " + S), got);
    }

    /** kube's "suppress per-expression cost limit in pre-existing versions" (TestValidateCustomResourceDefinitionUpdate). */
    @Test
    void suppressPerExpressionCostLimitInPreexistingVersions() throws Exception {
        String eight = "self[0] + self[1] + self[2] + self[3] + self[4] + self[5] + self[6] + self[7]";
        String v = messageExpressionCase("", "", "true", eight);
        String touched = messageExpressionCase("", "", "true", eight + " + self[8]");
        JsonNode old = JSON.readTree("{\"versions\":[{\"name\":\"v1\",\"schema\":{\"openAPIV3Schema\":" + v + "}},"
                + "{\"name\":\"v2\",\"schema\":{\"openAPIV3Schema\":" + v + "}}]}");
        JsonNode spec = JSON.readTree("{\"versions\":[{\"name\":\"v1\",\"schema\":{\"openAPIV3Schema\":" + v + "}},"
                + "{\"name\":\"v2\",\"schema\":{\"openAPIV3Schema\":" + touched + "}},"
                + "{\"name\":\"v3\",\"schema\":{\"openAPIV3Schema\":" + v + "}}]}");
        List<String> got = new ArrayList<>();
        CrdRules.validate(spec, true, old).forEach(c -> got.add(c.type() + " " + c.field()));
        String at = ".schema.openAPIV3Schema.properties[f].x-kubernetes-validations[0].messageExpression";
        assertEquals(List.of("FieldValueForbidden spec.versions[1]" + at, "FieldValueForbidden spec.versions[2]" + at), got);
    }

    /** kube's getCostErrorMessage factors: under 1.5 with six decimals, up to 100 with one, then "more than 100x". */
    @Test
    void costFactorsAreWordedAsKubes() {
        assertEquals("estimated rule cost exceeds budget by factor of 1.000000x" + HINT,
                RuleCosts.errorMessage("estimated rule cost", 10_000_001, RuleCosts.STATIC_ESTIMATED_COST_LIMIT));
        assertEquals("estimated rule cost exceeds budget by factor of 1.234568x" + HINT,
                RuleCosts.errorMessage("estimated rule cost", 12_345_678, RuleCosts.STATIC_ESTIMATED_COST_LIMIT));
        assertEquals("estimated rule cost exceeds budget by factor of 99.9x" + HINT,
                RuleCosts.errorMessage("estimated rule cost", 999_000_000, RuleCosts.STATIC_ESTIMATED_COST_LIMIT));
        assertEquals("estimated rule cost exceeds budget by factor of more than 100x" + HINT,
                RuleCosts.errorMessage("estimated rule cost", CostEstimator.MAX, RuleCosts.STATIC_ESTIMATED_COST_LIMIT));
    }
}
