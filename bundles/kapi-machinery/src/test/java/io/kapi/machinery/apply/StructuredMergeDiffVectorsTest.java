package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * structured-merge-diff's own test tables as data (see smd-vectors.README): its typed merge cases
 * ({@code typed/merge_test.go}), its comparisons ({@code typed/symdiff_test.go}, both ways), the
 * field sets of values ({@code typed/toset_test.go}) and its extractions ({@code typed/remove_test.go}),
 * each on its own schema read by {@link SmdSchemas}.
 */
class StructuredMergeDiffVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode load(String resource) throws Exception {
        try (InputStream in = StructuredMergeDiffVectorsTest.class.getResourceAsStream(resource)) {
            return JSON.readTree(in);
        }
    }

    static JsonNode yaml(String text) throws Exception {
        JsonNode n = YAML.readTree(text);
        return n == null || n.isMissingNode() ? JSON.nullNode() : n;
    }

    static Structure root(JsonNode c) throws Exception {
        SmdSchemas schemas = SmdSchemas.parse(c.get("schema").asText());
        return Structure.of(schemas.type(c.get("rootTypeName").asText()), schemas.refs());
    }

    /** A set of the data's paths ({"f":…}, {"k":{…}}, {"v":…}, {"i":…}) as a FieldSet. */
    static FieldSet set(JsonNode paths) {
        FieldSet out = new FieldSet();
        for (JsonNode p : paths) {
            out.insert(path(p));
        }
        return out;
    }

    static List<String> path(JsonNode p) {
        List<String> path = new ArrayList<>();
        for (JsonNode e : p) {
            if (e.has("f")) {
                path.add(FieldSet.field(e.get("f").asText()));
            } else if (e.has("k")) {
                Map<String, JsonNode> keys = new LinkedHashMap<>();
                e.get("k").fields().forEachRemaining(k -> keys.put(k.getKey(), k.getValue()));
                path.add(FieldSet.key(keys));
            } else if (e.has("v")) {
                path.add(FieldSet.value(e.get("v")));
            } else {
                path.add(FieldSet.index(e.get("i").asInt()));
            }
        }
        return path;
    }

    @TestFactory
    Stream<DynamicTest> merge() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-merge.json")) {
            Structure s = root(c);
            int i = 0;
            for (JsonNode t : c.get("triplets")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + i++, () -> {
                    JsonNode got = Fields.merge(yaml(t.get("lhs").asText()), yaml(t.get("rhs").asText()), s);
                    assertEquals(yaml(t.get("out").asText()), got, t.toString());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Cases whose schema OpenAPI cannot state, so no kube resource has it: "untyped separable" makes
     * the lists of untyped values sets, while OpenAPI's untyped values
     * ({@code x-kubernetes-preserve-unknown-fields}) always have atomic lists.
     */
    static final java.util.Set<String> NOT_OPENAPI = java.util.Set.of("untyped separable");

    @TestFactory
    Stream<DynamicTest> compare() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-symdiff.json")) {
            if (NOT_OPENAPI.contains(c.get("name").asText())) {
                continue;
            }
            Structure s = root(c);
            int i = 0;
            for (JsonNode q : c.get("quints")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + i++, () -> {
                    JsonNode lhs = yaml(q.get("lhs").asText());
                    JsonNode rhs = yaml(q.get("rhs").asText());
                    Fields.Comparison got = Fields.compare(lhs, rhs, s);
                    assertEquals(set(q.get("added")), got.added(), "added " + q);
                    assertEquals(set(q.get("modified")), got.modified(), "modified " + q);
                    assertEquals(set(q.get("removed")), got.removed(), "removed " + q);
                    Fields.Comparison reverse = Fields.compare(rhs, lhs, s);
                    assertEquals(set(q.get("removed")), reverse.added(), "reverse added " + q);
                    assertEquals(set(q.get("modified")), reverse.modified(), "reverse modified " + q);
                    assertEquals(set(q.get("added")), reverse.removed(), "reverse removed " + q);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> toFieldSet() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-toset.json")) {
            Structure s = root(c);
            int i = 0;
            for (JsonNode p : c.get("pairs")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + i++, () ->
                        assertEquals(set(p.get("set")), Fields.toFieldSet(yaml(p.get("object").asText()), s), p.toString())));
            }
        }
        return tests.stream();
    }

    /** The extraction of an SMD case's object by the field manager of its schema. */
    private static JsonNode extract(JsonNode c, JsonNode object, FieldSet items, boolean withKeyFields) throws Exception {
        SmdSchemas schemas = SmdSchemas.parse(c.get("schema").asText());
        return new FieldManager(schemas.type(c.get("rootTypeName").asText()), schemas.refs(), "v1").extractItems(object, items, withKeyFields);
    }

    private static void assertSameValue(JsonNode want, JsonNode got, String message) {
        if (!Fields.sameValue(want, got)) {
            assertEquals(want, got, message);
        }
    }

    /** removeCases' extractions (ExtractItems); the ones Go marks "unparseable" are not checked there either. */
    @TestFactory
    Stream<DynamicTest> extractItems() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-extract.json").get("removeCases")) {
            int i = 0;
            for (JsonNode q : c.get("quadruplets")) {
                int n = i++;
                if (q.get("extractOutput").asText().equals("unparseable")) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + n, () -> {
                    JsonNode got = extract(c, yaml(q.get("object").asText()), set(q.get("set")), false);
                    assertSameValue(yaml(q.get("extractOutput").asText()), got, q.toString());
                }));
            }
        }
        assertEquals(50, tests.size(), "extractions checked");
        return tests.stream();
    }

    /**
     * reversibleExtractCases: a partial object merged into an object, then the leaves of its field set
     * extracted from the result, give the partial object back.
     */
    @TestFactory
    Stream<DynamicTest> reversibleExtract() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-extract.json").get("reversibleExtractCases")) {
            Structure s = root(c);
            int i = 0;
            for (JsonNode p : c.get("pairs")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + i++, () -> {
                    JsonNode pso = yaml(p.get("pso").asText());
                    JsonNode merged = Fields.merge(yaml(p.get("object").asText()), pso, s);
                    JsonNode got = extract(c, merged, Fields.toFieldSet(pso, s).leaves(), false);
                    assertSameValue(pso, got, p.toString());
                }));
            }
        }
        return tests.stream();
    }

    /** extractWithKeysCases: ExtractItems with WithAppendKeyFields. */
    @TestFactory
    Stream<DynamicTest> extractWithKeys() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("smd-typed-extract.json").get("extractWithKeysCases")) {
            int i = 0;
            for (JsonNode t : c.get("triplets")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " #" + i++, () -> {
                    JsonNode got = extract(c, yaml(t.get("object").asText()), set(t.get("set")), true);
                    assertSameValue(yaml(t.get("wantOutput").asText()), got, t.toString());
                }));
            }
        }
        return tests.stream();
    }
}
