package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * structured-merge-diff's real-world data ({@code internal/testdata}, gzipped in smd-testdata/, see
 * smd-vectors.README): kube's schema in SMD's language (and two variants that override some fields'
 * element relationship), a Pod, a Node, Endpoints, a CRD and a custom resource.
 * <ul>
 *   <li>{@code internal/cli/main_test.go} TestFieldSet: what each of the four kube objects adds to an
 *       empty one (SMD's {@code empty.Compare(object).Added}: what a create owns), as SMD writes it
 *       (podset.json, ...);</li>
 *   <li>{@code merge/real_test.go} BenchmarkOperations (the 54 entries of smd-merge-ops.json with a
 *       {@code schemaFile}): the benchmark only requires that no operation fails; here also the live
 *       object is the one written, every applier owns the object's field set and the creating updater
 *       what the object adds to an empty one (that set of TestFieldSet where there is one; what kube's
 *       stripMeta leaves out aside), and an updater that changes nothing owns nothing.</li>
 * </ul>
 */
class SmdRealDataTest {
    private static final String NOW = "2026-12-05T08:00:00Z";
    /** kube's stripMeta: what no managedFields entry records. */
    private static final Map<String, String> DATA = new HashMap<>();
    /** The TestFieldSet set of each kube object (on k8s-schema.yaml). */
    private static final Map<String, String> SETS = Map.of("internal/testdata/pod.yaml", "podset.json",
            "internal/testdata/node.yaml", "nodeset.json", "internal/testdata/endpoints.yaml", "endpointsset.json",
            "internal/testdata/prometheus-crd.yaml", "prometheus-crdset.json");
    private static final Map<String, SmdSchemas> SCHEMAS = new HashMap<>();

    /** What {@code object} adds to an empty one (SMD's {@code empty.Compare(object).Added}). */
    private static FieldSet added(JsonNode object, Structure s) {
        return Fields.compare(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), object, s).added();
    }

    /** A file of SMD's internal/testdata. */
    private static synchronized String data(String path) {
        return DATA.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), name -> {
            try (InputStream in = new GZIPInputStream(SmdRealDataTest.class.getResourceAsStream("smd-testdata/" + name + ".gz"))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static synchronized SmdSchemas schemas(String path) throws Exception {
        SmdSchemas s = SCHEMAS.get(path);
        if (s == null) {
            s = SmdSchemas.parse(data(path));
            SCHEMAS.put(path, s);
        }
        return s;
    }

    private static ObjectNode object(String path) throws Exception {
        return (ObjectNode) StructuredMergeDiffVectorsTest.yaml(data(path));
    }

    @TestFactory
    Stream<DynamicTest> fieldSets() {
        String[][] cases = {
            {"pod.yaml", "io.k8s.api.core.v1.Pod", "podset.json"},
            {"node.yaml", "io.k8s.api.core.v1.Node", "nodeset.json"},
            {"endpoints.yaml", "io.k8s.api.core.v1.Endpoints", "endpointsset.json"},
            {"prometheus-crd.yaml", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinition",
                "prometheus-crdset.json"},
        };
        return Stream.of(cases).map(c -> DynamicTest.dynamicTest(c[1], () -> {
            SmdSchemas s = schemas("k8s-schema.yaml");
            FieldSet want = FieldSet.fromFieldsV1(StructuredMergeDiffVectorsTest.yaml(data(c[2])));
            assertEquals(want, added(object(c[0]), Structure.of(s.type(c[1]), s.refs())));
        }));
    }

    @TestFactory
    Stream<DynamicTest> benchmarkOperations() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : StructuredMergeDiffVectorsTest.load("smd-merge-ops.json")) {
            if (c.hasNonNull("schemaFile")) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> run(c)));
            }
        }
        assertEquals(54, tests.size(), "real_test.go entries");
        return tests.stream();
    }

    private static void run(JsonNode c) throws Exception {
        SmdSchemas s = schemas(c.get("schemaFile").asText());
        String type = c.get("rootTypeName").asText();
        ObjectNode live = null;
        ObjectNode written = null;
        Set<String> owners = new HashSet<>();
        Set<String> appliers = new HashSet<>();
        for (JsonNode op : c.get("ops")) {
            FieldManager fm = new FieldManager(s.type(type), s.refs(), op.get("apiVersion").asText());
            written = object(op.get("objectFile").asText());
            String manager = op.get("manager").asText();
            if (op.get("type").asText().equals("Update")) {
                if (live == null) {
                    owners.add(manager);
                } else {
                    written.with("metadata").set("managedFields", live.at("/metadata/managedFields").deepCopy());
                }
                fm.update(live, written, manager, NOW);
                live = written;
            } else {
                live = fm.apply(live, written, manager, op.get("type").asText().equals("ForceApply"), NOW);
                owners.add(manager);
                appliers.add(manager);
            }
        }
        ObjectNode got = live.deepCopy();
        ((ObjectNode) got.get("metadata")).remove("managedFields");
        assertEquals(object(c.get("ops").get(0).get("objectFile").asText()), got, "the live object");
        Structure root = Structure.of(s.type(type), s.refs());
        String setFile = SETS.get(c.get("ops").get(0).get("objectFile").asText());
        FieldSet created = setFile != null && c.get("schemaFile").asText().endsWith("/k8s-schema.yaml")
                ? FieldSet.fromFieldsV1(StructuredMergeDiffVectorsTest.yaml(data(setFile))) : added(got, root);
        Map<String, FieldSet> want = new HashMap<>();
        for (String owner : owners) {
            want.put(owner, (appliers.contains(owner) ? Fields.toFieldSet(got, root) : created).difference(FieldManager.STRIPPED));
        }
        Map<String, FieldSet> owned = new HashMap<>();
        for (JsonNode e : live.at("/metadata/managedFields")) {
            owned.merge(e.get("manager").asText(), FieldSet.fromFieldsV1(e.get("fieldsV1")), FieldSet::union);
        }
        assertEquals(want, owned, "managers");
    }
}
