package io.kapi.machinery.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube's own strategic merge patch vectors (strategicMergePatchRawTestCases of
 * k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, see smp-raw-vectors.README): every case
 * applies its two-way patch to the original and its three-way patch to the current object.
 */
class StrategicMergePatchVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * The test type MergeItem of patch_test.go, whose fields nest MergeItems: its tags are registered
     * for every path up to a depth no vector exceeds.
     */
    static SmpSchema mergeItemSchema() {
        SmpSchema.Builder b = SmpSchema.builder();
        List<String> prefixes = new ArrayList<>(List.of(""));
        for (int depth = 0; depth < 5; depth++) {
            List<String> next = new ArrayList<>();
            for (String p : prefixes) {
                b.mergeList(p + "mergingList", "name");
                b.primitiveMergeList(p + "mergingIntList");
                b.replace(p + "replacingItem");
                b.mergeList(p + "retainKeysMergingList", "name");
                b.mergeList(p + "mergeItemPtr", "name");
                b.primitiveMergeList(p + "retainKeysMap.mergingIntList");
                b.mergeList(p + "retainKeysMap.mergingList", "name");
                for (String child : List.of("mergingList", "mergeItemPtr", "retainKeysMergingList", "retainKeysMap.mergingList", "nonMergingList")) {
                    next.add(p + child + ".");
                }
            }
            prefixes = next;
        }
        return b.build();
    }

    private static JsonNode yaml(String text) throws Exception {
        JsonNode n = YAML.readTree(text);
        return n == null || n.isMissingNode() || n.isNull() ? JSON.createObjectNode() : n;
    }

    private static String canonical(JsonNode n) throws Exception {
        return JSON.writeValueAsString(JSON.treeToValue(n, Object.class));
    }

    @TestFactory
    Stream<DynamicTest> kubeRawVectors() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("smp-raw-vectors.json")) {
            cases = JSON.readTree(in);
        }
        SmpSchema schema = mergeItemSchema();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String description = c.get("description").asText();
            tests.add(DynamicTest.dynamicTest(description + " / two-way", () -> {
                String expected = c.has("twoWayResult") ? c.get("twoWayResult").asText() : c.get("modified").asText();
                ObjectNode result = StrategicMergePatch.apply((ObjectNode) yaml(c.get("original").asText()),
                        (ObjectNode) yaml(c.get("twoWay").asText()), schema, true);
                assertEquals(canonical(yaml(expected)), canonical(result));
            }));
            if (!c.path("result").asText().isBlank()) {
                tests.add(DynamicTest.dynamicTest(description + " / three-way", () -> {
                    ObjectNode result = StrategicMergePatch.apply((ObjectNode) yaml(c.get("current").asText()),
                            (ObjectNode) yaml(c.get("threeWay").asText()), schema, true);
                    assertEquals(canonical(yaml(c.get("result").asText())), canonical(result));
                }));
            }
        }
        return tests.stream();
    }
}
