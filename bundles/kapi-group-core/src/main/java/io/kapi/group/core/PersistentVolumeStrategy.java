package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube 1.32's PersistentVolume with its default feature gates (VolumeAttributesClass off,
 * PersistentVolumeLastPhaseTransitionTime on): v1 defaulting (reclaim policy, volume mode, quantities,
 * the volume sources' defaults), phase Pending and its transition time on create,
 * ValidatePersistentVolume (every volume source's checks, in {@link PersistentVolumeSources}), the
 * mount-options check and ValidatePersistentVolumeUpdate (its rules in {@link PersistentVolumeUpdate})
 * with kube's paths and messages, the {@code name} field selector and kube's printer
 * ({@link VolumeListing}).
 */
final class PersistentVolumeStrategy implements Strategy {
    static final String KIND = "PersistentVolume";
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
    static final String MOUNT_OPTIONS = "volume.beta.kubernetes.io/mount-options";

    /** kube's PersistentVolumeSpecValidationOptions. */
    record Options(boolean enableVolumeAttributesClass, boolean allowInvalidLabelValueInRequiredNodeAffinity) {
        static final Options CREATE = new Options(false, false);

        static Options forUpdate(JsonNode old) {
            JsonNode spec = old.path("spec");
            JsonNode required = spec.path("nodeAffinity").get("required");
            return new Options(spec.hasNonNull("volumeAttributesClassName"),
                    required != null && !required.isNull() && PersistentVolumeNodeAffinity.invalidLabelValues(required));
        }
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (spec.path("persistentVolumeReclaimPolicy").asText("").isEmpty()) {
            spec.put("persistentVolumeReclaimPolicy", "Retain");
        }
        if (!spec.hasNonNull("volumeMode")) {
            spec.put("volumeMode", "Filesystem");
        }
        Volumes.canonicalize(spec.get("capacity"), KIND);
        if (spec.get("hostPath") instanceof ObjectNode hostPath && !hostPath.hasNonNull("type")) {
            hostPath.put("type", "");
        }
        if (spec.get("rbd") instanceof ObjectNode rbd) {
            defaultText(rbd, "pool", "rbd");
            defaultText(rbd, "user", "admin");
            defaultText(rbd, "keyring", "/etc/ceph/keyring");
        }
        if (spec.get("iscsi") instanceof ObjectNode iscsi) {
            defaultText(iscsi, "iscsiInterface", "default");
        }
        if (spec.get("azureDisk") instanceof ObjectNode azure) {
            if (!azure.hasNonNull("cachingMode")) {
                azure.put("cachingMode", "ReadWrite");
            }
            if (!azure.hasNonNull("fsType")) {
                azure.put("fsType", "ext4");
            }
            if (!azure.hasNonNull("readOnly")) {
                azure.put("readOnly", false);
            }
            if (!azure.hasNonNull("kind")) {
                azure.put("kind", "Shared");
            }
        }
        if (spec.get("scaleIO") instanceof ObjectNode scaleIO) {
            defaultText(scaleIO, "storageMode", "ThinProvisioned");
            defaultText(scaleIO, "fsType", "xfs");
        }
        ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
        if (status.path("phase").asText("").isEmpty()) {
            status.put("phase", "Pending");
        }
    }

    private static void defaultText(ObjectNode o, String field, String value) {
        if (o.path(field).asText("").isEmpty()) {
            o.put(field, value);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode status = object.putObject("status");
        status.put("phase", "Pending");
        status.put("lastPhaseTransitionTime", Json.now());
        // kube's StorageObjectInUseProtection admission adds the kubernetes.io/pv-protection finalizer here: not Kapi, which runs no controller to remove it (a delete would hang)
        if (object.get("spec") instanceof ObjectNode spec) {
            // VolumeAttributesClass is off: a new value is dropped
            spec.remove("volumeAttributesClassName");
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        }
        if (object.get("spec") instanceof ObjectNode spec && !old.path("spec").hasNonNull("volumeAttributesClassName")) {
            spec.remove("volumeAttributesClassName");
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = validateSpec(object.path("spec"), Json.name(object), Options.CREATE);
        mountOptions(object, causes);
        return causes;
    }

    /** pkg/volume/validation's ValidatePersistentVolume: mount options only for the plugins that take them. */
    private static void mountOptions(ObjectNode object, List<FieldCause> causes) {
        if (PersistentVolumeSources.takesMountOptions(object.path("spec"))) {
            return;
        }
        if (object.path("metadata").path("annotations").has(MOUNT_OPTIONS)) {
            causes.add(FieldCause.forbidden("metadata.annotations." + MOUNT_OPTIONS, "may not specify mount options for this volume type"));
        }
    }

    /** kube's ValidatePersistentVolumeSpec of a PersistentVolume (not an inline volume) at {@code spec}. */
    static List<FieldCause> validateSpec(JsonNode spec, String name, Options opts) {
        List<FieldCause> causes = new ArrayList<>();
        Volumes.accessModes(spec.path("accessModes"), "spec.accessModes", "", causes);
        JsonNode capacity = spec.get("capacity");
        int entries = capacity == null ? 0 : capacity.size();
        if (entries == 0) {
            causes.add(FieldCause.required("spec.capacity", ""));
        }
        if (capacity == null || !capacity.has("storage") || entries > 1) {
            causes.add(new FieldCause("FieldValueNotSupported", "Unsupported value: " + Volumes.goResourceList(capacity)
                    + ": supported values: \"storage\"", "spec.capacity"));
        }
        if (capacity != null && capacity.isObject()) {
            for (String k : Volumes.keys(capacity)) {
                String path = "spec.capacity[" + k + "]";
                if (Volumes.unparsable(capacity.get(k), path, causes)) {
                    continue;
                }
                Quantity q = Volumes.quantity(capacity.get(k));
                Volumes.basicResource(q, path, causes);
                Volumes.positive(q, path, causes);
            }
        }
        String policy = spec.path("persistentVolumeReclaimPolicy").asText("");
        if (!policy.isEmpty() && !RECLAIM_POLICIES.contains(policy)) {
            causes.add(FieldCause.notSupported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES));
        }
        boolean nodeAffinity = PersistentVolumeNodeAffinity.validate(spec, opts.allowInvalidLabelValueInRequiredNodeAffinity(), causes);
        int volumes = 0;
        for (String source : PersistentVolumeSources.SOURCES) {
            JsonNode v = spec.get(source);
            if (v == null || v.isNull()) {
                continue;
            }
            if (volumes > 0 && !source.equals("flexVolume")) {
                // kube names cephfs "cephFS" here; flexVolume is counted without this check
                causes.add(FieldCause.forbidden("spec." + (source.equals("cephfs") ? "cephFS" : source), "may not specify more than 1 volume type"));
                continue;
            }
            volumes++;
            PersistentVolumeSources.validate(source, v, name, causes);
            if (source.equals("local") && !nodeAffinity) {
                causes.add(FieldCause.required("spec.nodeAffinity", "Local volume requires node affinity"));
            }
        }
        if (volumes == 0) {
            causes.add(FieldCause.required("spec", "must specify a volume type"));
        }
        JsonNode hostPath = spec.get("hostPath");
        if (hostPath != null && !hostPath.isNull() && Volumes.cleanPath(hostPath.path("path").asText("")).equals("/")
                && policy.equals("Recycle")) {
            causes.add(FieldCause.forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'"));
        }
        String storageClass = spec.path("storageClassName").asText("");
        if (!storageClass.isEmpty()) {
            Volumes.className(storageClass, "spec.storageClassName", causes);
        }
        if (spec.hasNonNull("volumeMode") && !Volumes.VOLUME_MODES.contains(spec.get("volumeMode").asText(""))) {
            causes.add(FieldCause.notSupported("spec.volumeMode", spec.get("volumeMode").asText(""), Volumes.VOLUME_MODES));
        }
        if (spec.hasNonNull("volumeAttributesClassName") && opts.enableVolumeAttributesClass()) {
            String vac = spec.get("volumeAttributesClassName").asText("");
            if (vac.isEmpty()) {
                causes.add(FieldCause.required("spec.volumeAttributesClassName", "an empty string is disallowed"));
            } else {
                Volumes.className(vac, "spec.volumeAttributesClassName", causes);
            }
            if (!spec.hasNonNull("csi")) {
                causes.add(FieldCause.required("spec.csi", "has to be specified when using volumeAttributesClassName"));
            }
        }
        return causes;
    }

    /**
     * The strategy's ValidateUpdate: the volume's validation and mount-options check, then
     * ValidatePersistentVolumeUpdate, which validates the volume again (kube reports those causes twice).
     */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        Options opts = Options.forUpdate(old);
        JsonNode spec = object.path("spec");
        String name = Json.name(object);
        List<FieldCause> causes = new ArrayList<>(validateSpec(spec, name, opts));
        mountOptions(object, causes);
        causes.addAll(validateSpec(spec, name, opts));
        PersistentVolumeUpdate.validate(spec, old.path("spec"), opts, causes);
        return causes;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return VolumeListing.selectableFields(object);
    }

    @Override
    public TableConvertor table() {
        return VolumeListing.volumes();
    }
}
