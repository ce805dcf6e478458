package io.kapi.group.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The reset fields of the group's status strategies, which the endpoint's field manager ignores on a
 * server-side apply through /status: kube 1.32's GetResetFields (policy/v1), and a status write that
 * keeps the stored values of exactly those of spec, labels, annotations and owner references.
 */
class StatusResetFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** kube 1.32's GetResetFields of each status strategy, by version/resource. */
    private static final Map<String, List<List<String>>> KUBE = Map.of(
            "v1/poddisruptionbudgets", List.of(List.of("spec")));

    private static ObjectNode object(String value) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"metadata":{"name":"x","labels":{"l":"%1$s"},"annotations":{"a":"%1$s"},
                  "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"%1$s","uid":"%1$s"}]},
                 "spec":{"probe":"%1$s"},"status":{}}""".formatted(value));
    }

    private static boolean reset(List<List<String>> paths, String... path) {
        for (List<String> p : paths) {
            if (p.size() <= path.length && p.equals(List.of(path).subList(0, p.size()))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachStatusStrategyStatesKubesResetFields() {
        Map<String, List<List<String>>> stated = new TreeMap<>();
        for (ResourceDefinition d : new PolicyGroupProvider().resources()) {
            if (d.status() != null) {
                stated.put(d.version() + "/" + d.plural(), ((ResetFields) d.status()).resetFields());
            }
        }
        assertEquals(new TreeMap<>(KUBE), stated);
    }

    @Test
    void aStatusWriteKeepsTheStoredValuesOfItsResetFields() throws Exception {
        for (ResourceDefinition d : new PolicyGroupProvider().resources()) {
            if (d.status() == null) {
                continue;
            }
            List<List<String>> paths = ((ResetFields) d.status()).resetFields();
            ObjectNode written = object("new");
            d.status().prepareForUpdate(written, object("old"));
            String what = d.version() + "/" + d.plural();
            assertEquals(reset(paths, "spec") ? "old" : "new", written.at("/spec/probe").asText(), what);
            assertEquals(reset(paths, "metadata", "labels") ? "old" : "new", written.at("/metadata/labels/l").asText(), what);
            assertEquals(reset(paths, "metadata", "annotations") ? "old" : "new", written.at("/metadata/annotations/a").asText(), what);
            assertEquals(reset(paths, "metadata", "ownerReferences") ? "old" : "new",
                    written.at("/metadata/ownerReferences/0/name").asText(), what);
        }
    }
}
