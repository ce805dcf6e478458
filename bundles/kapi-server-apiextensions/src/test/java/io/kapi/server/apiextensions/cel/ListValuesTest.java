package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's {@code TestEquality} and {@code TestLister} (apiextensions-apiserver
 * {@code pkg/apiserver/schema/cel/values_test.go}, v0.32.0) as data in {@code list-values-cases.json}:
 * custom resource values as {@link CelValues} makes them, compared with {@link CelEquality} both ways
 * and against the other side's plain data (kube's {@code NativeToValue}), and set, map and atomic lists'
 * size, items, membership and concatenation.
 */
class ListValuesTest {
    @TestFactory
    Stream<DynamicTest> kubesEquality() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases("list-values-cases.json").get("equality")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                boolean equal = c.get("equal").asBoolean();
                Object lhs = CelValues.toCel(c.get("lhs"), c.get("schema"));
                Object rhs = CelValues.toCel(c.get("rhs"), c.get("schema"));
                assertEquals(equal, CelEquality.equal(lhs, rhs), "lhs == rhs");
                assertEquals(equal, CelEquality.equal(rhs, lhs), "rhs == lhs");
                assertEquals(equal, CelEquality.equal(lhs, CelValues.generic(c.get("rhs"))), "lhs == plain rhs");
                assertEquals(equal, CelEquality.equal(rhs, CelValues.generic(c.get("lhs"))), "rhs == plain lhs");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> kubesLister() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases("list-values-cases.json").get("lister")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                JsonNode schema = c.get("schema");
                List<?> list = (List<?>) CelValues.toCel(c.get("items"), schema);
                assertEquals(c.get("items").size(), list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object item = CelValues.toCel(c.get("items").get(i), schema.get("items"));
                    assertTrue(CelEquality.equal(item, list.get(i)), "item " + i);
                    assertTrue(list.contains(item), "contains item " + i);
                }
                for (JsonNode n : c.get("notContains")) {
                    assertFalse(list.contains(CelValues.toCel(n, schema.get("items"))), "contains " + n);
                }
                List<?> added = CelEquality.concat(list, (List<?>) CelValues.toCel(c.get("addition"), schema));
                assertTrue(CelEquality.equal(new ArrayList<>(added), CelValues.generic(c.get("expectAdded"))), added.toString());
            }));
        }
        return tests.stream();
    }
}
