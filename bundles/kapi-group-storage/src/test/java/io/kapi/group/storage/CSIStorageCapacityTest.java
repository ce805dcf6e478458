package io.kapi.group.storage;

import static io.kapi.group.storage.StorageClassStrategyTest.messages;
import static io.kapi.group.storage.StorageClassStrategyTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** storage.k8s.io/v1 CSIStorageCapacities, with the cases of kube's storage validation_test.go. */
class CSIStorageCapacityTest {
    private static final String VALUE_ERR = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
            + "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private final CSIStorageCapacityStrategy strategy = new CSIStorageCapacityStrategy(StorageGroupProvider.OPENAPI);

    private ObjectNode capacity(String rest) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'csc-1','namespace':'default'},'storageClassName':'fast'" + (rest.isEmpty() ? "" : "," + rest) + "}");
        strategy.applyDefaults(o);
        return o;
    }

    private List<String> validate(String rest) throws Exception {
        return messages(strategy.validate(capacity(rest)));
    }

    @Test
    void quantitiesAreKubesAndNothingElseIsDefaulted() throws Exception {
        ObjectNode o = capacity("'capacity':'1.5Gi','maximumVolumeSize':1024");
        assertEquals("1536Mi", o.get("capacity").asText());
        assertEquals("1024", o.get("maximumVolumeSize").asText());
        ObjectNode unset = capacity("'capacity':null");
        assertFalse(unset.has("capacity"), "null is Go's nil pointer");
        StatusException bad = assertThrows(StatusException.class, () -> capacity("'maximumVolumeSize':'1Mm'"));
        assertEquals("CSIStorageCapacity in version \"v1\" cannot be handled as a CSIStorageCapacity: unable to parse quantity's suffix",
                bad.getMessage());
        assertFalse(strategy.allowUnconditionalUpdate());
        assertFalse(strategy.tracksGeneration());
        assertNull(strategy.validateName("csc-1", false));
    }

    @Test
    void kubesSuccessCases() throws Exception {
        assertEquals(List.of(), validate(""));
        assertEquals(List.of(), validate("'capacity':'1Gi','maximumVolumeSize':'0','nodeTopology':{'matchLabels':{'topology.example.com/zone':'a'},"
                + "'matchExpressions':[{'key':'rack','operator':'In','values':['r1']},{'key':'x','operator':'Exists'}]}"));
        assertEquals(List.of(), validate("'capacity':'0'"));
    }

    @Test
    void kubesErrorCases() throws Exception {
        assertEquals(List.of("storageClassName: Invalid value: \"\": " + VolumeAttachmentTest.SUBDOMAIN_ERR),
                messages(strategy.validate(obj("{'metadata':{'name':'a'}}"))), "an empty class name is invalid, not required");
        assertEquals(List.of("capacity: Invalid value: \"-1Gi\": must be greater than or equal to 0"), validate("'capacity':'-1Gi'"));
        assertEquals(List.of(), validate("'maximumVolumeSize':'-1'"), "kube does not check the maximum volume size");
        assertEquals(List.of("nodeTopology.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "nodeTopology.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                "nodeTopology.matchExpressions[2].operator: Invalid value: \"Near\": not a valid selector operator",
                "nodeTopology.matchExpressions[3].values[0]: Invalid value: \"bad value\": " + VALUE_ERR,
                "nodeTopology.matchLabels: Invalid value: \"-bad\": " + VALUE_ERR),
                validate("'nodeTopology':{'matchExpressions':[{'key':'a','operator':'In'},{'key':'b','operator':'Exists','values':['x']},"
                        + "{'key':'c','operator':'Near'},{'key':'d','operator':'NotIn','values':['bad value']}],'matchLabels':{'z':'-bad'}}")
                        .stream().sorted().toList());
    }

    @Test
    void anUpdateKeepsTopologyAndClassAndToleratesStoredBadLabelValues() throws Exception {
        ObjectNode old = capacity("'nodeTopology':{'matchLabels':{'zone':'a'}}");
        ObjectNode changed = old.deepCopy();
        changed.put("storageClassName", "slow");
        changed.with("nodeTopology").with("matchLabels").put("zone", "b");
        assertEquals(List.of("nodeTopology: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"zone\":\"b\"}, "
                        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
                "storageClassName: Invalid value: \"slow\": field is immutable"), messages(strategy.validateUpdate(changed, old)));
        ObjectNode dropped = old.deepCopy();
        dropped.remove("nodeTopology");
        assertEquals(List.of("nodeTopology: Invalid value: null: field is immutable"), messages(strategy.validateUpdate(dropped, old)));
        ObjectNode capacityChange = old.deepCopy();
        capacityChange.put("capacity", "2Gi");
        assertEquals(List.of(), messages(strategy.validateUpdate(capacityChange, old)), "the capacity may change");
        ObjectNode stored = capacity("'nodeTopology':{'matchExpressions':[{'key':'k','operator':'In','values':['bad value']}]}");
        assertEquals(List.of(), messages(strategy.validateUpdate(stored.deepCopy(), stored)),
                "label values the stored object already had are let through");
    }

    @Test
    void printerIsKubesWithoutAge() throws Exception {
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Name", "StorageClassName", "Capacity"), columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of("csc-1", "fast", "1536Mi"), strategy.table().cells(capacity("'capacity':'1.5Gi'")));
        assertEquals(List.of("csc-1", "fast", "<unset>"), strategy.table().cells(capacity("")));
    }
}
