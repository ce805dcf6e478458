package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableColumn;
import io.kapi.machinery.validation.NameValidation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PersistentVolumes as kube 1.32 serves them: defaults, the cases of kube's
 * TestValidatePersistentVolumes and TestValidatePersistentVolumeUpdate with the messages kube's
 * validation gives them, the phase transition time, the printer and the registration.
 */
class PersistentVolumeStrategyTest {
    private final PersistentVolumeStrategy volumes = new PersistentVolumeStrategy();
    private final PersistentVolumeStatusStrategy status = new PersistentVolumeStatusStrategy();

    private ObjectNode created(String spec) throws Exception {
        return VolumeTests.created(volumes, "{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'foo','creationTimestamp':'2026-01-01T00:00:00Z'},"
                + "'spec':" + spec + "}");
    }

    private List<String> createErrors(String spec) throws Exception {
        return messages(volumes.validate(created(spec)));
    }

    private static final String HOST_PATH = "'hostPath':{'path':'/foo','type':'Directory'}";
    private static final String GOOD = "{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce']," + HOST_PATH + "}";

    @Test
    void aVolumeIsDefaultedAndPendingAsOnKube() throws Exception {
        ObjectNode pv = created("{'capacity':{'storage':'10240Mi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/data'}}");
        assertEquals("Retain", pv.at("/spec/persistentVolumeReclaimPolicy").asText());
        assertEquals("Filesystem", pv.at("/spec/volumeMode").asText());
        assertEquals("", pv.at("/spec/hostPath/type").asText());
        assertTrue(pv.at("/spec/hostPath").has("type"));
        assertEquals("10Gi", pv.at("/spec/capacity/storage").asText());
        assertEquals("Pending", pv.at("/status/phase").asText());
        assertFalse(pv.at("/status/lastPhaseTransitionTime").asText("").isEmpty());
        assertFalse(pv.at("/metadata").has("finalizers"), "no pv-protection finalizer: nothing would remove it");
        assertEquals(List.of(), volumes.validate(pv));
        assertEquals("foo", volumes.selectableFields(pv).get("name"));
        ObjectNode rbd = created("{'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'rbd':{'monitors':['m'],'image':'i'}}");
        assertEquals("{\"monitors\":[\"m\"],\"image\":\"i\",\"pool\":\"rbd\",\"user\":\"admin\",\"keyring\":\"/etc/ceph/keyring\"}",
                rbd.at("/spec/rbd").toString());
    }

