package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Test cases of cel-go and kube as data, in the rule environment:
 * {@code string-format-cases.json} (cel-go v0.22.0 {@code ext/strings_test.go}: {@code TestStringFormat},
 * {@code TestStringFormatHeterogeneousLiterals}, {@code TestLiteralOutput} and the non-literal format
 * string of {@code TestStrings}) and {@code format-library-cases.json} (apiserver v0.32.0
 * {@code pkg/cel/library/format_test.go} {@code TestFormat}). A case has a value ({@code value}, or
 * for an optional {@code none} / {@code some}), or an error ({@code error}: at compile time or at
 * runtime, as cel-go reports both for these), or is a {@code literal} that formats as an equal literal;
 * {@code self} gives dyn values.
 */
class FormatCasesTest {
    private static final CelEnvironment ENV = CelEnvironment.build(
            new SchemaTypes(JsonNodeFactory.instance.objectNode().put("type", "object")), SimpleType.DYN, false);

    @TestFactory
    Stream<DynamicTest> celGoStringFormat() throws Exception {
        return cases("string-format-cases.json");
    }

    @TestFactory
    Stream<DynamicTest> kubesFormatLibrary() throws Exception {
        return cases("format-library-cases.json");
    }

    private static Stream<DynamicTest> cases(String file) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : RuleValidatorCasesTest.cases(file)) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> run(c)));
        }
        return tests.stream();
    }

    private static Object eval(String expr, JsonNode self) throws Exception {
        CelValidationResult r = ENV.compile(expr);
        if (r.hasError()) {
            throw new CelEvaluationException(r.getErrorString());
        }
        Object s = self == null ? Map.of() : CelValues.generic(self);
        return ENV.cel().createProgram(r.getAst()).eval(Map.of("self", s, "oldSelf", s));
    }

    private static void run(JsonNode c) throws Exception {
        if (c.has("literal")) {
            String literal = c.get("literal").asText();
            Object formatted = eval("'%s'.format([" + literal + "])", null);
            // heterogeneous literals outside format() are compiled without the rule environment's validators
            Object back = ENV.cel().createProgram(ENV.cel().compile(formatted.toString()).getAst()).eval();
            Object expected = ENV.cel().createProgram(ENV.cel().compile(literal).getAst()).eval();
            assertTrue(CelEquality.equal(back, expected), formatted + " should read back as " + literal);
            return;
        }
        String expr = c.get("expr").asText();
        if (c.has("error")) {
            CelEvaluationException e = assertThrows(CelEvaluationException.class, () -> eval(expr, c.get("self")));
            String text = e.getMessage();
            assertTrue(text.contains(c.get("error").asText()), text);
            return;
        }
        Object got = eval(expr, c.get("self"));
        if (c.has("none")) {
            assertEquals(Optional.empty(), got);
        } else if (c.has("some")) {
            Optional<?> o = assertInstanceOf(Optional.class, got);
            assertFalse(o.isEmpty());
            assertEquals(CelValues.generic(c.get("some")), o.get());
        } else {
            assertEquals(CelValues.generic(c.get("value")), got);
        }
    }
}
