package io.kapi.group.core;

import static io.kapi.group.core.VolumeTests.messages;
import static io.kapi.group.core.VolumeTests.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import io.kapi.machinery.validation.NameValidation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PersistentVolumeClaims as kube 1.32 serves them: defaults, data sources, the cases of kube's
 * TestValidatePersistentVolumeClaim and TestValidatePersistentVolumeClaimUpdate with the messages
 * kube's validation gives them, the status strategy and the printer.
 */
class PersistentVolumeClaimStrategyTest {
    private final PersistentVolumeClaimStrategy claims = new PersistentVolumeClaimStrategy();
    private final PersistentVolumeClaimStatusStrategy status = new PersistentVolumeClaimStatusStrategy();

    /** A claim as a create leaves it: defaulted and prepared. */
    private ObjectNode created(String spec) throws Exception {
        return VolumeTests.created(claims, "{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'data','namespace':'default',"
                + "'creationTimestamp':'2026-01-01T00:00:00Z'},'spec':" + spec + "}");
    }

    private List<String> createErrors(String spec) throws Exception {
        return messages(claims.validate(created(spec)));
    }

    private static final String VALID = "{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}}}";

    @Test
    void aClaimIsDefaultedAndPendingAsOnKube() throws Exception {
        ObjectNode pvc = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1.5Gi'}}}");
        assertEquals("Filesystem", pvc.at("/spec/volumeMode").asText());
        assertEquals("1536Mi", pvc.at("/spec/resources/requests/storage").asText(), "quantities are stored in canonical form");
        assertEquals("{\"phase\":\"Pending\"}", pvc.get("status").toString());
        assertFalse(pvc.at("/metadata").has("finalizers"), "no pvc-protection finalizer: nothing would remove it");
        assertEquals(List.of(), claims.validate(pvc));
        assertEquals("data", claims.selectableFields(pvc).get("name"));
    }

