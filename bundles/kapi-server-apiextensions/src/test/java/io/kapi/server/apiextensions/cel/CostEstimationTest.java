package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's static cost estimates of CRD rules: the table of apiextensions' {@code TestCostEstimation}
 * (pkg/apiserver/schema/cel/compilation_test.go, v0.32.0), each schema generated once without and once
 * with its max elements set, the rule on the schema root.
 */
class CostEstimationTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long COST_LIMIT = 100000000;

    /** One case: the schema for a max (null: unset); expected costs (0: not checked), at least costs (0: not checked). */
    private record Case(String name, Function<Long, JsonNode> schema, long calcCost, long calcExceeds, long setMax, long setCost) {
    }

    private static Case c(String name, Function<Long, JsonNode> schema, long calcCost, long setMax, long setCost) {
        return new Case(name, schema, calcCost, 0, setMax, setCost);
    }

    private static Case exceeds(String name, Function<Long, JsonNode> schema, long calcExceeds, long setMax, long setCost) {
        return new Case(name, schema, 0, calcExceeds, setMax, setCost);
    }

    private static final List<Case> CASES = List.of(
            c("number array with all", array("number", "self.all(x, true)"), 4718591, 10, 32),
            c("string array with all", array("string", "self.all(x, true)"), 3145727, 20, 62),
            c("boolean array with all", array("boolean", "self.all(x, true)"), 1887437, 5, 17),
            c("array of number arrays with all", arrayOfArrays("number", "self.all(x, true)"), 3145727, 100, 302),
            c("array of objects with all", objectArray("self.all(x, true)"), 555128, 50, 152),
            c("map of numbers with all", map("number", "self.all(x, true)"), 1348169, 10, 32),
            c("map of numbers with has", map("number", "has(self.x)"), 0, 100, 0),
            c("map of strings with all", map("string", "self.all(x, true)"), 1179647, 3, 11),
            c("map of strings with has", map("string", "has(self.x)"), 0, 550, 0),
            c("map of booleans with all", map("boolean", "self.all(x, true)"), 943718, 100, 302),
            c("map of booleans with has", map("boolean", "has(self.x)"), 0, 1024, 0),
            c("string with contains", string("self.contains('test')"), 314574, 10, 5),
            c("string with startsWith", string("self.startsWith('test')"), 2, 15, 2),
            c("string with endsWith", string("self.endsWith('test')"), 2, 30, 2),
            c("concat string", string("size(self + \"hello\") > size(\"hello\")"), 314578, 4, 7),
            c("index of array with numbers", array("number", "self[1] == 0.0"), 2, 5000, 2),
            c("index of array with strings", array("string", "self[1] == self[1]"), 314577, 8, 314577),
            exceeds("O(n^2) loop with numbers", array("number", "self.all(x, self.all(y, true))"), COST_LIMIT, 10, 352),
            exceeds("O(n^3) loop with numbers", array("number", "self.all(x, self.all(y, self.all(z, true)))"), COST_LIMIT, 10, 3552),
            c("regex matches simple", string("self.matches(\"x\")"), 314574, 50, 22),
            c("regex matches empty string", string("\"\".matches(\"(((((((((())))))))))[0-9]\")"), 7, 10, 7),
            c("regex matches empty regex", string("self.matches(\"\")"), 1, 100, 1),
            c("map of strings with value length", nestedSpec("self.all(x, x.contains(self[x]))"), 2752507, 10, 72),
            c("set array maxLength to zero", array("number", "self[3] == 0.0"), 2, 0, 2),
            c("set map maxLength to zero", map("number", "self[\"x\"] == 0.0"), 2, 0, 2),
            c("set string maxLength to zero", string("self == \"x\""), 2, 0, 1),
            c("set bytes maxLength to zero", bytes("self == b\"x\""), 2, 0, 1),
            c("set maxLength greater than estimated maxLength", array("number", "self.all(x, x == 0.0)"), 6291454, 3 * 1024 * 2048,
                    25165826),
            c("nested types with root rule with all supporting maxLength", allMaxNested("self.all(x, x[\"y\"].required == \"z\")"),
                    7340027, 10, 72),
            c("nested types with root rule with one supporting maxLength", oneMaxNested("self.all(x, x[\"y\"].required == \"z\")"),
                    7340027, 10, 7340027),
            c("int-or-string array with all", array("int-or-string", "self.all(x, true)"), 4718591, 10, 32),
            c("index of array with int-or-strings", array("int-or-string", "self[0] == 5"), 3, 10, 3),
            c("index of array with booleans", array("boolean", "self[0] == false"), 2, 25, 2),
            c("index of array of objects", objectArray("self[0] == null"), 2, 422, 2),
            c("index of array of array of numnbers", arrayOfArrays("number", "self[0][0] == -1.0"), 3, 51, 3),
            c("array of number maps with all", mapArray("number", "self.all(x, x.y == 25.2)"), 6291452, 12, 74),
            c("index of array of number maps", mapArray("number", "self[0].x > 2.0"), 4, 3000, 4),
            c("duration array with all", array("duration", "self.all(x, true)"), 2359295, 5, 17),
            c("index of duration array", array("duration", "self[0].getHours() == 2"), 4, 525, 4),
            c("date array with all", array("date", "self.all(x, true)"), 725936, 15, 47),
            c("index of date array", array("date", "self[2].getDayOfMonth() == 13"), 4, 42, 4),
            c("date-time array with all", array("date-time", "self.all(x, true)"), 428963, 25, 77),
            c("index of date-time array", array("date-time", "self[2].getMinutes() == 45"), 4, 99, 4),
            c("map of int-or-strings with all", map("int-or-string", "self.all(x, true)"), 1348169, 15, 47),
            c("map of int-or-strings with has", map("int-or-string", "has(self.x)"), 0, 5000, 0),
            c("map of objects with all", mapOf(objectForMap(), "self.all(x, true)"), 428963, 20, 62),
            c("map of objects with has", mapOf(objectForMap(), "has(self.x)"), 0, 9001, 0),
            c("map of number maps with all", mapOf(json("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}"),
                    "self.all(x, true)"), 1179647, 10, 32),
            c("map of number maps with has", mapOf(json("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}"),
                    "has(self.x)"), 0, 101, 0),
            c("map of number arrays with all", mapOf(json("{\"type\":\"array\",\"items\":{\"type\":\"number\"}}"),
                    "self.all(x, true)"), 1179647, 25, 77),
            c("map of number arrays with has", mapOf(json("{\"type\":\"array\",\"items\":{\"type\":\"number\"}}"), "has(self.x)"),
                    0, 40000, 0),
            c("map of durations with all", map("duration", "self.all(x, true)"), 1048577, 5, 17),
            c("map of durations with has", map("duration", "has(self.x)"), 0, 256, 0),
            c("map of dates with all", map("date", "self.all(x, true)"), 524288, 10, 32),
            c("map of dates with has", map("date", "has(self.x)"), 0, 65536, 0),
            c("map of date-times with all", map("date-time", "self.all(x, true)"), 349526, 25, 77),
            c("map of date-times with has", map("date-time", "has(self.x)"), 0, 490, 0),
            c("extended library regex find", string("self.find('[0-9]+') == ''"), 629147, 10, 11),
            c("extended library join", stringList("self.join(' ') == 'aa bb'"), 329853068905L, 10, 43),
            c("extended library isSorted", stringList("self.isSorted() == true"), 329854432052L, 10, 52),
            c("extended library replace", max -> withRule(object(Map.of("str", maxLength(str(), max),
                    "before", maxLength(str(), 2L), "after", maxLength(str(), 4L))),
                    "self.str.replace(self.before, self.after) == 'does not matter'"), 629154, 4, 12),
            c("extended library split", max -> withRule(object(Map.of("str", maxLength(str(), max),
                    "separator", maxLength(str(), max))), "self.str.split(self.separator) == []"), 629160, 10, 22),
            c("extended library lowerAscii", max -> withRule(maxLength(str(), max), "self.lowerAscii() == 'lower!'"), 314575, 10, 6),
            c("check cost of size call", map("integer", "oldSelf.size() == self.size()"), 5, 10, 5),
            c("check cost of timestamp comparison", map("date-time", "self[\"a\"] == self[\"b\"]"), 8, 7, 8),
            c("check cost of duration comparison", map("duration", "self[\"c\"] == self[\"d\"]"), 8, 42, 8),
            c("enums with maxLength equals to the longest possible value", enumString("self.contains('A')", "A", "B", "C", "LongValue"),
                    2, 1000, 401));

    @TestFactory
    Stream<DynamicTest> kubesTestCostEstimation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : CASES) {
            tests.add(DynamicTest.dynamicTest(c.name() + " (calc maxLength)", () -> check(c.schema().apply(null), c.calcCost(), c.calcExceeds())));
            tests.add(DynamicTest.dynamicTest(c.name() + " (set maxLength)", () -> check(c.schema().apply(c.setMax()), c.setCost(), 0)));
        }
        return tests.stream();
    }

    /** kube's schemaChecker: one rule, compiled; its max cost equal to {@code cost} (unless 0), at least {@code atLeast}. */
    private static void check(JsonNode schema, long cost, long atLeast) {
        List<CompiledRule> rules = RuleCompiler.compile(schema).get(schema);
        assertEquals(1, rules.size());
        CompiledRule r = rules.get(0);
        assertNull(r.error());
        if (cost > 0) {
            assertEquals(cost, r.maxCost(), "max cost");
        }
        if (atLeast > 0) {
            assertTrue(Long.compareUnsigned(r.maxCost(), atLeast) >= 0, "cost " + Long.toUnsignedString(r.maxCost()) + " < " + atLeast);
        }
    }

    static JsonNode json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** kube's parseRuleType: duration, date and date-time are string formats, int-or-string the extension. */
    private static ObjectNode typed(String type) {
        ObjectNode n = F.objectNode();
        switch (type) {
            case "duration":
            case "date":
            case "date-time":
                return n.put("type", "string").put("format", type);
            case "int-or-string":
                return n.put("x-kubernetes-int-or-string", true);
            default:
                return n.put("type", type);
        }
    }

    private static ObjectNode str() {
        return F.objectNode().put("type", "string");
    }

    private static ObjectNode withRule(ObjectNode n, String rule) {
        n.putArray("x-kubernetes-validations").addObject().put("rule", rule);
        return n;
    }

    private static ObjectNode withMax(ObjectNode n, String keyword, Long max) {
        if (max != null) {
            n.put(keyword, max);
        }
        return n;
    }

    private static ObjectNode maxLength(ObjectNode n, Long max) {
        return withMax(n, "maxLength", max);
    }

    private static ObjectNode object(Map<String, ObjectNode> props) {
        ObjectNode n = F.objectNode().put("type", "object");
        props.forEach((k, v) -> n.with("properties").set(k, v));
        return n;
    }

    private static ObjectNode objectForMap() {
        ObjectNode o = object(Map.of("required", str(), "optional", str()));
        o.putArray("required").add("required");
        return o;
    }

    private static Function<Long, JsonNode> array(String itemType, String rule) {
        return max -> {
            ObjectNode n = F.objectNode().put("type", "array");
            n.set("items", typed(itemType));
            return withRule(withMax(n, "maxItems", max), rule);
        };
    }

    private static Function<Long, JsonNode> arrayOfArrays(String itemType, String rule) {
        return max -> {
            ObjectNode inner = F.objectNode().put("type", "array");
            inner.set("items", typed(itemType));
            ObjectNode n = F.objectNode().put("type", "array");
            n.set("items", inner);
            return withRule(withMax(n, "maxItems", max), rule);
        };
    }

    private static Function<Long, JsonNode> objectArray(String rule) {
        return max -> {
            ObjectNode n = F.objectNode().put("type", "array");
            n.set("items", objectForMap());
            return withRule(withMax(n, "maxItems", max), rule);
        };
    }

    private static Function<Long, JsonNode> mapArray(String valueType, String rule) {
        return max -> {
            ObjectNode item = F.objectNode().put("type", "object");
            item.set("additionalProperties", typed(valueType));
            ObjectNode n = F.objectNode().put("type", "array");
            n.set("items", item);
            return withRule(withMax(n, "maxItems", max), rule);
        };
    }

    private static Function<Long, JsonNode> map(String valueType, String rule) {
        return mapOf(typed(valueType), rule);
    }

    private static Function<Long, JsonNode> mapOf(JsonNode value, String rule) {
        return max -> {
            ObjectNode n = F.objectNode().put("type", "object");
            n.set("additionalProperties", value.deepCopy());
            return withRule(withMax(n, "maxProperties", max), rule);
        };
    }

    private static Function<Long, JsonNode> string(String rule) {
        return max -> withRule(maxLength(str(), max), rule);
    }

    private static Function<Long, JsonNode> enumString(String rule, String... values) {
        return max -> {
            ObjectNode n = maxLength(str(), max);
            for (String v : values) {
                n.withArray("enum").add(v);
            }
            return withRule(n, rule);
        };
    }

    private static Function<Long, JsonNode> bytes(String rule) {
        return max -> withRule(maxLength(str().put("format", "byte"), max), rule);
    }

    private static Function<Long, JsonNode> nestedSpec(String rule) {
        return max -> {
            ObjectNode n = F.objectNode().put("type", "object");
            n.set("additionalProperties", maxLength(str(), max));
            return withRule(withMax(n, "maxProperties", max), rule);
        };
    }

    private static Function<Long, JsonNode> allMaxNested(String rule) {
        return max -> nested(rule, max, max, max);
    }

    private static Function<Long, JsonNode> oneMaxNested(String rule) {
        return max -> nested(rule, null, max, null);
    }

    private static JsonNode nested(String rule, Long maxItems, Long maxProperties, Long innerMaxProperties) {
        ObjectNode inner = withMax(objectForMap(), "maxProperties", innerMaxProperties);
        ObjectNode item = F.objectNode().put("type", "object");
        item.set("additionalProperties", inner);
        withMax(item, "maxProperties", maxProperties);
        ObjectNode n = F.objectNode().put("type", "array");
        n.set("items", item);
        return withRule(withMax(n, "maxItems", maxItems), rule);
    }

    /** The atomic list of strings of kube's join and isSorted cases: maxItems and maxLength both the max. */
    private static Function<Long, JsonNode> stringList(String rule) {
        return max -> {
            ObjectNode n = F.objectNode().put("type", "array").put("x-kubernetes-list-type", "atomic");
            n.set("items", maxLength(str(), max));
            return withRule(withMax(n, "maxItems", max), rule);
        };
    }
}
