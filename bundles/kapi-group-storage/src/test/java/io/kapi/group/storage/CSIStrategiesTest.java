package io.kapi.group.storage;

import static io.kapi.group.storage.StorageClassStrategyTest.messages;
import static io.kapi.group.storage.StorageClassStrategyTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** storage.k8s.io/v1 CSIDrivers and CSINodes, with the cases of kube's storage validation_test.go. */
class CSIStrategiesTest {
    private final CSIDriverStrategy drivers = new CSIDriverStrategy(StorageGroupProvider.OPENAPI);
    private final CSINodeStrategy nodes = new CSINodeStrategy();

    private ObjectNode driver(String spec) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'com.google.gcepd'},'spec':{" + spec + "}}");
        drivers.applyDefaults(o);
        return o;
    }

    private List<String> validateDriver(String spec) throws Exception {
        return messages(drivers.validate(driver(spec)));
    }

    @Test
    void driverDefaultsAreKubes() throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'d'}}");
        drivers.applyDefaults(o);
        assertEquals(obj("{'attachRequired':true,'podInfoOnMount':false,'storageCapacity':false,'fsGroupPolicy':'ReadWriteOnceWithFSType',"
                + "'volumeLifecycleModes':['Persistent'],'requiresRepublish':false,'seLinuxMount':false}"), o.get("spec"));
        ObjectNode set = driver("'attachRequired':false,'fsGroupPolicy':'File','volumeLifecycleModes':['Ephemeral'],'seLinuxMount':true");
        assertFalse(set.at("/spec/attachRequired").asBoolean());
        assertEquals("File", set.at("/spec/fsGroupPolicy").asText());
        assertEquals("Ephemeral", set.at("/spec/volumeLifecycleModes/0").asText());
        assertTrue(set.at("/spec/seLinuxMount").asBoolean());
        ObjectNode emptyModes = driver("'volumeLifecycleModes':[]");
        assertEquals("[\"Persistent\"]", emptyModes.at("/spec/volumeLifecycleModes").toString());
        assertTrue(drivers.tracksGeneration(), "kube sets generation 1 and raises it on a spec change");
        assertFalse(drivers.allowUnconditionalUpdate());
        assertNull(drivers.validateName("com.google.gcepd", false));
    }

    @Test
    void kubesDriverCases() throws Exception {
        assertEquals(List.of(), validateDriver(""));
        assertEquals(List.of(), validateDriver("'podInfoOnMount':true,'storageCapacity':true,'requiresRepublish':true,"
                + "'volumeLifecycleModes':['Persistent','Ephemeral'],'fsGroupPolicy':'None',"
                + "'tokenRequests':[{'audience':'gcp'},{'audience':'','expirationSeconds':600},{'audience':'max','expirationSeconds':4294967296}]"));
        assertEquals(List.of("spec.fsGroupPolicy: Unsupported value: \"invalid-mode\": supported values: \"File\", \"None\", "
                + "\"ReadWriteOnceWithFSType\""), validateDriver("'fsGroupPolicy':'invalid-mode'"));
        assertEquals(List.of("spec.volumeLifecycleModes: Unsupported value: \"no-such-mode\": supported values: \"Persistent\", \"Ephemeral\""),
                validateDriver("'volumeLifecycleModes':['Persistent','no-such-mode']"));
        assertEquals(List.of("spec.tokenRequests[1].audience: Duplicate value: \"gcp\"",
                "spec.tokenRequests[2].expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes",
                "spec.tokenRequests[3].expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"),
                validateDriver("'tokenRequests':[{'audience':'gcp'},{'audience':'gcp','expirationSeconds':1},"
                        + "{'audience':'a','expirationSeconds':599},{'audience':'b','expirationSeconds':4294967297}]"));
        // the required flags can only be missing when defaulting did not run
        assertEquals(List.of("spec.attachedRequired: Required value", "spec.podInfoOnMount: Required value",
                "spec.storageCapacity: Required value", "spec.seLinuxMount: Required value"), messages(drivers.validate(obj("{'spec':{}}"))));
    }

    @Test
    void kubesDriverUpdateCases() throws Exception {
        ObjectNode old = driver("'attachRequired':true,'podInfoOnMount':false");
        // mutable: podInfoOnMount, storageCapacity, fsGroupPolicy, tokenRequests, requiresRepublish, seLinuxMount
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.get("spec")).put("podInfoOnMount", true).put("storageCapacity", true).put("fsGroupPolicy", "File")
                .put("requiresRepublish", true).put("seLinuxMount", true).putArray("tokenRequests").addObject().put("audience", "x");
        assertEquals(List.of(), messages(drivers.validateUpdate(changed, old)));
        ObjectNode attach = old.deepCopy();
        ((ObjectNode) attach.get("spec")).put("attachRequired", false);
        assertEquals(List.of("spec.attachedRequired: Invalid value: false: field is immutable"), messages(drivers.validateUpdate(attach, old)));
        ObjectNode modes = old.deepCopy();
        ((ObjectNode) modes.get("spec")).putArray("volumeLifecycleModes").add("Persistent").add("Ephemeral");
        assertEquals(List.of("spec.volumeLifecycleModes: Invalid value: []storage.VolumeLifecycleMode{\"Persistent\", \"Ephemeral\"}: "
                + "field is immutable"), messages(drivers.validateUpdate(modes, old)));
        ObjectNode bad = old.deepCopy();
        ((ObjectNode) bad.get("spec")).put("fsGroupPolicy", "bad");
        assertEquals(List.of("spec.fsGroupPolicy: Unsupported value: \"bad\": supported values: \"File\", \"None\", \"ReadWriteOnceWithFSType\""),
                messages(drivers.validateUpdate(bad, old)));
    }

    @Test
    void driverPrinterIsKubes() throws Exception {
        List<TableColumn> columns = drivers.table().columns();
        assertEquals(List.of("Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity", "TokenRequests", "RequiresRepublish", "Modes", "Age"),
                columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of("string", "boolean", "boolean", "boolean", "string", "boolean", "string", "string"),
                columns.stream().map(TableColumn::type).toList());
        assertTrue(columns.get(1).description().startsWith("attachRequired indicates this CSI volume driver requires an attach operation"));
        ObjectNode o = driver("'tokenRequests':[{'audience':'a'},{'audience':'b'}],'volumeLifecycleModes':['Persistent','Ephemeral']");
        assertEquals(List.of("com.google.gcepd", true, false, false, "a,b", false, "Persistent,Ephemeral"), drivers.table().cells(o).subList(0, 7));
        ObjectNode bare = obj("{'metadata':{'name':'bare'},'spec':{}}");
        assertEquals(List.of("bare", true, false, false, "<unset>", false, "<none>"), drivers.table().cells(bare).subList(0, 7));
    }

    // ---- CSINode

    private static String driverEntry(String name, String nodeID, String more) {
        return "{'name':'" + name + "','nodeID':'" + nodeID + "'" + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private ObjectNode node(String... entries) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'node1'},'spec':{'drivers':[" + String.join(",", entries) + "]}}");
        nodes.applyDefaults(o);
        return o;
    }

    @Test
    void kubesNodeCases() throws Exception {
        assertEquals(List.of(), messages(nodes.validate(node())));
        assertEquals(List.of(), messages(nodes.validate(node(driverEntry("io.kubernetes.storage.csi.driver", "nodeA",
                "'topologyKeys':['company.com/zone1','company.com/zone2'],'allocatable':{'count':0}"),
                driverEntry("driver2", "nodeA", "")))));
        assertEquals(List.of(), messages(nodes.validate(node(driverEntry("d", "a".repeat(256), "")))), "long node IDs are allowed");
        assertEquals(List.of("spec.drivers[0].nodeID: Invalid value: \"" + "a".repeat(257) + "\": must be 256 characters or less"),
                messages(nodes.validate(node(driverEntry("d", "a".repeat(257), "")))));
        assertEquals(List.of("spec.drivers[0].nodeID: Required value"), messages(nodes.validate(node(driverEntry("d", "", "")))));
        assertEquals(List.of("spec.drivers[0].allocatable.count: Invalid value: -1: must be greater than or equal to 0"),
                messages(nodes.validate(node(driverEntry("d", "n", "'allocatable':{'count':-1}")))));
        assertEquals(List.of("spec.drivers[1].name: Duplicate value: \"d\""),
                messages(nodes.validate(node(driverEntry("d", "n", ""), driverEntry("d", "m", "")))));
        assertEquals(List.of("spec.drivers[0].name: Required value",
                "spec.drivers[0].name: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
                        + "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                messages(nodes.validate(node(driverEntry("", "n", "")))));
        assertEquals(List.of(), messages(nodes.validate(node(driverEntry("Io.Kubernetes.CSI", "n", "")))), "checked lower-cased");
        List<String> tooLong = messages(nodes.validate(node(driverEntry("a".repeat(64), "n", ""))));
        assertEquals("spec.drivers[0].name: Too long: may not be more than 63 bytes", tooLong.get(0));
        assertEquals(List.of("spec.drivers[0]: Duplicate value: \"company.com/zone1\""),
                messages(nodes.validate(node(driverEntry("d", "n", "'topologyKeys':['company.com/zone1','company.com/zone1']")))));
        assertEquals(List.of("spec.drivers[0]: Invalid value: []string{\"company.com/zone1\", \"/zone\"}: prefix part must be non-empty"),
                messages(nodes.validate(node(driverEntry("d", "n", "'topologyKeys':['company.com/zone1','/zone']")))));
        List<String> empty = messages(nodes.validate(node(driverEntry("d", "n", "'topologyKeys':['']"))));
        assertEquals("spec.drivers[0]: Required value", empty.get(0));
        assertTrue(empty.get(1).startsWith("spec.drivers[0]: Invalid value: []string{\"\"}: name part must be non-empty"), empty.get(1));
    }

    @Test
    void kubesNodeUpdateCases() throws Exception {
        ObjectNode old = node(driverEntry("d", "n", "'topologyKeys':['company.com/zone1'],'allocatable':{'count':10}"));
        // adding and removing drivers is fine
        assertEquals(List.of(), messages(nodes.validateUpdate(node(driverEntry("d", "n",
                "'topologyKeys':['company.com/zone1'],'allocatable':{'count':10}"), driverEntry("e", "m", "")), old)));
        assertEquals(List.of(), messages(nodes.validateUpdate(node(), old)));
        assertEquals(List.of("spec.drivers: Invalid value: storage.CSINodeDriver{Name:\"d\", NodeID:\"other\", "
                + "TopologyKeys:[]string{\"company.com/zone1\"}, Allocatable:(*storage.VolumeNodeResources)(...)}: field is immutable"),
                messages(nodes.validateUpdate(node(driverEntry("d", "other", "'topologyKeys':['company.com/zone1'],'allocatable':{'count':10}")), old)));
        assertEquals(List.of("spec.drivers: Invalid value: storage.CSINodeDriver{Name:\"d\", NodeID:\"n\", "
                + "TopologyKeys:[]string{\"company.com/zone1\"}, Allocatable:(*storage.VolumeNodeResources)(nil)}: field is immutable"),
                messages(nodes.validateUpdate(node(driverEntry("d", "n", "'topologyKeys':['company.com/zone1']")), old)));
        ObjectNode noKeys = node(driverEntry("d", "n", ""));
        assertEquals(List.of(), messages(nodes.validateUpdate(node(driverEntry("d", "n", "'topologyKeys':[]")), noKeys)),
                "nil and empty topology keys are equal");
        assertFalse(nodes.allowUnconditionalUpdate());
        assertFalse(nodes.tracksGeneration());
    }

    @Test
    void nodePrinterIsKubes() throws Exception {
        assertEquals(List.of("Name", "Drivers", "Age"), nodes.table().columns().stream().map(TableColumn::name).toList());
        assertEquals("integer", nodes.table().columns().get(1).type());
        assertEquals(List.of("node1", 2L), nodes.table().cells(node(driverEntry("d", "n", ""), driverEntry("e", "n", ""))).subList(0, 2));
        ObjectNode bare = obj("{'metadata':{'name':'bare'}}");
        nodes.applyDefaults(bare);
        assertTrue(bare.get("spec").isObject());
        assertEquals(List.of("bare", 0L), nodes.table().cells(bare).subList(0, 2));
    }
}
