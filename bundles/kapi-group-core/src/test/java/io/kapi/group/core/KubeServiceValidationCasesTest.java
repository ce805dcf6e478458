package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube's own table-driven Service validation cases (TestValidateServiceCreate and TestValidateServiceUpdate of
 * kube 1.32's pkg/apis/core/validation/validation_test.go, see src/test/resources/kube-validation/README.md),
 * as data, run through {@link ServiceStrategy} the way the generic store validates: ObjectMeta validation with
 * the strategy's name rule, then {@code validate} (create) or ObjectMeta update validation then
 * {@code validateUpdate} (update).
 *
 * <p>Defaults are not applied, nor {@code prepareForCreate}/{@code prepareForUpdate}: the store applies them
 * before validating, but kube's test calls ValidateServiceCreate/ValidateServiceUpdate on its
 * valid-by-construction {@code makeValidService()} directly, and several cases (a missing protocol, type,
 * session affinity or internalTrafficPolicy) test exactly what defaulting would fill in. The store's own
 * {@code resourceVersion}-on-create refusal is not part of kube's validation and is not run either.
 *
 * <p>A case holds {@code numErrs} (kube's count, kept as the assertion) and, where checked against kube's
 * rules, the {@code causes} Kapi reports as [{type, field}]. A case Kapi deliberately differs on carries
 * {@code excluded} with the reason: it is reported as skipped, never silently dropped, and the test fails
 * if an excluded case starts to agree with kube (so the exclusion gets removed).
 */
class KubeServiceValidationCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServiceStrategy STRATEGY = new ServiceStrategy();

    static JsonNode load(String resource) {
        try (InputStream in = KubeServiceValidationCasesTest.class.getResourceAsStream("/kube-validation/" + resource)) {
            return JSON.readTree(in).path("cases");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static Stream<Arguments> cases(String resource) {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : load(resource)) {
            out.add(Arguments.of(c.path("name").asText(), c));
        }
        return out.stream();
    }

    static Stream<Arguments> createCases() {
        return cases("services-create.json");
    }

    static Stream<Arguments> updateCases() {
        return cases("services-update.json");
    }

    static List<FieldCause> create(ObjectNode svc) {
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMeta(Json.metadata(svc), true,
                (name, prefix) -> STRATEGY.validateName(name, prefix)));
        causes.addAll(STRATEGY.validate(svc));
        return causes;
    }

    static List<FieldCause> update(ObjectNode svc, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMetaUpdate(Json.metadata(svc), Json.metadata(old)));
        causes.addAll(STRATEGY.validateUpdate(svc, old));
        return causes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("createCases")
    void create(String name, JsonNode c) {
        check(c, create((ObjectNode) c.get("object").deepCopy()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateCases")
    void update(String name, JsonNode c) {
        check(c, update((ObjectNode) c.get("object").deepCopy(), (ObjectNode) c.get("oldObject").deepCopy()));
    }

    static void check(JsonNode c, List<FieldCause> causes) {
        String got = causes.stream().map(FieldCause::describe).collect(Collectors.joining("\n  ", "\n  ", ""));
        int expected = c.path("numErrs").asInt();
        if (c.hasNonNull("excluded")) {
            // an exclusion must still be needed: once Kapi agrees with kube, the data should say so
            assertFalse(causes.size() == expected && c.path("causes").isMissingNode(),
                    "excluded case now agrees with kube, drop the exclusion: " + c.path("name").asText() + got);
            Assumptions.abort("excluded: " + c.path("excluded").asText());
        }
        assertEquals(expected, causes.size(), "kube's numErrs for " + c.path("name").asText() + ", Kapi said:" + got);
        if (c.has("causes")) {
            List<String> want = new ArrayList<>();
            c.path("causes").forEach(e -> want.add(e.path("type").asText() + " " + e.path("field").asText()));
            List<String> have = causes.stream().map(f -> f.type() + " " + f.field()).toList();
            assertEquals(want, have, c.path("name").asText());
        }
    }

    @Test
    void theDataIsThere() {
        assertTrue(load("services-create.json").size() > 50);
        assertTrue(load("services-update.json").size() > 20);
    }
}
