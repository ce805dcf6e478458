package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The volume sources of a PersistentVolume (kube's PersistentVolumeSource): which there are, the
 * checks of each (kube's validate...VolumeSource functions, with kube's paths and messages) and which
 * of them take mount options.
 */
final class PersistentVolumeSources {
    /** The volume sources of a PersistentVolumeSpec, in the order kube checks them. */
    static final List<String> SOURCES = List.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker",
            "nfs", "rbd", "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi");
    static final List<String> HOST_PATH_TYPES = List.of("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File",
            "FileOrCreate", "Socket");
    /** The sources whose plugins take mount options (pkg/volume/validation). */
    private static final Set<String> MOUNTABLE = Set.of("gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "nfs", "rbd",
            "quobyte", "iscsi", "cinder", "cephfs", "azureFile", "vsphereVolume", "azureDisk", "photonPersistentDisk", "flocker",
            "scaleIO", "fc", "portworxVolume");
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-\\d{2}\\.([\\p{Alnum}\\-.]+)(:[^,;*&$|\\t\\n\\f\\r ]+)\\z");
    private static final Pattern EUI = Pattern.compile("^eui.\\p{Alnum}{16}\\z");
    private static final Pattern NAA = Pattern.compile("^naa.\\p{Alnum}{32}\\z");
    private static final String PARTITION = "must be between 1 and 255, inclusive";

    private PersistentVolumeSources() {
    }

    /** The PersistentVolumeSource part of a spec: its volume sources. */
    static ObjectNode of(JsonNode spec) {
        ObjectNode out = Json.object();
        for (String s : SOURCES) {
            JsonNode v = spec.get(s);
            if (v != null && !v.isNull()) {
                out.set(s, v.deepCopy());
            }
        }
        return out;
    }

    /** Whether the spec has a source whose plugin takes mount options (pkg/volume/validation). */
    static boolean takesMountOptions(JsonNode spec) {
        for (String source : MOUNTABLE) {
            if (spec.hasNonNull(source)) {
                return true;
            }
        }
        return false;
    }

    /** The checks of one volume source (kube's validate...VolumeSource functions). */
    static void validate(String source, JsonNode v, String pvName, List<FieldCause> causes) {
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
                    causes.add(FieldCause.invalidRendered(p + ".targetWWNs", ServiceValidation.slice(v.path("targetWWNs")),
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
}
