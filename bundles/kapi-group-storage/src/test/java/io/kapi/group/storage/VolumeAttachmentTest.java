package io.kapi.group.storage;

import static io.kapi.group.storage.StorageClassStrategyTest.messages;
import static io.kapi.group.storage.StorageClassStrategyTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** storage.k8s.io/v1 VolumeAttachments, with the cases of kube's storage validation_test.go. */
class VolumeAttachmentTest {
    static final String SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    static final String LABEL_ERR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
            + "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private static final String INLINE = "'inlineVolumeSpec':{'accessModes':['ReadWriteOnce'],'csi':{'driver':'com.test.foo','volumeHandle':'foobar'}";

    private final VolumeAttachmentStrategy strategy = new VolumeAttachmentStrategy(StorageGroupProvider.OPENAPI);
    private final VolumeAttachmentStatusStrategy status = new VolumeAttachmentStatusStrategy();

    private ObjectNode va(String attacher, String source, String node) throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'foo'},'spec':{'attacher':'" + attacher + "','source':{" + source + "},'nodeName':'" + node + "'}}");
        strategy.applyDefaults(o);
        strategy.prepareForCreate(o);
        return o;
    }

    private List<String> validate(String attacher, String source, String node) throws Exception {
        return messages(strategy.validate(va(attacher, source, node)));
    }

    private List<String> inline(String rest) throws Exception {
        return validate("myattacher", INLINE + rest + "}", "mynode");
    }

    @Test
    void createStartsFromGosZeroStatus() throws Exception {
        ObjectNode o = obj("{'metadata':{'name':'foo'},'spec':{'attacher':'a','source':{'persistentVolumeName':'pv'},'nodeName':'n'},"
                + "'status':{'attached':true}}");
        strategy.prepareForCreate(o);
        assertEquals(obj("{'attached':false}"), o.get("status"));
        assertFalse(strategy.allowUnconditionalUpdate());
        assertFalse(strategy.allowCreateOnUpdate());
        assertFalse(strategy.tracksGeneration());
        assertNull(strategy.validateName("foo", false));
        StatusException bad = assertThrows(StatusException.class, () -> va("a", INLINE + ",'capacity':{'storage':'lots'}}", "n"));
        assertEquals(400, bad.code());
        assertEquals("VolumeAttachment in version \"v1\" cannot be handled as a VolumeAttachment: quantities must match the regular "
                + "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", bad.getMessage());
    }

    @Test
    void kubesSuccessCases() throws Exception {
        assertEquals(List.of(), validate("myattacher", "'persistentVolumeName':'pv-foo'", "mynode"));
        assertEquals(List.of(), validate("My.Attacher", "'persistentVolumeName':'pv-foo'", "mynode"), "the attacher is checked lower-cased");
        assertEquals(List.of(), inline(""));
        assertEquals(List.of(), inline(",'persistentVolumeReclaimPolicy':'Retain','volumeMode':'Filesystem'"));
    }

    @Test
    void kubesErrorCases() throws Exception {
        assertEquals(List.of("spec.attacher: Required value", "spec.attacher: Required value", "spec.attacher: Invalid value: \"\": " + SUBDOMAIN_ERR),
                validate("", "'persistentVolumeName':'pv-foo'", "mynode"), "the common and the v1 checks both report it");
        assertEquals(List.of("spec.attacher: Invalid value: \"invalid/attacher\": " + SUBDOMAIN_ERR),
                validate("invalid/attacher", "'persistentVolumeName':'pv-foo'", "mynode"));
        assertEquals(List.of("spec.source.persistentVolumeName: Required value: must specify non empty persistentVolumeName",
                "spec.source.persistentVolumeName: Invalid value: \"\": " + SUBDOMAIN_ERR), validate("myattacher", "'persistentVolumeName':''", "mynode"));
        assertEquals(List.of("spec.source.persistentVolumeName: Invalid value: \"Bad_PV\": " + SUBDOMAIN_ERR),
                validate("myattacher", "'persistentVolumeName':'Bad_PV'", "mynode"));
        assertEquals(List.of("spec.nodeName: Invalid value: \"\": " + SUBDOMAIN_ERR), validate("myattacher", "'persistentVolumeName':'pv-foo'", ""));
        assertEquals(List.of("spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName"),
                validate("myattacher", "", "mynode"));
        assertEquals(List.of("spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName"),
                validate("myattacher", "'persistentVolumeName':'pv-foo'," + INLINE + "}", "mynode"));
    }

    @Test
    void kubesInlineSpecCases() throws Exception {
        String p = "spec.source.inlineVolumeSpec";
        assertEquals(List.of(p + ".claimRef: Forbidden: may not be specified in the context of inline volumes",
                p + ".capacity: Forbidden: may not be specified in the context of inline volumes",
                p + ".storageClassName: Forbidden: may not be specified in the context of inline volumes"),
                inline(",'claimRef':{'name':'c'},'capacity':{'storage':'1Gi'},'storageClassName':'sc'"));
        assertEquals(List.of(p + ".persistentVolumeReclaimPolicy: Forbidden: may only be Retain in the context of inline volumes",
                p + ".nodeAffinity: Forbidden: may not be specified in the context of inline volumes",
                p + ".volumeMode: Forbidden: may not specify volumeMode other than Filesystem in the context of inline volumes"),
                inline(",'persistentVolumeReclaimPolicy':'Delete','nodeAffinity':{},'volumeMode':'Block'"));
        assertEquals(List.of(p + ".csi: Required value: has to be specified in the context of inline volumes",
                p + ".accessModes: Required value", p + ": Required value: must specify a volume type"),
                validate("myattacher", "'inlineVolumeSpec':{}", "mynode"));
        assertEquals(List.of(p + ".csi: Required value: has to be specified in the context of inline volumes"),
                validate("myattacher", "'inlineVolumeSpec':{'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/'}}", "mynode"));
        assertEquals(List.of(p + ".csi: Forbidden: may not specify more than 1 volume type"), inline(",'nfs':{'server':'s','path':'/'}"));
        assertEquals(List.of(p + ".accessModes: Unsupported value: \"Sometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", "
                        + "\"ReadWriteOnce\", \"ReadWriteOncePod\"",
                p + ".accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"),
                validate("myattacher", "'inlineVolumeSpec':{'accessModes':['Sometimes','ReadWriteOncePod','ReadOnlyMany'],"
                        + "'csi':{'driver':'d','volumeHandle':'h'}}", "mynode"));
        assertEquals(List.of(p + ".csi.driver: Required value", p + ".csi.driver: Invalid value: \"\": " + SUBDOMAIN_ERR,
                p + ".csi.volumeHandle: Required value", p + ".csi.nodePublishSecretRef.name: Required value",
                p + ".csi.nodePublishSecretRef.namespace: Invalid value: \"Bad.NS\": " + LABEL_ERR),
                validate("myattacher", "'inlineVolumeSpec':{'accessModes':['ReadWriteOnce'],'csi':{'nodePublishSecretRef':{'namespace':'Bad.NS'}}}",
                        "mynode"));
    }

    @Test
    void anUpdateKeepsTheSpecAndStatusAndValidatesTwice() throws Exception {
        ObjectNode old = va("myattacher", "'persistentVolumeName':'pv-foo'", "mynode");
        ObjectNode moved = old.deepCopy();
        moved.with("spec").put("nodeName", "othernode");
        moved.with("status").put("attached", true);
        strategy.prepareForUpdate(moved, old);
        assertFalse(moved.at("/status/attached").asBoolean(), "the main resource keeps the stored status");
        assertEquals(List.of("spec: Invalid value: storage.VolumeAttachmentSpec{Attacher:\"myattacher\", Source:storage.VolumeAttachmentSource{"
                + "PersistentVolumeName:(*string)(...), InlineVolumeSpec:(*core.PersistentVolumeSpec)(nil)}, NodeName:\"othernode\"}: field is immutable"),
                messages(strategy.validateUpdate(moved, old)));
        ObjectNode unnamed = old.deepCopy();
        unnamed.with("spec").put("nodeName", "");
        assertEquals(List.of("spec.nodeName: Invalid value: \"\": " + SUBDOMAIN_ERR, "spec.nodeName: Invalid value: \"\": " + SUBDOMAIN_ERR,
                "spec: Invalid value: storage.VolumeAttachmentSpec{Attacher:\"myattacher\", Source:storage.VolumeAttachmentSource{"
                        + "PersistentVolumeName:(*string)(...), InlineVolumeSpec:(*core.PersistentVolumeSpec)(nil)}, NodeName:\"\"}: field is immutable"),
                messages(strategy.validateUpdate(unnamed, old)), "kube's update validation runs ValidateVolumeAttachment twice");
        assertEquals(List.of(), messages(strategy.validateUpdate(old.deepCopy(), old)));
    }

    @Test
    void theStatusSubresourceWritesStatusOnly() throws Exception {
        ObjectNode old = va("myattacher", "'persistentVolumeName':'pv-foo'", "mynode");
        old.with("metadata").with("labels").put("a", "b");
        ObjectNode write = old.deepCopy();
        write.with("spec").put("nodeName", "othernode");
        write.with("metadata").with("labels").put("a", "changed");
        write.putObject("status").putObject("attachmentMetadata").put("devicePath", "/dev/sdb");
        status.prepareForUpdate(write, old);
        assertEquals("mynode", write.at("/spec/nodeName").asText());
        assertEquals("b", write.at("/metadata/labels/a").asText(), "ResetObjectMetaForStatus keeps the stored labels");
        assertEquals(obj("{'attachmentMetadata':{'devicePath':'/dev/sdb'},'attached':false}"), write.get("status"));
        assertEquals(List.of(), messages(status.validateUpdate(write, old)));
        write.with("status").putObject("attachError").put("message", "x".repeat(1025));
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 262145; i++) {
            big.append('v');
        }
        write.with("status").with("attachmentMetadata").put("k", big.toString());
        assertEquals(List.of("status.attachmentMetadata: Too long: may not be more than 262144 bytes",
                "status.attachError.message: Too long: may not be more than 262144 bytes",
                "status.attachmentMetadata: Too long: may not be more than 262144 bytes",
                "status.attachError.message: Too long: may not be more than 262144 bytes"),
                messages(status.validateUpdate(write, old)), "kube checks an error message against the metadata limit, and twice");
    }

    @Test
    void printerIsKubes() throws Exception {
        List<TableColumn> columns = strategy.table().columns();
        assertEquals(List.of("Name", "Attacher", "PV", "Node", "Attached", "Age"), columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of("string", "string", "string", "string", "boolean", "string"), columns.stream().map(TableColumn::type).toList());
        assertEquals("name", columns.get(1).format());
        assertTrue(columns.get(4).description().startsWith("attached indicates the volume is successfully attached."));
        ObjectNode o = va("csi.example.com", "'persistentVolumeName':'pv-foo'", "node-1");
        assertEquals(List.of("foo", "csi.example.com", "pv-foo", "node-1", false, "<unknown>"), strategy.table().cells(o));
        o.with("status").put("attached", true);
        assertEquals(true, strategy.table().cells(o).get(4));
        assertEquals("", strategy.table().cells(va("a", INLINE + "}", "n")).get(2), "an inline volume has no PV name");
    }
}