    @Test
    void kubesVolumeValidationCases() throws Exception {
        assertEquals(List.of(), createErrors(GOOD));
        assertEquals(List.of(), createErrors("{'capacity':{'storage':'10'},'accessModes':['ReadWriteOncePod']," + HOST_PATH + "}"));
        // invalid-accessmode
        assertEquals(List.of("spec.accessModes: Unsupported value: \"fakemode\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", "
                + "\"ReadWriteOnce\", \"ReadWriteOncePod\""), createErrors("{'capacity':{'storage':'10G'},'accessModes':['fakemode']," + HOST_PATH + "}"));
        // invalid-reclaimpolicy
        assertEquals(List.of("spec.persistentVolumeReclaimPolicy: Unsupported value: \"fakeReclaimPolicy\": supported values: \"Delete\", "
                + "\"Recycle\", \"Retain\""), createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],"
                + "'persistentVolumeReclaimPolicy':'fakeReclaimPolicy'," + HOST_PATH + "}"));
        // invalid-volume-mode
        assertEquals(List.of("spec.volumeMode: Unsupported value: \"fakeVolumeMode\": supported values: \"Block\", \"Filesystem\""),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'volumeMode':'fakeVolumeMode'," + HOST_PATH + "}"));
        // with-read-write-once-pod-and-others
        assertEquals(List.of("spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOncePod','ReadWriteMany']," + HOST_PATH + "}"));
        // missing-volume-source
        assertEquals(List.of("spec: Required value: must specify a volume type"),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce']}"));
        // missing-capacity
        assertEquals(List.of("spec.capacity: Required value", "spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\""),
                createErrors("{'accessModes':['ReadWriteOnce']," + HOST_PATH + "}"));
        // bad-volume-zero-capacity
        assertEquals(List.of("spec.capacity[storage]: Invalid value: \"0\": must be greater than zero"),
                createErrors("{'capacity':{'storage':'0'},'accessModes':['ReadWriteOnce']," + HOST_PATH + "}"));
        // missing-accessmodes
        assertEquals(List.of("spec.accessModes: Required value"), createErrors("{'capacity':{'storage':'10G'}," + HOST_PATH + "}"));
        // too-many-sources
        assertEquals(List.of("spec.accessModes: Required value", "spec.gcePersistentDisk: Forbidden: may not specify more than 1 volume type"),
                createErrors("{'capacity':{'storage':'5G'}," + HOST_PATH + ",'gcePersistentDisk':{'pdName':'foo','fsType':'ext4'}}"));
        // host mount of / with recycle reclaim policy, and its "/a/.." variant
        assertEquals(List.of("spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/','type':'Directory'},"
                        + "'persistentVolumeReclaimPolicy':'Recycle'}"));
        assertEquals(List.of("spec.hostPath.path: Invalid value: \"/a/..\": must not contain '..'",
                "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a/..','type':'Directory'},"
                        + "'persistentVolumeReclaimPolicy':'Recycle'}"));
        // invalid-storage-class-name
        assertEquals(List.of("spec.storageClassName: Invalid value: \"-invalid-\": " + NameValidation.isDNS1123Subdomain("-invalid-").get(0)),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'storageClassName':'-invalid-'," + HOST_PATH + "}"));
        // a hostPath type kube does not know
        assertEquals(List.of("spec.hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", "
                + "\"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""),
                createErrors("{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/x','type':'Dir'}}"));
    }

    @Test
    void capacityIsStorageOnly() throws Exception {
        assertEquals(List.of("spec.capacity: Unsupported value: core.ResourceList{\"cpu\":resource.Quantity{i:resource.int64Amount{value:1, scale:0}, "
                + "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"1\", Format:\"DecimalSI\"}, \"storage\":resource.Quantity{i:resource."
                + "int64Amount{value:10, scale:9}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"10G\", Format:\"DecimalSI\"}}: "
                + "supported values: \"storage\""),
                createErrors("{'capacity':{'storage':'10G','cpu':'1'},'accessModes':['ReadWriteOnce']," + HOST_PATH + "}"));
        assertEquals(List.of("spec.capacity[storage]: Invalid value: -1: must be a valid resource quantity",
                "spec.capacity[storage]: Invalid value: \"-1\": must be greater than zero"),
                createErrors("{'capacity':{'storage':'-1'},'accessModes':['ReadWriteOnce']," + HOST_PATH + "}"));
    }

    @Test
    void kubesVolumeSourceAndAffinityCases() throws Exception {
        String base = "{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],";
        // volume-empty-node-affinity
        assertEquals(List.of("spec.nodeAffinity.required: Required value: must specify required node constraints"),
                createErrors(base + HOST_PATH + ",'nodeAffinity':{}}"));
        // volume-bad-node-affinity: a requirement without a key
        List<String> noKey = createErrors(base + HOST_PATH + ",'nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':"
                + "[{'operator':'In','values':['test-label-value']}]}]}}}");
        assertEquals(2, noKey.size());
        assertEquals("spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: \"\": name part must be non-empty",
                noKey.get(0));
        assertEquals(List.of("spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term"),
                createErrors(base + HOST_PATH + ",'nodeAffinity':{'required':{}}}"));
        String affinity = "'nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname',"
                + "'operator':'In','values':['node-1']}]}]}}";
        // local volumes need node affinity
        assertEquals(List.of("spec.nodeAffinity: Required value: Local volume requires node affinity"),
                createErrors(base + "'local':{'path':'/mnt/disks/ssd1'}}"));
        assertEquals(List.of(), createErrors(base + "'local':{'path':'/mnt/disks/ssd1'}," + affinity + "}"));
        assertEquals(List.of("spec.local.path: Invalid value: \"/foo/../bar\": must not contain '..'"),
                createErrors(base + "'local':{'path':'/foo/../bar'}," + affinity + "}"));
        // nfs
        assertEquals(List.of("spec.nfs.server: Required value", "spec.nfs.path: Invalid value: \"share\": must be an absolute path"),
                createErrors(base + "'nfs':{'path':'share'}}"));
        // csi
        assertEquals(List.of("spec.csi.driver: Required value", "spec.csi.driver: Invalid value: \"\": "
                + NameValidation.isDNS1123Subdomain("").get(0), "spec.csi.volumeHandle: Required value",
                "spec.csi.nodePublishSecretRef.namespace: Required value"),
                createErrors(base + "'csi':{'nodePublishSecretRef':{'name':'s'}}}"));
        assertEquals(List.of(), createErrors(base + "'csi':{'driver':'ebs.csi.aws.com','volumeHandle':'vol-1'}}"));
        // mount options only for the plugins that take them
        ObjectNode mounted = created(GOOD);
        mounted.with("metadata").putObject("annotations").put(PersistentVolumeStrategy.MOUNT_OPTIONS, "ro");
        assertEquals(List.of("metadata.annotations.volume.beta.kubernetes.io/mount-options: Forbidden: may not specify mount options for this volume type"),
                messages(volumes.validate(mounted)));
    }

    private List<String> updateErrors(ObjectNode old, ObjectNode changed) {
        return VolumeTests.updateErrors(volumes, old, changed);
    }

    @Test
    void kubesVolumeUpdateCases() throws Exception {
        ObjectNode old = created(GOOD);
        // what may change: capacity, claimRef, class, reclaim policy
        ObjectNode claimed = old.deepCopy();
        ((ObjectNode) claimed.get("spec")).putObject("claimRef").put("namespace", "default").put("name", "data");
        ((ObjectNode) claimed.get("spec")).put("persistentVolumeReclaimPolicy", "Delete");
        ((ObjectNode) claimed.at("/spec/capacity")).put("storage", "20G");
        assertEquals(List.of(), updateErrors(old, claimed));
        // the source is immutable
        ObjectNode moved = old.deepCopy();
        ((ObjectNode) moved.at("/spec/hostPath")).put("path", "/bar");
        List<String> errors = updateErrors(old, moved);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"));
        // so is the volume mode
        ObjectNode block = old.deepCopy();
        ((ObjectNode) block.get("spec")).put("volumeMode", "Block");
        assertEquals(List.of("volumeMode: Invalid value: \"Block\": field is immutable"), updateErrors(old, block));
        // a CSI volume may be given a controllerExpandSecretRef
        ObjectNode csi = created("{'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'csi':{'driver':'d.example.com','volumeHandle':'h'}}");
        ObjectNode expandable = csi.deepCopy();
        ((ObjectNode) expandable.at("/spec/csi")).putObject("controllerExpandSecretRef").put("name", "s").put("namespace", "ns");
        assertEquals(List.of(), updateErrors(csi, expandable));
        // the causes of the volume itself come twice, as kube's update validation reports them
        ObjectNode invalid = old.deepCopy();
        ((ObjectNode) invalid.get("spec")).putArray("accessModes");
        assertEquals(List.of("spec.accessModes: Required value", "spec.accessModes: Required value"), updateErrors(old, invalid));
    }

    @Test
    void nodeAffinityIsImmutableButForBetaLabelsBecomingGA() throws Exception {
        String spec = "{'capacity':{'storage':'10G'},'accessModes':['ReadWriteOnce'],'local':{'path':'/mnt'},'nodeAffinity':{'required':"
                + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'%s','operator':'In','values':['%s']}]}]}}}";
        ObjectNode old = created(String.format(spec, "failure-domain.beta.kubernetes.io/zone", "a"));
        assertEquals(List.of(), updateErrors(old, created(String.format(spec, "topology.kubernetes.io/zone", "a"))));
        assertEquals(List.of("nodeAffinity: Invalid value: core.VolumeNodeAffinity{Required:(*core.NodeSelector)(0xc000000000)}: "
                + "field is immutable, except for updating from beta label to GA"),
                updateErrors(old, created(String.format(spec, "failure-domain.beta.kubernetes.io/zone", "b"))));
        // one may be added where there was none
        ObjectNode none = created(GOOD);
        ObjectNode pinned = none.deepCopy();
        ((ObjectNode) pinned.get("spec")).set("nodeAffinity", old.at("/spec/nodeAffinity").deepCopy());
        assertEquals(List.of(), updateErrors(none, pinned));
    }

    @Test
    void aPhaseChangeRecordsItsTime() throws Exception {
        ObjectNode old = created(GOOD);
        old.with("status").put("lastPhaseTransitionTime", "2026-01-01T00:00:00Z");
        ObjectNode same = old.deepCopy();
        ((ObjectNode) same.get("status")).remove("lastPhaseTransitionTime");
        ((ObjectNode) same.get("spec")).put("storageClassName", "ignored");
        volumes.applyDefaults(same);
        status.prepareForUpdate(same, old);
        assertEquals("2026-01-01T00:00:00Z", same.at("/status/lastPhaseTransitionTime").asText());
        assertFalse(same.get("spec").has("storageClassName"), "a status write keeps the stored spec");
        ObjectNode available = old.deepCopy();
        available.with("status").put("phase", "Available");
        status.prepareForUpdate(available, old);
        assertNotEquals("2026-01-01T00:00:00Z", available.at("/status/lastPhaseTransitionTime").asText());
        ObjectNode chosen = old.deepCopy();
        chosen.with("status").put("phase", "Released").put("lastPhaseTransitionTime", "2026-02-02T00:00:00Z");
        status.prepareForUpdate(chosen, old);
        assertEquals("2026-02-02T00:00:00Z", chosen.at("/status/lastPhaseTransitionTime").asText());
        assertEquals(List.of(), status.validateUpdate(chosen, old));
    }

    @Test
    void thePrinterIsKubes() throws Exception {
        assertEquals(List.of("Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
                "VolumeAttributesClass", "Reason", "Age", "VolumeMode"), volumes.table().columns().stream().map(TableColumn::name).toList());
        assertEquals(1, volumes.table().columns().get(10).priority());
        ObjectNode pv = created("{'capacity':{'storage':'10240Mi'},'accessModes':['ReadWriteMany','ReadWriteOnce'],'storageClassName':'manual',"
                + "'claimRef':{'namespace':'default','name':'data'}," + HOST_PATH + "}");
        pv.with("status").put("phase", "Bound");
        List<Object> cells = volumes.table().cells(pv);
        assertEquals(List.of("foo", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "manual", "<unset>", ""), cells.subList(0, 9));
        assertEquals("Filesystem", cells.get(10));
        ObjectNode bare = created(GOOD);
        assertEquals(List.of("foo", "10G", "RWO", "Retain", "Pending", "", "", "<unset>", ""), volumes.table().cells(bare).subList(0, 9));
    }

    @Test
    void bothKindsAreServedByTheCoreGroup() {
        ResourceDefinition pvc = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("persistentvolumeclaims"))
                .findFirst().orElseThrow();
        assertTrue(pvc.namespaced());
        assertEquals(List.of("pvc"), pvc.shortNames());
        assertEquals(List.of(), pvc.categories());
        assertTrue(pvc.status() instanceof PersistentVolumeClaimStatusStrategy);
        ResourceDefinition pv = new CoreGroupProvider().resources().stream().filter(r -> r.plural().equals("persistentvolumes"))
                .findFirst().orElseThrow();
        assertFalse(pv.namespaced());
        assertEquals(List.of("pv"), pv.shortNames());
        assertEquals("persistentvolume", pv.singular());
        assertTrue(pv.status() instanceof PersistentVolumeStatusStrategy);
        assertEquals("object", pv.schema().path("type").asText());
    }
}
