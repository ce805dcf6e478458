package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A VolumeAttachment's {@code spec.source.inlineVolumeSpec}: kube 1.32's
 * {@code ValidatePersistentVolumeSpec} in the context of inline volumes (no claim reference, capacity,
 * node affinity or storage class; a CSI source, the only one; the reclaim policy Retain and the volume
 * mode Filesystem if given), with the access-mode checks and kube's {@code validateCSIPersistentVolumeSource}.
 * The other volume sources are counted as kube counts them (one only), but their own contents are not
 * checked: an inline spec that has one is refused anyway, for lacking its CSI source.
 */
final class InlineVolumeSpec {
    /** The volume sources of a PersistentVolumeSpec, in the order kube checks them. */
    static final List<String> SOURCES = List.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker",
            "nfs", "rbd", "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi");
    /** kube's {@code sets.List(supportedAccessModes)}: sorted. */
    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
    static final String INLINE = "may not be specified in the context of inline volumes";
    private static final List<String> SECRET_REFS = List.of("controllerPublishSecretRef", "controllerExpandSecretRef",
            "nodePublishSecretRef", "nodeExpandSecretRef");

    private InlineVolumeSpec() {
    }

    /**
     * What kube's decoder and defaulting make of the spec's capacity, a resource list: quantities rounded
     * up to milli scale; a value that is no quantity is kube's 400.
     */
    static void canonicalize(JsonNode spec, String kind) {
        if (!(spec.path("capacity") instanceof ObjectNode capacity)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = capacity.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                e.setValue(capacity.textNode("0"));
                continue;
            }
            e.setValue(capacity.textNode(quantity(v, kind).roundUpToMilli().toString()));
        }
    }

    /** A quantity as kube's decoder reads one (a JSON string or number), or kube's 400 for the body. */
    static Quantity quantity(JsonNode v, String kind) {
        try {
            if (!v.isTextual() && !v.isNumber()) {
                throw StatusException.badRequest(undecodable(kind, Quantity.ERR_FORMAT_WRONG));
            }
            return Quantity.parse(v.asText().trim());
        } catch (Quantity.InvalidQuantityException ex) {
            throw StatusException.badRequest(undecodable(kind, ex.getMessage()));
        }
    }

    private static String undecodable(String kind, String message) {
        return kind + " in version \"v1\" cannot be handled as a " + kind + ": " + message;
    }

    /** kube's {@code ValidatePersistentVolumeSpec(spec, "", true, path, {})}. */
    static List<FieldCause> validate(JsonNode spec, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (!GoForms.isNil(spec.get("claimRef"))) {
            causes.add(FieldCause.forbidden(path + ".claimRef", INLINE));
        }
        if (spec.path("capacity").size() != 0) {
            causes.add(FieldCause.forbidden(path + ".capacity", INLINE));
        }
        if (GoForms.isNil(spec.get("csi"))) {
            causes.add(FieldCause.required(path + ".csi", "has to be specified in the context of inline volumes"));
        }
        accessModes(spec.path("accessModes"), path + ".accessModes", causes);
        String policy = GoForms.text(spec, "persistentVolumeReclaimPolicy");
        if (!policy.isEmpty() && !policy.equals("Retain")) {
            causes.add(FieldCause.forbidden(path + ".persistentVolumeReclaimPolicy", "may only be Retain in the context of inline volumes"));
        }
        if (!GoForms.isNil(spec.get("nodeAffinity"))) {
            causes.add(FieldCause.forbidden(path + ".nodeAffinity", INLINE));
        }
        int volumes = 0;
        for (String source : SOURCES) {
            JsonNode v = spec.get(source);
            if (GoForms.isNil(v)) {
                continue;
            }
            if (volumes > 0 && !source.equals("flexVolume")) {
                // kube names cephfs "cephFS" here, and counts flexVolume without this check
                causes.add(FieldCause.forbidden(path + "." + (source.equals("cephfs") ? "cephFS" : source), "may not specify more than 1 volume type"));
                continue;
            }
            volumes++;
            if (source.equals("csi")) {
                csi(v, path + ".csi", causes);
            } else if (source.equals("local")) {
                // an inline spec has no node affinity (it is forbidden above)
                causes.add(FieldCause.required(path + ".nodeAffinity", "Local volume requires node affinity"));
            }
        }
        if (volumes == 0) {
            causes.add(FieldCause.required(path, "must specify a volume type"));
        }
        if (!GoForms.text(spec, "storageClassName").isEmpty()) {
            causes.add(FieldCause.forbidden(path + ".storageClassName", INLINE));
        }
        JsonNode mode = spec.get("volumeMode");
        if (!GoForms.isNil(mode) && !mode.asText().equals("Filesystem")) {
            causes.add(FieldCause.forbidden(path + ".volumeMode", "may not specify volumeMode other than Filesystem in the context of inline volumes"));
        }
        return causes;
    }

    private static void accessModes(JsonNode modes, String path, List<FieldCause> causes) {
        if (modes.size() == 0) {
            causes.add(FieldCause.required(path, ""));
        }
        boolean once = false;
        boolean other = false;
        for (JsonNode m : modes) {
            String mode = m.asText("");
            if (!ACCESS_MODES.contains(mode)) {
                causes.add(FieldCause.notSupported(path, mode, ACCESS_MODES));
            }
            if (mode.equals("ReadWriteOncePod")) {
                once = true;
            } else if (ACCESS_MODES.contains(mode)) {
                other = true;
            }
        }
        if (once && other) {
            causes.add(FieldCause.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    /** kube's {@code validateCSIPersistentVolumeSource}, with {@code validatePVSecretReference} for each secret. */
    private static void csi(JsonNode v, String path, List<FieldCause> causes) {
        CSINodeStrategy.validateCSIDriverName(GoForms.text(v, "driver"), path + ".driver", causes);
        if (GoForms.text(v, "volumeHandle").isEmpty()) {
            causes.add(FieldCause.required(path + ".volumeHandle", ""));
        }
        for (String ref : SECRET_REFS) {
            JsonNode r = v.get(ref);
            if (GoForms.isNil(r)) {
                continue;
            }
            String at = path + "." + ref;
            String name = GoForms.text(r, "name");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else {
                for (String msg : NameValidation.isDNS1123Subdomain(name)) {
                    causes.add(FieldCause.invalid(at + ".name", name, msg));
                }
            }
            String namespace = GoForms.text(r, "namespace");
            if (namespace.isEmpty()) {
                causes.add(FieldCause.required(at + ".namespace", ""));
            } else {
                for (String msg : NameValidation.isDNS1123Label(namespace)) {
                    causes.add(FieldCause.invalid(at + ".namespace", namespace, msg));
                }
            }
        }
    }
}
