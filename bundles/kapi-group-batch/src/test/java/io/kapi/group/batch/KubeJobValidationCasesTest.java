package io.kapi.group.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube's own table-driven Job validation cases (pkg/apis/batch/validation/validation_test.go, see
 * src/test/resources/kube-validation/README.md), translated to batch/v1 JSON and run as GenericStore runs
 * them: the store's metadata validation, then the strategy's validate / validateUpdate. Each case asserts
 * the exact multiset of kube's (type, field) errors. A case marked {@code excluded} must still disagree, so
 * an exclusion that a fix made obsolete fails until it is dropped.
 */
class KubeJobValidationCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Strategy STRATEGY = new JobStrategy();

    static Stream<Arguments> create() throws Exception {
        return cases("job-create.json");
    }

    static Stream<Arguments> update() throws Exception {
        return cases("job-update.json");
    }

    private static Stream<Arguments> cases(String file) throws Exception {
        try (InputStream in = KubeJobValidationCasesTest.class.getResourceAsStream("/kube-validation/" + file)) {
            List<Arguments> out = new ArrayList<>();
            JSON.readTree(in).path("cases").forEach(c -> out.add(Arguments.of(c.path("name").asText(), c)));
            assertFalse(out.isEmpty(), file);
            return out.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("create")
    void validate(String name, JsonNode c) {
        ObjectNode object = c.get("object").deepCopy();
        if (c.path("applyDefaults").asBoolean(false)) {
            STRATEGY.applyDefaults(object);
        }
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMeta(
                (ObjectNode) object.get("metadata"), true, NameValidator.DNS1123_SUBDOMAIN));
        causes.addAll(STRATEGY.validate(object));
        check(c, causes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("update")
    void validateUpdate(String name, JsonNode c) {
        ObjectNode object = c.get("object").deepCopy();
        ObjectNode old = c.get("old").deepCopy();
        if (c.path("applyDefaults").asBoolean(false)) {
            STRATEGY.applyDefaults(object);
            STRATEGY.applyDefaults(old);
        }
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMetaUpdate(
                (ObjectNode) object.get("metadata"), (ObjectNode) old.get("metadata")));
        causes.addAll(STRATEGY.validateUpdate(object, old));
        check(c, causes);
    }

    static void check(JsonNode c, List<FieldCause> causes) {
        List<String> expected = new ArrayList<>();
        c.path("errors").forEach(e -> expected.add(e.path("type").asText() + " " + e.path("field").asText()));
        List<String> actual = new ArrayList<>();
        causes.forEach(f -> actual.add(f.type() + " " + f.field()));
        expected.sort(null);
        actual.sort(null);
        String detail = "\n  got: " + causes.stream().map(f -> f.type() + " " + f.field() + ": " + f.message()).toList();
        if (c.hasNonNull("excluded")) {
            assertNotEquals(expected, actual, "excluded (" + c.get("excluded").asText() + ") but Kapi now agrees with kube: drop the exclusion");
        } else {
            assertEquals(expected, actual, detail);
        }
    }
}