    @Test
    void aQuantityThatIsNotOneIsKubesDecodeError() throws Exception {
        StatusException e = assertThrows(StatusException.class,
                () -> created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'ten'}}}"));
        assertTrue(e.getMessage().startsWith("PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: "
                + "quantities must match the regular expression"), e.getMessage());
    }

    @Test
    void kubesClaimValidationCases() throws Exception {
        assertEquals(List.of(), createErrors(VALID));
        // missing-access-modes
        assertEquals(List.of("spec.accessModes: Required value: at least 1 access mode is required"),
                createErrors("{'resources':{'requests':{'storage':'10G'}}}"));
        // invalid-access-modes
        assertEquals(List.of("spec.accessModes: Unsupported value: \"fakemode\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", "
                + "\"ReadWriteOnce\", \"ReadWriteOncePod\""), createErrors("{'accessModes':['fakemode'],'resources':{'requests':{'storage':'10G'}}}"));
        // with-read-write-once-pod-and-others
        assertEquals(List.of("spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"),
                createErrors("{'accessModes':['ReadWriteOncePod','ReadWriteMany'],'resources':{'requests':{'storage':'10G'}}}"));
        // no-resource-requests
        assertEquals(List.of("spec.resources[storage]: Required value"), createErrors("{'accessModes':['ReadWriteOnce']}"));
        // negative-storage-request, zero-storage-request
        assertEquals(List.of("spec.resources[storage]: Invalid value: \"-10G\": must be greater than zero"),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'-10G'}}}"));
        assertEquals(List.of("spec.resources[storage]: Invalid value: \"0\": must be greater than zero"),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'0'}}}"));
        // invalid-storage-class-name
        String bad = NameValidation.isDNS1123Subdomain("-invalid-").get(0);
        assertEquals(List.of("spec.storageClassName: Invalid value: \"-invalid-\": " + bad),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}},'storageClassName':'-invalid-'}"));
        // invalid-volume-mode
        assertEquals(List.of("spec.volumeMode: Unsupported value: \"fakeVolumeMode\": supported values: \"Block\", \"Filesystem\""),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}},'volumeMode':'fakeVolumeMode'}"));
        // invalid-claim-selector
        assertEquals(List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.selector.matchExpressions[1].operator: Invalid value: \"InvalidOp\": not a valid selector operator"),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}},"
                        + "'selector':{'matchExpressions':[{'key':'key2','operator':'In'},{'key':'key2','operator':'InvalidOp','values':['v']}]}}"));
    }

    @Test
    void dataSourcesAsKubeStoresAndChecksThem() throws Exception {
        // a dataSource that is neither a claim nor a snapshot is dropped (KEP 1495's compatibility)
        ObjectNode pod = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'dataSource':{'kind':'Pod','name':'p'}}");
        assertFalse(pod.get("spec").has("dataSource"));
        assertFalse(pod.get("spec").has("dataSourceRef"));
        // a claim source is copied into dataSourceRef, and back
        ObjectNode clone = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'dataSource':{'kind':'PersistentVolumeClaim','name':'src'}}");
        assertEquals("{\"kind\":\"PersistentVolumeClaim\",\"name\":\"src\"}", clone.at("/spec/dataSourceRef").toString());
        ObjectNode populated = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},"
                + "'dataSourceRef':{'apiGroup':'example.com','kind':'Thing','name':'t'}}");
        assertEquals("{\"apiGroup\":\"example.com\",\"kind\":\"Thing\",\"name\":\"t\"}", populated.at("/spec/dataSource").toString());
        assertEquals(List.of(), claims.validate(populated));
        // CrossNamespaceVolumeDataSource is off: a ref to another namespace is dropped
        ObjectNode cross = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},"
                + "'dataSourceRef':{'apiGroup':'example.com','kind':'Thing','name':'t','namespace':'other'}}");
        assertFalse(cross.get("spec").has("dataSourceRef"));
        // validation of what is kept
        assertEquals(List.of("spec.dataSourceRef.name: Required value",
                "spec.dataSourceRef: Invalid value: \"Thing\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
                "spec: Invalid value: field.Path{name:\"dataSource\", index:\"\", parent:(*field.Path)(0xc000000000)}: must match dataSourceRef"),
                createErrors("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},"
                        + "'dataSource':{'kind':'PersistentVolumeClaim','name':'src'},'dataSourceRef':{'kind':'Thing'}}"));
    }

    private ObjectNode bound(String capacity) throws Exception {
        ObjectNode pvc = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'" + capacity + "'}},'storageClassName':'standard'}");
        ((ObjectNode) pvc.get("spec")).put("volumeName", "pv-1");
        pvc.set("status", obj("{'phase':'Bound','accessModes':['ReadWriteOnce','ReadWriteOncePod'],'capacity':{'storage':'" + capacity + "'}}"));
        return pvc;
    }

    private List<String> updateErrors(ObjectNode old, ObjectNode changed) {
        return VolumeTests.updateErrors(claims, old, changed);
    }

    @Test
    void kubesClaimUpdateCases() throws Exception {
        ObjectNode unbound = created(VALID);
        // volumeName may be set once
        ObjectNode named = unbound.deepCopy();
        ((ObjectNode) named.get("spec")).put("volumeName", "pv-1");
        assertEquals(List.of(), updateErrors(unbound, named));
        // invalid-update-change-storage-class-annotation-after-creation, change-storage-class
        ObjectNode classed = unbound.deepCopy();
        ((ObjectNode) classed.get("spec")).put("storageClassName", "fast");
        ObjectNode reclassed = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}},'storageClassName':'slow'}");
        List<String> errors = updateErrors(created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'10G'}},'storageClassName':'fast'}"), reclassed);
        assertEquals(1, errors.size());
        assertEquals("spec: Forbidden: " + PersistentVolumeClaimStrategy.IMMUTABLE_SPEC + "\n  core.PersistentVolumeClaimSpec{\n"
                + "- \tStorageClassName: \"fast\",\n+ \tStorageClassName: \"slow\",\n  }\n", errors.get(0));
        // valid-upgrade-storage-class-from-nil
        assertEquals(List.of(), updateErrors(unbound, classed));
        // valid-upgrade-storage-class-annotation-to-spec
        ObjectNode annotated = unbound.deepCopy();
        ((ObjectNode) annotated.get("metadata")).putObject("annotations").put(Volumes.BETA_STORAGE_CLASS, "gold");
        ObjectNode upgraded = annotated.deepCopy();
        ((ObjectNode) upgraded.get("spec")).put("storageClassName", "gold");
        assertEquals(List.of(), updateErrors(annotated, upgraded));
        ObjectNode relabelled = annotated.deepCopy();
        ((ObjectNode) relabelled.at("/metadata/annotations")).put(Volumes.BETA_STORAGE_CLASS, "silver");
        assertEquals(List.of("metadata.annotations.volume.beta.kubernetes.io/storage-class: Invalid value: \"silver\": field is immutable"),
                updateErrors(annotated, relabelled));
        // an unbound claim's request may not change
        ObjectNode bigger = unbound.deepCopy();
        ((ObjectNode) bigger.at("/spec/resources/requests")).put("storage", "20G");
        assertTrue(updateErrors(unbound, bigger).get(0).startsWith("spec: Forbidden: " + PersistentVolumeClaimStrategy.IMMUTABLE_SPEC));
        // volumeMode is immutable
        ObjectNode block = unbound.deepCopy();
        ((ObjectNode) block.get("spec")).put("volumeMode", "Block");
        List<String> mode = updateErrors(unbound, block);
        assertEquals("volumeMode: Invalid value: \"Block\": field is immutable", mode.get(mode.size() - 1));
    }

    @Test
    void aBoundClaimMayGrowAndShrinkBackDownToItsCapacityOnly() throws Exception {
        ObjectNode old = bound("10Gi");
        ObjectNode grown = old.deepCopy();
        ((ObjectNode) grown.at("/spec/resources/requests")).put("storage", "20Gi");
        assertEquals(List.of(), updateErrors(old, grown));
        ObjectNode expanding = grown.deepCopy();
        ObjectNode back = grown.deepCopy();
        ((ObjectNode) back.at("/spec/resources/requests")).put("storage", "15Gi");
        assertEquals(List.of(), updateErrors(expanding, back), "RecoverVolumeExpansionFailure: down to above the capacity");
        ObjectNode tooFar = grown.deepCopy();
        ((ObjectNode) tooFar.at("/spec/resources/requests")).put("storage", "10Gi");
        assertEquals(List.of("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"),
                updateErrors(expanding, tooFar));
        // the claim's own causes come twice, as kube's update validation reports them
        ObjectNode invalid = old.deepCopy();
        ((ObjectNode) invalid.get("spec")).put("storageClassName", "");
        invalid.with("spec").putArray("accessModes").add("fakemode");
        List<String> twice = updateErrors(old, invalid);
        assertEquals(twice.get(0), twice.get(1));
        assertTrue(twice.get(0).startsWith("spec.accessModes: Unsupported value: \"fakemode\""));
        // the status stays the stored one
        ObjectNode statusChange = old.deepCopy();
        statusChange.with("status").put("phase", "Lost");
        claims.prepareForUpdate(statusChange, old);
        assertEquals("Bound", statusChange.at("/status/phase").asText());
    }

    @Test
    void volumeAttributesClassIsOffAsIn132() throws Exception {
        ObjectNode pvc = created("{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'volumeAttributesClassName':'gold'}");
        assertFalse(pvc.get("spec").has("volumeAttributesClassName"));
        ObjectNode changed = pvc.deepCopy();
        ((ObjectNode) changed.get("spec")).put("volumeAttributesClassName", "silver");
        assertEquals(List.of(), updateErrors(pvc, changed));
        assertFalse(changed.get("spec").has("volumeAttributesClassName"));
    }

    @Test
    void statusWritesKeepTheSpecAndAreCheckedAsKube() throws Exception {
        ObjectNode old = bound("10Gi");
        ObjectNode written = old.deepCopy();
        ((ObjectNode) written.get("spec")).put("volumeName", "elsewhere");
        written.with("status").put("currentVolumeAttributesClassName", "gold");
        claims.applyDefaults(written);
        status.prepareForUpdate(written, old);
        assertEquals("pv-1", written.at("/spec/volumeName").asText());
        assertFalse(written.get("status").has("currentVolumeAttributesClassName"));
        assertEquals(List.of(), status.validateUpdate(written, old));
        ObjectNode bad = old.deepCopy();
        bad.set("status", obj("{'phase':'Bound','capacity':{'storage':'-1'},'allocatedResources':{'cpu':'1','storage':'10Gi'},"
                + "'allocatedResourceStatuses':{'storage':'Resizing'}}"));
        claims.applyDefaults(bad);
        status.prepareForUpdate(bad, old);
        assertEquals(List.of("status.capacity[storage]: Invalid value: -1: must be a valid resource quantity",
                "status.allocatedResourceStatus: Unsupported value: storage: supported values: \"ControllerResizeInProgress\", "
                        + "\"ControllerResizeInfeasible\", \"NodeResizeInProgress\", \"NodeResizeInfeasible\", \"NodeResizePending\"",
                "status.allocatedResources: Unsupported value: \"cpu\": supported values: \"storage\""),
                messages(status.validateUpdate(bad, old)));
    }

    @Test
    void thePrinterIsKubes() throws Exception {
        List<String> names = claims.table().columns().stream().map(TableColumn::name).toList();
        assertEquals(List.of("Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age",
                "VolumeMode"), names);
        assertEquals(1, claims.table().columns().get(8).priority());
        assertEquals("volumeName is the binding reference to the PersistentVolume backing this claim.",
                claims.table().columns().get(2).description());
        ObjectNode pending = created(VALID);
        List<Object> cells = claims.table().cells(pending);
        assertEquals(List.of("data", "Pending", "", "", "", "", "<unset>"), cells.subList(0, 7));
        assertEquals("Filesystem", cells.get(8));
        ObjectNode bound = bound("10Gi");
        assertEquals(List.of("data", "Bound", "pv-1", "10Gi", "RWO,RWOP", "standard", "<unset>"), claims.table().cells(bound).subList(0, 7));
        bound.with("metadata").put("deletionTimestamp", "2026-01-02T00:00:00Z");
        assertEquals("Terminating", claims.table().cells(bound).get(1));
        bound.with("metadata").putObject("annotations").put(Volumes.BETA_STORAGE_CLASS, "legacy");
        assertEquals("legacy", claims.table().cells(bound).get(5));
        assertNull(pending.get("spec").get("storageClassName"));
    }
}
