package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.bundle.Cel;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's library tests as data ({@code library-cases.json}: apiserver {@code pkg/cel/library/quantity_test.go},
 * v0.32.0): each expression's value, runtime error or compile error in the rule environment.
 */
class LibraryCasesTest {
    @TestFactory
    Stream<DynamicTest> kubesLibraryCases() throws Exception {
        CelEnvironment env = CelEnvironment.build(new SchemaTypes(JsonNodeFactory.instance.objectNode().put("type", "object")),
                SimpleType.DYN, false);
        Cel cel = env.cel();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases("library-cases.json")) {
            String expr = c.get("expr").asText();
            tests.add(DynamicTest.dynamicTest(expr, () -> {
                CelValidationResult r = env.compile(expr);
                if (c.has("compileError")) {
                    assertTrue(r.hasError() && r.getErrorString().contains(c.get("compileError").asText()), r.getErrorString());
                    return;
                }
                assertTrue(!r.hasError(), r.hasError() ? r.getErrorString() : "");
                Map<String, Object> vars = Map.of("self", Map.of(), "oldSelf", Map.of());
                if (c.has("error")) {
                    CelEvaluationException e = assertThrows(CelEvaluationException.class,
                            () -> cel.createProgram(r.getAst()).eval(vars));
                    assertTrue(EvalErrors.text(e).contains(c.get("error").asText()), EvalErrors.text(e));
                    return;
                }
                Object got = cel.createProgram(r.getAst()).eval(vars);
                assertEquals(CelValues.generic(c.get("value")), got);
            }));
        }
        return tests.stream();
    }
}
