package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
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
 * kube's own table-driven Pod validation cases (kube 1.32's pkg/apis/core/validation/validation_test.go:
 * TestValidatePodSpec, TestValidateContainers, TestValidateInitContainers, TestValidateEphemeralContainers,
 * TestValidatePod, TestValidatePodCreateWithSchedulingGates, TestValidatePodUpdate; see
 * src/test/resources/kube-validation/README.md), as data.
 *
 * <ul>
 *   <li>{@code pods-spec.json}: {@link PodValidation#spec(JsonNode, String, boolean)} at kube's path
 *       {@code field}, as kube calls ValidatePodSpec with {@code ResourceIsPod};</li>
 *   <li>{@code pods-create.json}: ObjectMeta validation (namespaced, DNS-1123 subdomain names) then
 *       {@link PodStrategy#validate}, as the store validates a create;</li>
 *   <li>{@code pods-update.json}: ObjectMeta update validation then {@link PodStrategy#validateUpdate}.</li>
 * </ul>
 *
 * <p>No defaults are applied: kube's tests validate objects built valid by construction
 * ({@code podtest.MakePod}), and several cases test exactly what defaulting would fill in.
 *
 * <p>kube's assertion is kept per case: {@code numErrs} (an exact count, where kube compares the error
 * list), {@code fails} (kube only asserts that validation fails) or {@code errorContains} (kube asserts its
 * aggregated error text contains this). {@code causes} lists the [{type, field}] kube's rules give, checked
 * as a multiset. A case Kapi deliberately differs on carries {@code excluded} with the reason: it is reported
 * as skipped, and the test fails if it starts to agree with kube.
 */
class KubePodValidationCasesTest {
    private static final PodStrategy STRATEGY = new PodStrategy();

    static Stream<Arguments> specCases() {
        return KubeServiceValidationCasesTest.cases("pods-spec.json");
    }

    static Stream<Arguments> createCases() {
        return KubeServiceValidationCasesTest.cases("pods-create.json");
    }

    static Stream<Arguments> updateCases() {
        return KubeServiceValidationCasesTest.cases("pods-update.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specCases")
    void spec(String name, JsonNode c) {
        check(c, PodValidation.spec(c.get("object").get("spec").deepCopy(), "field", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("createCases")
    void create(String name, JsonNode c) {
        ObjectNode pod = c.get("object").deepCopy();
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMeta(Json.metadata(pod), true,
                NameValidator.DNS1123_SUBDOMAIN));
        causes.addAll(STRATEGY.validate(pod));
        check(c, causes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateCases")
    void update(String name, JsonNode c) {
        ObjectNode pod = c.get("object").deepCopy();
        ObjectNode old = c.get("oldObject").deepCopy();
        List<FieldCause> causes = new ArrayList<>(ObjectMetaValidation.validateObjectMetaUpdate(Json.metadata(pod), Json.metadata(old)));
        causes.addAll(STRATEGY.validateUpdate(pod, old));
        check(c, causes);
    }

    /** Whether Kapi's causes satisfy kube's assertion of the case and, where listed, kube's causes. */
    static String disagreement(JsonNode c, List<FieldCause> causes) {
        String name = c.path("name").asText();
        if (c.has("numErrs") && c.path("numErrs").asInt() != causes.size()) {
            return "kube's numErrs " + c.path("numErrs").asInt() + " for " + name;
        }
        if (c.path("fails").asBoolean(false) && causes.isEmpty()) {
            return "kube expects " + name + " to fail";
        }
        if (c.has("errorContains")) {
            String aggregate = causes.stream().map(FieldCause::describe).collect(Collectors.joining(", "));
            if (!aggregate.contains(c.path("errorContains").asText())) {
                return "kube's error for " + name + " contains " + c.path("errorContains");
            }
        }
        if (c.has("causes")) {
            List<String> want = new ArrayList<>();
            c.path("causes").forEach(e -> want.add(e.path("type").asText() + " " + e.path("field").asText()));
            List<String> have = new ArrayList<>(causes.stream().map(f -> f.type() + " " + f.field()).toList());
            want.sort(null);
            have.sort(null);
            if (!want.equals(have)) {
                return "kube's causes for " + name + ": " + want + ", Kapi's: " + have;
            }
        }
        return null;
    }

    static void check(JsonNode c, List<FieldCause> causes) {
        String got = causes.stream().map(FieldCause::describe).collect(Collectors.joining("\n  ", "\n  ", ""));
        String disagreement = disagreement(c, causes);
        if (c.hasNonNull("excluded")) {
            assertFalse(disagreement == null, "excluded case now agrees with kube, drop the exclusion: " + c.path("name").asText() + got);
            Assumptions.abort("excluded: " + c.path("excluded").asText());
        }
        if (disagreement != null) {
            fail(disagreement + "; Kapi said:" + got);
        }
    }

    @Test
    void theDataIsThere() {
        assertTrue(KubeServiceValidationCasesTest.load("pods-spec.json").size() > 100);
        assertTrue(KubeServiceValidationCasesTest.load("pods-create.json").size() > 100);
        assertTrue(KubeServiceValidationCasesTest.load("pods-update.json").size() > 25);
    }

    @Test
    void everyCaseStatesKubesAssertion() {
        for (String file : List.of("pods-spec.json", "pods-create.json", "pods-update.json")) {
            for (JsonNode c : KubeServiceValidationCasesTest.load(file)) {
                assertTrue(c.has("numErrs") || c.has("fails") || c.has("errorContains"), file + ": " + c.path("name").asText());
                assertEquals(c.has("oldObject"), file.equals("pods-update.json"), file + ": " + c.path("name").asText());
            }
        }
    }
}
