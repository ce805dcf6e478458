package io.kapi.machinery.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * When a managedFields entry's time moves, on kube's own cases
 * ({@code k8s.io/apimachinery/pkg/util/managedfields/internal/managedfieldsupdater_test.go}, translated):
 * a write that changes a field its manager owns moves that manager's time, even when what it owns
 * stays the same; a write that changes nothing, or only other managers' fields, moves nobody else's.
 */
class FieldManagerTimesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String T0 = "2026-12-05T08:00:00Z";
    private static final String T1 = "2026-12-05T09:00:00Z";

    private final FieldManager configMaps;

    FieldManagerTimesTest() throws Exception {
        configMaps = new FieldManager(json("{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
                + "'metadata':{'type':'object','properties':{'name':{'type':'string'}}},"
                + "'data':{'type':'object','additionalProperties':{'type':'string'}}}}"), null, "v1");
    }

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) MAPPER.readTree(s.replace('\'', '"'));
    }

    private static ObjectNode configMap(String data) throws Exception {
        return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'configmap'},'data':" + data + "}");
    }

    /** The time of {@code manager}'s entry, "" when the entry has none, null when there is no entry. */
    private static String time(ObjectNode o, String manager) {
        for (JsonNode e : o.at("/metadata/managedFields")) {
            if (e.get("manager").asText().equals(manager)) {
                return e.path("time").asText("");
            }
        }
        return null;
    }

    private ObjectNode update(ObjectNode live, String data, String manager, String now) throws Exception {
        ObjectNode written = configMap(data);
        if (live != null) {
            written.with("metadata").set("managedFields", live.at("/metadata/managedFields").deepCopy());
        }
        configMaps.update(live, written, manager, now);
        return written;
    }

    @Test
    void anUpdateThatChangesAnOwnedFieldMovesItsTime() throws Exception {
        ObjectNode live = update(null, "{'key':'value'}", "fieldmanager_test", T0);
        ObjectNode changed = update(live, "{'key':'new-value'}", "fieldmanager_test", T1);
        assertEquals(T1, time(changed, "fieldmanager_test"));
    }

    @Test
    void anUpdateWithoutChangesKeepsTheTime() throws Exception {
        ObjectNode live = update(null, "{'key':'value'}", "fieldmanager_test", T0);
        ObjectNode same = update(live, "{'key':'value'}", "fieldmanager_test", T1);
        assertEquals(T0, time(same, "fieldmanager_test"));
    }

    @Test
    void anApplyThatChangesAnOwnedFieldMovesItsTimeAndOnlyItsTime() throws Exception {
        ObjectNode live = configMaps.apply(null, configMap("{'key_a':'value'}"), "fieldmanager_a_test", false, T0);
        live = configMaps.apply(live, configMap("{'key_b':'value'}"), "fieldmanager_b_test", false, T0);
        ObjectNode changed = configMaps.apply(live, configMap("{'key_a':'new-value'}"), "fieldmanager_a_test", false, T1);
        assertEquals(T1, time(changed, "fieldmanager_a_test"));
        assertEquals(T0, time(changed, "fieldmanager_b_test"));
    }

    @Test
    void anApplyThatChangesNothingKeepsTheTimeAndANewApplierGetsNone() throws Exception {
        ObjectNode live = configMaps.apply(null, configMap("{'key':'value'}"), "fieldmanager_test", false, T0);
        ObjectNode same = configMaps.apply(live, configMap("{'key':'value'}"), "fieldmanager_test", false, T1);
        assertEquals(T0, time(same, "fieldmanager_test"));
        // kube's managedFieldsUpdater stamps an applier only when its apply changed the object
        ObjectNode shared = configMaps.apply(same, configMap("{'key':'value'}"), "another", false, T1);
        assertEquals("", time(shared, "another"));
    }

    @Test
    void takingOverAFieldDoesNotMoveThePreviousManagersTime() throws Exception {
        ObjectNode live = update(null, "{'key':'value'}", "fieldmanager_a_test", T0);
        live = update(live, "{'key':'value','other':'x'}", "fieldmanager_b_test", T0);
        ObjectNode taken = update(live, "{'key':'new-value','other':'x'}", "fieldmanager_b_test", T1);
        // a keeps data itself (a create owns the map it makes), b took data.key
        assertEquals(T0, time(taken, "fieldmanager_a_test"));
        assertEquals(T1, time(taken, "fieldmanager_b_test"));
        assertFalse(taken.at("/metadata/managedFields/0/fieldsV1/f:data").has("f:key"), "a no longer owns data.key");
    }
}
