package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's cases of {@code validateCustomResourceDefinitionValidation} (schema-validation-cases.json, origin in
 * the README beside it), compared as kube's test does: the multiset of error types and paths.
 */
class CrdSchemaChecksTest {
    private static final ObjectMapper M = new ObjectMapper();

    static JsonNode resource(String name) throws Exception {
        try (InputStream in = CrdSchemaChecksTest.class.getResourceAsStream(name)) {
            return M.readTree(in);
        }
    }

    static List<String> typesAndPaths(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.type() + " " + c.field()));
        out.sort(null);
        return out;
    }

    @TestFactory
    Stream<DynamicTest> kubesSchemaValidationCases() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : resource("schema-validation-cases.json")) {
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> {
                List<String> opts = new ArrayList<>();
                c.path("opts").forEach(o -> opts.add(o.asText()));
                SchemaCheckOptions o = opts.contains("create") ? SchemaCheckOptions.CREATE : new SchemaCheckOptions(opts.contains("allowDefaults"), opts.contains("requireStructuralSchema"),
                        opts.contains("requirePrunedDefaults"), opts.contains("requireValidPropertyType"),
                        opts.contains("requireAtomicSetType"), opts.contains("requireMapListKeysMapSetValidation"));
                List<FieldCause> got = c.path("schema").isObject()
                        ? CrdSchemaChecks.validateSchema(c.get("schema"), c.path("path").asText("spec.validation"), c.path("status").asBoolean(false), o) : List.of();
                List<String> expected = new ArrayList<>();
                c.path("errors").forEach(e -> expected.add(e.asText()));
                expected.sort(null);
                assertEquals(expected, typesAndPaths(got), got.toString());
            }));
        }
        return tests.stream();
    }
}
