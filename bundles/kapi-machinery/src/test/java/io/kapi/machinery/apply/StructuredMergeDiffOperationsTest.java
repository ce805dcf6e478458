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
 * through {@link FieldManager}: each case's applies, forced applies, updates and extract-applies (a
 * client's extract of what it applied, {@link FieldManager#extractItems}, changed and applied again) in
 * order, then the live object and every manager's field set, and each expected conflict (manager and
 * path) of a refused apply. Objects here are bare: the managed fields ride in a {@code metadata} the comparison
 * leaves out, and the sets of a manager's entries (kube keeps one per operation and, for updates, per
 * apiVersion) are taken together, as SMD keeps one per manager. A case's ignored fields
 * ({@code IgnoredFields}, {@code IgnoreFilter}) are the field manager's ({@link FieldManager#ignoring});
 * a ChangeParser swaps the schema under the live object and its managed fields; a case with one of
 * SMD's test converters ({@link SmdConverters}) has the live object converted to each operation's
 * version first and its field managers read the other versions through it
 * ({@link FieldManager#converting}), and each manager's version is checked too.
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
        assertEquals(319, tests.size(), "cases run");
        return tests.stream();
    }

    /**
     * Why a case is not run here, or null: its {@code unsupported} reason (the Go tests that are no
     * table), or that it is one of real_test.go's benchmarks on SMD's large data files, which
     * {@link SmdRealDataTest} runs.
     */
    static String skipReason(JsonNode c) {
        if (!c.path("unsupported").isNull() && !c.path("unsupported").isMissingNode()) {
            return c.get("unsupported").asText();
        }
        if (c.hasNonNull("schemaFile")) {
            return "run by SmdRealDataTest";
        }
        for (JsonNode op : c.get("ops")) {
            String type = op.get("type").asText();
            if (!Set.of("Apply", "ForceApply", "Update", "ExtractApply", "ChangeParser").contains(type)) {
                return type;
            }
        }
        return null;
    }

    /**
     * The fields a case's updater ignores at {@code version} (its {@code IgnoredFields}, or the exclude
     * set of its {@code IgnoreFilter}): the field manager's reset fields.
     */
    private static FieldSet ignored(JsonNode c, String version) {
        JsonNode extra = c.path("extra");
        JsonNode set = extra.path("IgnoredFields").path(version);
        if (set.isMissingNode()) {
            set = extra.path("IgnoreFilter").path(version).path("excludeSet");
        }
        return set.isMissingNode() ? new FieldSet() : StructuredMergeDiffVectorsTest.set(set);
    }

    /** The parser a case starts with, and each ChangeParser swaps in: how a version's field manager is made. */
    private record Parser(String kind, SmdSchemas schemas, String rootTypeName) {
        static Parser of(JsonNode c) throws Exception {
            return new Parser(c.get("parser").asText(), c.path("schema").isTextual() ? SmdSchemas.parse(c.get("schema").asText()) : null,
                    c.path("rootTypeName").asText(null));
        }

        FieldManager fieldManager(String version) {
            return switch (kind) {
                case "DeducedParser" -> new FieldManager(JsonNodeFactory.instance.objectNode().put("x-kubernetes-preserve-unknown-fields", true), null, version);
                case "TypedParser" -> new FieldManager(schemas.type(version), schemas.refs(), version);
                default -> new FieldManager(schemas.type(rootTypeName), schemas.refs(), version);
            };
        }
    }

    private static void run(JsonNode c) throws Exception {
        Map<String, FieldManager> managers = new HashMap<>();
        Parser parser = Parser.of(c);
        Parser[] current = {parser};
        // the case's converter reads the other versions with the field managers of the parser in use
        Versions versions = c.hasNonNull("converter") ? SmdConverters.of(c.get("converter").asText(),
                v -> managers.computeIfAbsent(v, x -> current[0].fieldManager(x).ignoring(ignored(c, x)))) : null;
        assertEquals(c.hasNonNull("converter"), versions != null, "a converter SmdConverters ports");
        ObjectNode live = null;
        String liveVersion = null;
        boolean failed = false;
        for (JsonNode op : c.get("ops")) {
            if (op.get("type").asText().equals("ChangeParser")) {
                // the schema changes under the live object and its managed fields (SMD's ChangeParser)
                parser = Parser.of(op);
                current[0] = parser;
                managers.clear();
                continue;
            }
            String version = op.get("apiVersion").asText();
            Parser p = parser;
            FieldManager fm = managers.computeIfAbsent(version, v -> p.fieldManager(v).ignoring(ignored(c, v)));
            if (versions != null) {
                fm = fm.converting(versions);
                // SMD's state converts the live object to the operation's version first
                live = convert(versions, live, liveVersion, version);
            }
            liveVersion = version;
            if (c.path("expectError").asBoolean()) {
                try {
                    live = step(fm, live, op);
                } catch (StatusException e) {
                    failed = true;
                    break;
                }
                continue;
            }
            live = step(fm, live, op);
        }
        if (c.path("expectError").asBoolean()) {
            assertTrue(failed, "an operation must fail");
            return;
        }
        if (versions != null && c.hasNonNull("apiVersion")) {
            live = convert(versions, live, liveVersion, c.get("apiVersion").asText());
        }
        check(c, live);
    }

    /** {@code live} (at {@code from}) at version {@code to}, its metadata (the managed fields) carried over. */
    private static ObjectNode convert(Versions versions, ObjectNode live, String from, String to) {
        if (live == null || from == null || from.equals(to)) {
            return live;
        }
        ObjectNode object = live.deepCopy();
        JsonNode metadata = object.remove("metadata");
        JsonNode converted = versions.convert(object, from, to);
        ObjectNode out = converted instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        if (metadata != null) {
            out.set("metadata", metadata);
        }
        return out;
    }

    /**
     * Runs one Apply, ForceApply, ExtractApply or Update: the live object after it (as it was when an
     * expected conflict refused it).
     */
    private static ObjectNode step(FieldManager fm, ObjectNode live, JsonNode op) throws Exception {
        JsonNode parsed = StructuredMergeDiffVectorsTest.yaml(op.get("object").asText());
        ObjectNode object = parsed.isObject() ? (ObjectNode) parsed : JsonNodeFactory.instance.objectNode();
        String type = op.get("type").asText();
        String manager = op.get("manager").asText();
        if (type.equals("Update")) {
            fm.update(live, object, manager, NOW);
            return object;
        }
        if (type.equals("ExtractApply")) {
            return fm.apply(live, extractApplied(fm, live, object, manager, op.get("apiVersion").asText()), manager, true, NOW);
        }
        JsonNode expected = op.get("conflicts");
        try {
            ObjectNode applied = fm.apply(live, object, manager, type.equals("ForceApply"), NOW);
            if (expected != null && !expected.isNull() && !expected.isEmpty()) {
                fail("conflicts expected " + expected + " in " + op);
            }
            return applied;
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
            return live;
        }
    }

    /**
     * SMD's fixture ExtractApply (a client's extract, change and apply): the leaves of what
     * {@code manager} owns (which must be at {@code version}) extracted from the live object, the
     * operation's object merged over them; on a missing object, the operation's object itself.
     */
    private static ObjectNode extractApplied(FieldManager fm, ObjectNode live, ObjectNode object, String manager, String version) {
        if (live == null) {
            return object;
        }
        FieldSet owned = new FieldSet();
        for (JsonNode entry : live.path("metadata").path("managedFields")) {
            if (entry.get("manager").asText().equals(manager)) {
                assertEquals(version, entry.get("apiVersion").asText(), "the version of " + manager + "'s set");
                owned = owned.union(FieldSet.fromFieldsV1(entry.get("fieldsV1")));
            }
        }
        ObjectNode current = live.deepCopy();
        current.remove("metadata");
        JsonNode extracted = fm.extractItems(current, owned.leaves(), false);
        JsonNode merged = Fields.merge(extracted, object, fm.root());
        return merged instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    /** The case's expected live object and managed fields. */
    private static void check(JsonNode c, ObjectNode live) throws Exception {
        if (c.path("checkObject").asBoolean()) {
            JsonNode want = StructuredMergeDiffVectorsTest.yaml(c.get("object").asText());
            ObjectNode got = live == null ? JsonNodeFactory.instance.objectNode() : live.deepCopy();
            got.remove("metadata");
            assertEquals(want.isNull() ? JsonNodeFactory.instance.objectNode() : want, got, "the live object");
        }
        if (c.hasNonNull("managed")) {
            Map<String, FieldSet> want = new HashMap<>();
            Map<String, String> wantVersions = new HashMap<>();
            c.get("managed").fields().forEachRemaining(e -> {
                FieldSet s = StructuredMergeDiffVectorsTest.set(e.getValue().get("set"));
                if (!s.isEmpty()) {
                    want.put(e.getKey(), s);
                    wantVersions.put(e.getKey(), e.getValue().path("apiVersion").asText());
                }
            });
            Map<String, FieldSet> got = new HashMap<>();
            Map<String, String> gotVersions = new HashMap<>();
            if (live != null) {
                for (JsonNode entry : live.path("metadata").path("managedFields")) {
                    FieldSet s = FieldSet.fromFieldsV1(entry.get("fieldsV1"));
                    String manager = entry.get("manager").asText();
                    got.merge(manager, s, FieldSet::union);
                    gotVersions.merge(manager, entry.get("apiVersion").asText(), (a, b) -> a.equals(b) ? a : a + "," + b);
                }
            }
            got.values().removeIf(FieldSet::isEmpty);
            assertEquals(want, got, "managed fields");
            if (c.hasNonNull("converter")) {
                // with a converter the sets are in the version each manager wrote in (SMD's Difference compares it)
                gotVersions.keySet().retainAll(want.keySet());
                assertEquals(wantVersions, gotVersions, "managers' versions");
            }
        }
    }
}
