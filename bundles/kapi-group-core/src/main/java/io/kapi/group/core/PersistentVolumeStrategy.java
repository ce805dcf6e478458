package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube 1.32's PersistentVolume with its default feature gates (VolumeAttributesClass off,
 * PersistentVolumeLastPhaseTransitionTime on): v1 defaulting (reclaim policy, volume mode, quantities,
 * the volume sources' defaults), phase Pending and its transition time on create,
 * ValidatePersistentVolume (every volume source's checks), the mount-options check and
 * ValidatePersistentVolumeUpdate with kube's paths and messages, the {@code name} field selector and
 * kube's printer.
 */
final class PersistentVolumeStrategy implements Strategy {
    static final String KIND = "PersistentVolume";
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
    static final List<String> HOST_PATH_TYPES = List.of("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File",
            "FileOrCreate", "Socket");
    static final String MOUNT_OPTIONS = "volume.beta.kubernetes.io/mount-options";
    /** The volume sources of a PersistentVolumeSpec, in the order kube checks them. */
    static final List<String> SOURCES = List.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker",
            "nfs", "rbd", "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi");
    /** The sources whose plugins take mount options (pkg/volume/validation). */
    private static final Set<String> MOUNTABLE = Set.of("gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "nfs", "rbd",
            "quobyte", "iscsi", "cinder", "cephfs", "azureFile", "vsphereVolume", "azureDisk", "photonPersistentDisk", "flocker",
            "scaleIO", "fc", "portworxVolume");
    private static final Map<String, String> BETA_TO_GA = Map.of(
            "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region",
            "beta.kubernetes.io/os", "kubernetes.io/os",
            "beta.kubernetes.io/arch", "kubernetes.io/arch",
            "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type");
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-\\d{2}\\.([\\p{Alnum}\\-.]+)(:[^,;*&$|\\t\\n\\f\\r ]+)\\z");
    private static final Pattern EUI = Pattern.compile("^eui.\\p{Alnum}{16}\\z");
    private static final Pattern NAA = Pattern.compile("^naa.\\p{Alnum}{32}\\z");
    private static final String PARTITION = "must be between 1 and 255, inclusive";

    /** kube's PersistentVolumeSpecValidationOptions. */
    record Options(boolean enableVolumeAttributesClass, boolean allowInvalidLabelValueInRequiredNodeAffinity) {
        static final Options CREATE = new Options(false, false);

        static Options forUpdate(JsonNode old) {
            JsonNode spec = old.path("spec");
            JsonNode required = spec.path("nodeAffinity").get("required");
            return new Options(spec.hasNonNull("volumeAttributesClassName"),
                    required != null && !required.isNull() && Volumes.invalidLabelValues(required));
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
        JsonNode spec = object.path("spec");
        for (String source : MOUNTABLE) {
            if (spec.hasNonNull(source)) {
                return;
            }
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
        boolean nodeAffinity = false;
        JsonNode affinity = spec.get("nodeAffinity");
        if (affinity != null && !affinity.isNull()) {
            nodeAffinity = true;
            JsonNode required = affinity.get("required");
            if (required != null && !required.isNull()) {
                Volumes.nodeSelector(required, opts.allowInvalidLabelValueInRequiredNodeAffinity(), "spec.nodeAffinity.required", causes);
            } else {
                causes.add(FieldCause.required("spec.nodeAffinity.required", "must specify required node constraints"));
            }
        }
        int volumes = 0;
        for (String source : SOURCES) {
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
            source(source, v, name, causes);
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

    /** The checks of one volume source (kube's validate...VolumeSource functions). */
    private static void source(String source, JsonNode v, String pvName, List<FieldCause> causes) {
        String p = "spec." + source;
        switch (source) {
            case "hostPath" -> {
                String path = v.path("path").asText("");
                if (path.isEmpty()) {
                    causes.add(FieldCause.required(p + ".path", ""));
                    return;
                }
                Volumes.noBacksteps(path, p + ".path", causes);
                JsonNode type = v.get("type");
                if (type != null && !type.isNull() && !HOST_PATH_TYPES.contains(type.asText(""))) {
                    causes.add(FieldCause.notSupported(p + ".type", type.asText(""), HOST_PATH_TYPES));
                }
            }
            case "gcePersistentDisk" -> {
                // kube validates it under the name persistentDisk
                required(v, "pdName", "spec.persistentDisk.pdName", causes);
                partition(v, "spec.persistentDisk.partition", causes);
            }
            case "awsElasticBlockStore" -> {
                required(v, "volumeID", p + ".volumeID", causes);
                partition(v, p + ".partition", causes);
            }
            case "glusterfs" -> {
                required(v, "endpoints", p + ".endpoints", causes);
                required(v, "path", p + ".path", causes);
                JsonNode ns = v.get("endpointsNamespace");
                if (ns != null && !ns.isNull()) {
                    if (ns.asText("").isEmpty()) {
                        causes.add(FieldCause.invalid(p + ".endpointsNamespace", "", "if the endpointnamespace is set, it must be a valid namespace name"));
                    } else {
                        for (String msg : NameValidation.isDNS1123Label(ns.asText(""))) {
                            causes.add(FieldCause.invalid(p + ".endpointsNamespace", ns.asText(""), msg));
                        }
                    }
                }
            }
            case "flocker" -> {
                String dsName = v.path("datasetName").asText("");
                String uuid = v.path("datasetUUID").asText("");
                if (dsName.isEmpty() && uuid.isEmpty()) {
                    causes.add(FieldCause.required(p, "one of datasetName and datasetUUID is required"));
                }
                if (!dsName.isEmpty() && !uuid.isEmpty()) {
                    causes.add(FieldCause.invalid(p, "resource", "datasetName and datasetUUID can not be specified simultaneously"));
                }
                if (dsName.contains("/")) {
                    causes.add(FieldCause.invalid(p + ".datasetName", dsName, "must not contain '/'"));
                }
            }
            case "nfs" -> {
                required(v, "server", p + ".server", causes);
                String path = v.path("path").asText("");
                required(v, "path", p + ".path", causes);
                if (!path.startsWith("/")) {
                    causes.add(FieldCause.invalid(p + ".path", path, "must be an absolute path"));
                }
            }
            case "rbd" -> {
                if (v.path("monitors").size() == 0) {
                    causes.add(FieldCause.required(p + ".monitors", ""));
                }
                required(v, "image", p + ".image", causes);
            }
            case "quobyte" -> {
                String registry = v.path("registry").asText("");
                if (registry.isEmpty()) {
                    causes.add(FieldCause.required(p + ".registry", "must be a host:port pair or multiple pairs separated by commas"));
                } else if (v.path("tenant").asText("").length() >= 65) {
                    causes.add(FieldCause.required(p + ".tenant", "must be a UUID and may not exceed a length of 64 characters"));
                } else {
                    for (String pair : registry.split(",", -1)) {
                        if (!hostPort(pair)) {
                            causes.add(FieldCause.invalid(p + ".registry", registry, "must be a host:port pair or multiple pairs separated by commas"));
                        }
                    }
                }
                required(v, "volume", p + ".volume", causes);
            }
            case "cephfs" -> {
                if (v.path("monitors").size() == 0) {
                    causes.add(FieldCause.required(p + ".monitors", ""));
                }
            }
            case "iscsi" -> iscsi(v, pvName, p, causes);
            case "cinder" -> {
                required(v, "volumeID", p + ".volumeID", causes);
                JsonNode ref = v.get("secretRef");
                if (ref != null && !ref.isNull()) {
                    required(ref, "name", p + ".secretRef.name", causes);
                    required(ref, "namespace", p + ".secretRef.namespace", causes);
                }
            }
            case "fc" -> {
                int wwns = v.path("targetWWNs").size();
                int wwids = v.path("wwids").size();
                if (wwns < 1 && wwids < 1) {
                    causes.add(FieldCause.required(p + ".targetWWNs", "must specify either targetWWNs or wwids, but not both"));
                }
                if (wwns != 0 && wwids != 0) {
                    causes.add(FieldCause.invalidRendered(p + ".targetWWNs", ServiceStrategy.slice(v.path("targetWWNs")),
                            "targetWWNs and wwids can not be specified simultaneously"));
                }
                if (wwns != 0) {
                    JsonNode lun = v.get("lun");
                    if (lun == null || lun.isNull()) {
                        causes.add(FieldCause.required(p + ".lun", "lun is required if targetWWNs is specified"));
                    } else if (lun.asLong() < 0 || lun.asLong() > 255) {
                        causes.add(FieldCause.invalid(p + ".lun", lun.asLong(), "must be between 0 and 255, inclusive"));
                    }
                }
            }
            case "flexVolume" -> {
                required(v, "driver", p + ".driver", causes);
                for (Iterator<String> it = v.path("options").fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    String namespace = k.contains("/") ? k.substring(0, k.indexOf('/')) : k;
                    String normalized = "." + namespace.toLowerCase(java.util.Locale.ROOT);
                    if (normalized.endsWith(".kubernetes.io") || normalized.endsWith(".k8s.io")) {
                        causes.add(FieldCause.invalid(p + ".options[" + k + "]", k, "kubernetes.io and k8s.io namespaces are reserved"));
                    }
                }
            }
            case "azureFile" -> {
                required(v, "secretName", p + ".secretName", causes);
                required(v, "shareName", p + ".shareName", causes);
                JsonNode ns = v.get("secretNamespace");
                if (ns != null && !ns.isNull() && ns.asText("").isEmpty()) {
                    causes.add(FieldCause.required(p + ".secretNamespace", ""));
                }
            }
            case "vsphereVolume" -> required(v, "volumePath", p + ".volumePath", causes);
            case "photonPersistentDisk" -> required(v, "pdID", p + ".pdID", causes);
            case "portworxVolume" -> required(v, "volumeID", p + ".volumeID", causes);
            case "azureDisk" -> azureDisk(v, p, causes);
            case "scaleIO" -> {
                required(v, "gateway", p + ".gateway", causes);
                required(v, "system", p + ".system", causes);
                required(v, "volumeName", p + ".volumeName", causes);
            }
            case "local" -> {
                String path = v.path("path").asText("");
                if (path.isEmpty()) {
                    causes.add(FieldCause.required(p + ".path", ""));
                    return;
                }
                Volumes.noBacksteps(path, p + ".path", causes);
            }
            case "storageos" -> {
                String volumeName = v.path("volumeName").asText("");
                if (volumeName.isEmpty()) {
                    causes.add(FieldCause.required(p + ".volumeName", ""));
                } else {
                    for (String msg : NameValidation.isDNS1123Label(volumeName)) {
                        causes.add(FieldCause.invalid(p + ".volumeName", volumeName, msg));
                    }
                }
                String volumeNamespace = v.path("volumeNamespace").asText("");
                if (!volumeNamespace.isEmpty()) {
                    for (String msg : NameValidation.isDNS1123Label(volumeNamespace)) {
                        causes.add(FieldCause.invalid(p + ".volumeNamespace", volumeNamespace, msg));
                    }
                }
                JsonNode ref = v.get("secretRef");
                if (ref != null && !ref.isNull()) {
                    required(ref, "name", p + ".secretRef.name", causes);
                    required(ref, "namespace", p + ".secretRef.namespace", causes);
                }
            }
            case "csi" -> csi(v, p, causes);
            default -> throw new IllegalStateException(source);
        }
    }

    private static void required(JsonNode v, String field, String path, List<FieldCause> causes) {
        if (v.path(field).asText("").isEmpty()) {
            causes.add(FieldCause.required(path, ""));
        }
    }

    private static void partition(JsonNode v, String path, List<FieldCause> causes) {
        long partition = v.path("partition").asLong(0);
        if (partition < 0 || partition > 255) {
            causes.add(FieldCause.invalid(path, partition, PARTITION));
        }
    }

    /** Go's net.SplitHostPort accepting the text: host:port, or [host]:port. */
    static boolean hostPort(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close > 0 && close + 1 < s.length() && s.charAt(close + 1) == ':' && s.indexOf(':', close + 2) < 0
                    && s.indexOf('[', 1) < 0 && s.indexOf(']', close + 1) < 0;
        }
        int colon = s.lastIndexOf(':');
        return colon >= 0 && s.indexOf(':') == colon && s.indexOf('[') < 0 && s.indexOf(']') < 0;
    }

    private static void iscsi(JsonNode v, String pvName, String p, List<FieldCause> causes) {
        String portal = v.path("targetPortal").asText("");
        if (portal.isEmpty()) {
            causes.add(FieldCause.required(p + ".targetPortal", ""));
        }
        JsonNode initiator = v.get("initiatorName");
        boolean hasInitiator = initiator != null && !initiator.isNull();
        if (hasInitiator && (pvName + ":" + portal).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            causes.add(FieldCause.invalid(p + ".targetportal", portal,
                    "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."));
        }
        String iqn = v.path("iqn").asText("");
        if (iqn.isEmpty()) {
            causes.add(FieldCause.required(p + ".iqn", ""));
        } else if (!iqn.startsWith("iqn") && !iqn.startsWith("eui") && !iqn.startsWith("naa")
                || iqn.startsWith("iqn") && !IQN.matcher(iqn).find()
                || iqn.startsWith("eui") && !EUI.matcher(iqn).find()
                || iqn.startsWith("naa") && !NAA.matcher(iqn).find()) {
            causes.add(FieldCause.invalid(p + ".iqn", iqn, "must be valid format"));
        }
        long lun = v.path("lun").asLong(0);
        if (lun < 0 || lun > 255) {
            causes.add(FieldCause.invalid(p + ".lun", lun, "must be between 0 and 255, inclusive"));
        }
        boolean chap = v.path("chapAuthDiscovery").asBoolean(false) || v.path("chapAuthSession").asBoolean(false);
        JsonNode ref = v.get("secretRef");
        boolean hasRef = ref != null && !ref.isNull();
        if (chap && !hasRef) {
            causes.add(FieldCause.required(p + ".secretRef", ""));
        }
        if (hasRef) {
            required(ref, "name", p + ".secretRef.name", causes);
        }
        if (hasInitiator) {
            String name = initiator.asText("");
            if (!name.startsWith("iqn") && !name.startsWith("eui") && !name.startsWith("naa")) {
                causes.add(FieldCause.invalid(p + ".initiatorname", name, "must be valid format"));
            }
            if (name.startsWith("iqn") && !IQN.matcher(name).find()
                    || name.startsWith("eui") && !EUI.matcher(name).find()
                    || name.startsWith("naa") && !NAA.matcher(name).find()) {
                causes.add(FieldCause.invalid(p + ".initiatorname", name, "must be valid format"));
            }
        }
    }

    private static void azureDisk(JsonNode v, String p, List<FieldCause> causes) {
        required(v, "diskName", p + ".diskName", causes);
        String uri = v.path("diskURI").asText("");
        if (uri.isEmpty()) {
            causes.add(FieldCause.required(p + ".diskURI", ""));
        }
        JsonNode caching = v.get("cachingMode");
        if (caching != null && !caching.isNull() && !List.of("None", "ReadOnly", "ReadWrite").contains(caching.asText(""))) {
            causes.add(FieldCause.notSupported(p + ".cachingMode", caching.asText(""), List.of("None", "ReadOnly", "ReadWrite")));
        }
        JsonNode kind = v.get("kind");
        if (kind != null && !kind.isNull()) {
            String k = kind.asText("");
            if (!List.of("Dedicated", "Managed", "Shared").contains(k)) {
                causes.add(FieldCause.notSupported(p + ".kind", k, List.of("Dedicated", "Managed", "Shared")));
            }
            if (k.equals("Managed") && !uri.startsWith("/subscriptions/")) {
                causes.add(FieldCause.notSupported(p + ".diskURI", uri,
                        List.of("/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}")));
            }
            if (!k.equals("Managed") && !uri.startsWith("https://")) {
                causes.add(FieldCause.notSupported(p + ".diskURI", uri,
                        List.of("https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd")));
            }
        }
    }

    private static void csi(JsonNode v, String p, List<FieldCause> causes) {
        String driver = v.path("driver").asText("");
        if (driver.isEmpty()) {
            causes.add(FieldCause.required(p + ".driver", ""));
        }
        if (driver.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            causes.add(FieldCause.tooLong(p + ".driver", 63));
        }
        for (String msg : NameValidation.isDNS1123Subdomain(driver.toLowerCase(java.util.Locale.ROOT))) {
            causes.add(FieldCause.invalid(p + ".driver", driver, msg));
        }
        required(v, "volumeHandle", p + ".volumeHandle", causes);
        for (String ref : new String[] {"controllerPublishSecretRef", "controllerExpandSecretRef", "nodePublishSecretRef",
                "nodeExpandSecretRef"}) {
            JsonNode r = v.get(ref);
            if (r == null || r.isNull()) {
                continue;
            }
            String at = p + "." + ref;
            String name = r.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else {
                for (String msg : NameValidation.isDNS1123Subdomain(name)) {
                    causes.add(FieldCause.invalid(at + ".name", name, msg));
                }
            }
            String namespace = r.path("namespace").asText("");
            if (namespace.isEmpty()) {
                causes.add(FieldCause.required(at + ".namespace", ""));
            } else {
                for (String msg : NameValidation.isDNS1123Label(namespace)) {
                    causes.add(FieldCause.invalid(at + ".namespace", namespace, msg));
                }
            }
        }
    }

    /**
     * The strategy's ValidateUpdate: the volume's validation and mount-options check, then
     * ValidatePersistentVolumeUpdate, which validates the volume again (kube reports those causes twice).
     */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        Options opts = Options.forUpdate(old);
        JsonNode spec = object.path("spec");
        JsonNode oldSpec = old.path("spec");
        String name = Json.name(object);
        List<FieldCause> causes = new ArrayList<>(validateSpec(spec, name, opts));
        mountOptions(object, causes);
        causes.addAll(validateSpec(spec, name, opts));
        ObjectNode newSource = source(spec);
        ObjectNode oldSource = source(oldSpec);
        // a CSI volume without a controllerExpandSecretRef may be given one
        if (oldSource.get("csi") instanceof ObjectNode oldCsi && !oldCsi.hasNonNull("controllerExpandSecretRef")
                && newSource.get("csi") instanceof ObjectNode newCsi && newCsi.hasNonNull("controllerExpandSecretRef")) {
            newCsi.remove("controllerExpandSecretRef");
        }
        JsonNode a = Volumes.semantic(newSource, Set.copyOf(SOURCES));
        JsonNode b = Volumes.semantic(oldSource, Set.copyOf(SOURCES));
        if (!a.equals(b)) {
            causes.add(FieldCause.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation\n"
                    + Volumes.diff("core.PersistentVolumeSource", oldSource, newSource, Set.copyOf(SOURCES))));
        }
        JsonNode newMode = spec.get("volumeMode");
        JsonNode oldMode = oldSpec.get("volumeMode");
        if (!Objects.equals(text(newMode), text(oldMode))) {
            causes.add(FieldCause.invalid("volumeMode", newMode == null || newMode.isNull() ? "null" : newMode.asText(""), Volumes.IMMUTABLE));
        }
        JsonNode oldAffinity = oldSpec.get("nodeAffinity");
        if (oldAffinity != null && !oldAffinity.isNull()) {
            JsonNode newAffinity = spec.get("nodeAffinity");
            if (!sameAffinity(newAffinity, oldAffinity)) {
                String rendered;
                if (newAffinity == null || newAffinity.isNull()) {
                    rendered = FieldCause.goQuote("null");
                } else {
                    rendered = "core.VolumeNodeAffinity{Required:(*core.NodeSelector)("
                            + (newAffinity.hasNonNull("required") ? Volumes.GO_POINTER : "nil") + ")}";
                }
                causes.add(FieldCause.invalidRendered("nodeAffinity", rendered, Volumes.IMMUTABLE + ", except for updating from beta label to GA"));
            }
        }
        String oldVac = text(oldSpec.get("volumeAttributesClassName"));
        String newVac = text(spec.get("volumeAttributesClassName"));
        if (!Objects.equals(oldVac, newVac)) {
            causes.add(FieldCause.forbidden("spec.volumeAttributesClassName",
                    "update is forbidden when the VolumeAttributesClass feature gate is disabled"));
            if (opts.enableVolumeAttributesClass() && oldVac != null && newVac == null) {
                causes.add(FieldCause.forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
            }
        }
        return causes;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText("");
    }

    /** The PersistentVolumeSource part of a spec: its volume sources. */
    private static ObjectNode source(JsonNode spec) {
        ObjectNode out = Json.object();
        for (String s : SOURCES) {
            JsonNode v = spec.get(s);
            if (v != null && !v.isNull()) {
                out.set(s, v.deepCopy());
            }
        }
        return out;
    }

    /** kube's validatePvNodeAffinity equality: a requirement's beta label key may become its GA one. */
    private static boolean sameAffinity(JsonNode now, JsonNode before) {
        if (now == null || now.isNull()) {
            return false;
        }
        JsonNode masked = before.deepCopy();
        JsonNode newTerms = now.path("required").path("nodeSelectorTerms");
        JsonNode oldTerms = masked.path("required").path("nodeSelectorTerms");
        for (int i = 0; i < Math.min(newTerms.size(), oldTerms.size()); i++) {
            for (String list : new String[] {"matchExpressions", "matchFields"}) {
                JsonNode newReqs = newTerms.get(i).path(list);
                JsonNode oldReqs = oldTerms.get(i).path(list);
                for (int j = 0; j < Math.min(newReqs.size(), oldReqs.size()); j++) {
                    String oldKey = oldReqs.get(j).path("key").asText("");
                    String newKey = newReqs.get(j).path("key").asText("");
                    if (!oldKey.equals(newKey) && newKey.equals(BETA_TO_GA.get(oldKey)) && oldReqs.get(j) instanceof ObjectNode req) {
                        req.put("key", newKey);
                    }
                }
            }
        }
        return Volumes.semantic(now, Set.of("required")).equals(Volumes.semantic(masked, Set.of("required")));
    }

    /** kube's PersistentVolumeToSelectableFields: {@code name} too, a bug kube keeps. */
    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("name", Json.name(object));
    }

    @Override
    public TableConvertor table() {
        return Columns.PRINTER;
    }

    private static final class Columns {
        static final String SPEC = "io.k8s.api.core.v1.PersistentVolumeSpec";
        static final String STATUS = "io.k8s.api.core.v1.PersistentVolumeStatus";
        static final Printer PRINTER = Printer.builder().name()
                .column(Volumes.column("Capacity", SPEC, "capacity", 0),
                        o -> Volumes.quantity(o.path("spec").path("capacity").get("storage")).toString())
                .column(Volumes.column("Access Modes", SPEC, "accessModes", 0), o -> Volumes.accessModes(o.path("spec").path("accessModes")))
                .column(Volumes.column("Reclaim Policy", SPEC, "persistentVolumeReclaimPolicy", 0),
                        o -> o.path("spec").path("persistentVolumeReclaimPolicy").asText(""))
                .column(Volumes.column("Status", STATUS, "phase", 0), Volumes::phase)
                .column(Volumes.column("Claim", SPEC, "claimRef", 0), PersistentVolumeStrategy::claim)
                .column(TableColumn.of("StorageClass", "string", "StorageClass of the pv"), PersistentVolumeStrategy::storageClass)
                .column(TableColumn.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
                        o -> Volumes.unset(o.path("spec").get("volumeAttributesClassName")))
                .column(Volumes.column("Reason", STATUS, "reason", 0), o -> o.path("status").path("reason").asText(""))
                .age()
                .column(Volumes.column("VolumeMode", SPEC, "volumeMode", 1), o -> Volumes.unset(o.path("spec").get("volumeMode")))
                .build();
    }

    private static String claim(ObjectNode o) {
        JsonNode ref = o.path("spec").get("claimRef");
        if (ref == null || ref.isNull()) {
            return "";
        }
        return ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
    }

    /** kube's GetPersistentVolumeClass: the beta annotation first. */
    static String storageClass(ObjectNode o) {
        JsonNode annotation = o.path("metadata").path("annotations").get(Volumes.BETA_STORAGE_CLASS);
        if (annotation != null && !annotation.isNull()) {
            return annotation.asText("");
        }
        return o.path("spec").path("storageClassName").asText("");
    }
}
