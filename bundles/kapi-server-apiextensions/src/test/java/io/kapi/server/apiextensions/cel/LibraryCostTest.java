package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import io.kapi.server.apiextensions.cel.CostEstimator.Range;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Estimated cost ranges of kube's library functions and the extensions: {@code library-cost-cases.json},
 * the cases of apiserver's {@code pkg/cel/library/cost_test.go} (v0.32.0) for the libraries Kapi has,
 * with that test's size estimator (every string and bytes value up to 12 long).
 */
class LibraryCostTest {
    private static final CelEnvironment ENV = CelEnvironment.build(
            new SchemaTypes(JsonNodeFactory.instance.objectNode().put("type", "object")), SimpleType.DYN, false);

    @TestFactory
    Stream<DynamicTest> kubesLibraryCostCases() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            String expr = c.get("expr").asText();
            tests.add(DynamicTest.dynamicTest(c.get("test").asText() + ": " + expr, () -> {
                CelValidationResult r = ENV.compile(expr);
                assertFalse(r.hasError(), () -> r.getErrorString());
                Range got = CostEstimator.estimate(r.getAst(), LibraryCostTest::testSize);
                assertEquals(c.get("min").asLong() + ".." + c.get("max").asLong(),
                        Long.toUnsignedString(got.min()) + ".." + Long.toUnsignedString(got.max()));
            }));
        }
        return tests.stream();
    }

    /** kube's testCostEstimator: strings and bytes are 0 to 12 long, other sizes unknown. */
    private static Range testSize(CostEstimator.Node n) {
        CelKind k = n.type() == null ? CelKind.DYN : n.type().kind();
        return k == CelKind.STRING || k == CelKind.BYTES ? new Range(0, 12) : null;
    }

    private static JsonNode cases() throws Exception {
        try (InputStream in = LibraryCostTest.class.getResourceAsStream("library-cost-cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
