package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * structured-merge-diff's operation tables ({@code merge/*_test.go}, see smd-vectors.README) run
 * through {@link FieldManager}: each case's applies, forced applies and updates in order, then the
 * live object and every manager's field set, and each expected conflict (manager and path) of a
 * refused apply. Objects here are bare: the managed fields ride in a {@code metadata} the comparison
 * leaves out, and the sets of a manager's entries (kube keeps one per operation and, for updates, per
 * apiVersion) are taken together, as SMD keeps one per manager.
 */
class StructuredMergeDiffOperationsTest {
    private static final String NOW = "2026-12-05T08:00:00Z";
    private static final Pattern CONFLICT_WITH = Pattern.compile("^conflict with \"([^\"]*)\"");

    @TestFactory
    Stream<DynamicTest> operations() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : StructuredMergeDiffVectorsTest.load("smd-merge-ops.json")) {
            String skip = skipReason(c);
            if (skip != null) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.get("file").asText() + " " + c.get("test").asText() + "/" + c.get("name").asText(),
                    () -> run(c)));
        }
        assertEquals(89, tests.size(), "cases run");
        return tests.stream();
    }

    /**
     * Why a case is not run here, or null. Go-only converters and benchmarks have no data to run;
     * ExtractApply, parser changes and ignored fields are SMD features kube's field manager drives
     * differently (no extract on the server, one schema per served version, reset fields per strategy).
     */
    static String skipReason(JsonNode c) {
        if (!c.path("unsupported").isNull() && !c.path("unsupported").isMissingNode()) {
            return c.get("unsupported").asText();
        }
        if (c.path("extra").size() > 0) {
            return "ignored fields";
        }
        if (c.path("expectError").asBoolean()) {
            return "expects SMD's schema error";
        }
        for (JsonNode op : c.get("ops")) {
            String type = op.get("type").asText();
            if (!Set.of("Apply", "ForceApply", "Update").contains(type)) {
                return type;
            }
        }
        return null;
    }

    private static void run(JsonNode c) throws Exception {
        String parser = c.get("parser").asText();
        SmdSchemas schemas = c.path("schema").isTextual() ? SmdSchemas.parse(c.get("schema").asText()) : null;
        Map<String, FieldManager> managers = new HashMap<>();
        ObjectNode live = null;
        for (JsonNode op : c.get("ops")) {
            String version = op.get("apiVersion").asText();
            FieldManager fm = managers.computeIfAbsent(version, v -> switch (parser) {
                case "DeducedParser" -> new FieldManager(JsonNodeFactory.instance.objectNode().put("x-kubernetes-preserve-unknown-fields", true), null, v);
                case "TypedParser" -> new FieldManager(schemas.type(v), schemas.refs(), v);
                default -> new FieldManager(schemas.type(c.get("rootTypeName").asText()), schemas.refs(), v);
            });
            JsonNode parsed = StructuredMergeDiffVectorsTest.yaml(op.get("object").asText());
            ObjectNode object = parsed.isObject() ? (ObjectNode) parsed : JsonNodeFactory.instance.objectNode();
            String type = op.get("type").asText();
            String manager = op.get("manager").asText();
            if (type.equals("Update")) {
                fm.update(live, object, manager, NOW);
                live = object;
                continue;
            }
            JsonNode expected = op.get("conflicts");
            try {
                live = fm.apply(live, object, manager, type.equals("ForceApply"), NOW);
                if (expected != null && !expected.isNull() && !expected.isEmpty()) {
                    fail("conflicts expected " + expected + " in " + op);
                }
            } catch (StatusException e) {
                if (expected == null || expected.isNull() || e.code() != 409) {
                    throw e;
                }
                Set<String> got = new TreeSet<>();
                for (FieldCause cause : e.causes()) {
                    Matcher m = CONFLICT_WITH.matcher(cause.message());
                    assertTrue(m.find(), cause.message());
                    got.add(m.group(1) + " " + cause.field());
                }
                Set<String> want = new TreeSet<>();
                for (JsonNode x : expected) {
                    want.add(x.get("manager").asText() + " " + FieldSet.pathString(StructuredMergeDiffVectorsTest.path(x.get("path"))));
                }
                assertEquals(want, got, "conflicts of " + op);
            }
        }
        if (c.path("checkObject").asBoolean()) {
            JsonNode want = StructuredMergeDiffVectorsTest.yaml(c.get("object").asText());
            ObjectNode got = live == null ? JsonNodeFactory.instance.objectNode() : live.deepCopy();
            got.remove("metadata");
            assertEquals(want.isNull() ? JsonNodeFactory.instance.objectNode() : want, got, "the live object");
        }
        if (c.hasNonNull("managed")) {
            Map<String, FieldSet> want = new HashMap<>();
            c.get("managed").fields().forEachRemaining(e -> {
                FieldSet s = StructuredMergeDiffVectorsTest.set(e.getValue().get("set"));
                if (!s.isEmpty()) {
                    want.put(e.getKey(), s);
                }
            });
            Map<String, FieldSet> got = new HashMap<>();
            if (live != null) {
                for (JsonNode entry : live.path("metadata").path("managedFields")) {
                    FieldSet s = FieldSet.fromFieldsV1(entry.get("fieldsV1"));
                    got.merge(entry.get("manager").asText(), s, FieldSet::union);
                }
            }
            got.values().removeIf(FieldSet::isEmpty);
            assertEquals(want, got, "managed fields");
        }
    }
}
