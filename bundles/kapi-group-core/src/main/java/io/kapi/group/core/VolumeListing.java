package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How PersistentVolumes and PersistentVolumeClaims are listed: their selectable fields and kube's
 * printers of the two kinds, with the helpers those share.
 */
final class VolumeListing {
    private VolumeListing() {
    }

    /**
     * kube's PersistentVolumeToSelectableFields and PersistentVolumeClaimToSelectableFields:
     * {@code name} too, a bug kube keeps.
     */
    static Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("name", Json.name(object));
    }

    /** kube's printer of PersistentVolumes. */
    static TableConvertor volumes() {
        return VolumeColumns.PRINTER;
    }

    /** kube's printer of PersistentVolumeClaims. */
    static TableConvertor claims() {
        return ClaimColumns.PRINTER;
    }

    private static final class VolumeColumns {
        static final String SPEC = "io.k8s.api.core.v1.PersistentVolumeSpec";
        static final String STATUS = "io.k8s.api.core.v1.PersistentVolumeStatus";
        static final Printer PRINTER = Printer.builder().name()
                .column(column("Capacity", SPEC, "capacity", 0),
                        o -> Volumes.quantity(o.path("spec").path("capacity").get("storage")).toString())
                .column(column("Access Modes", SPEC, "accessModes", 0), o -> accessModes(o.path("spec").path("accessModes")))
                .column(column("Reclaim Policy", SPEC, "persistentVolumeReclaimPolicy", 0),
                        o -> o.path("spec").path("persistentVolumeReclaimPolicy").asText(""))
                .column(column("Status", STATUS, "phase", 0), VolumeListing::phase)
                .column(column("Claim", SPEC, "claimRef", 0), VolumeListing::claim)
                .column(TableColumn.of("StorageClass", "string", "StorageClass of the pv"), VolumeListing::storageClass)
                .column(TableColumn.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
                        o -> unset(o.path("spec").get("volumeAttributesClassName")))
                .column(column("Reason", STATUS, "reason", 0), o -> o.path("status").path("reason").asText(""))
                .age()
                .column(column("VolumeMode", SPEC, "volumeMode", 1), o -> unset(o.path("spec").get("volumeMode")))
                .build();
    }

    private static final class ClaimColumns {
        static final String SPEC = "io.k8s.api.core.v1.PersistentVolumeClaimSpec";
        static final String STATUS = "io.k8s.api.core.v1.PersistentVolumeClaimStatus";
        static final Printer PRINTER = Printer.builder().name()
                .column(column("Status", STATUS, "phase", 0), VolumeListing::phase)
                .column(column("Volume", SPEC, "volumeName", 0), o -> o.path("spec").path("volumeName").asText(""))
                .column(column("Capacity", STATUS, "capacity", 0), o -> bound(o)
                        ? Volumes.quantity(o.path("status").path("capacity").get("storage")).toString() : "")
                .column(column("Access Modes", STATUS, "accessModes", 0), o -> bound(o)
                        ? accessModes(o.path("status").path("accessModes")) : "")
                .column(TableColumn.of("StorageClass", "string", "StorageClass of the pvc"), VolumeListing::storageClass)
                .column(TableColumn.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
                        o -> unset(o.path("spec").get("volumeAttributesClassName")))
                .age()
                .column(column("VolumeMode", SPEC, "volumeMode", 1), o -> unset(o.path("spec").get("volumeMode")))
                .build();

        private static boolean bound(ObjectNode o) {
            return !o.path("spec").path("volumeName").asText("").isEmpty();
        }
    }

    /** A column whose description is the OpenAPI document's for {@code property} of {@code schema}. */
    static TableColumn column(String name, String schema, String property, int priority) {
        String description = CoreGroupProvider.OPENAPI.path(schema).path("properties").path(property).path("description").asText("");
        return new TableColumn(name, "string", "", description, priority);
    }

    /** The printers' phase: Terminating once deletion has begun. */
    static String phase(ObjectNode o) {
        if (!Json.text(o.get("metadata"), "deletionTimestamp").isEmpty()) {
            return "Terminating";
        }
        return o.path("status").path("phase").asText("");
    }

    /** {@code <unset>} for a missing pointer field, as the printers show one. */
    static String unset(JsonNode v) {
        return v == null || v.isNull() ? "<unset>" : v.asText("");
    }

    /** A volume's claim as {@code namespace/name}. */
    private static String claim(ObjectNode o) {
        JsonNode ref = o.path("spec").get("claimRef");
        if (ref == null || ref.isNull()) {
            return "";
        }
        return ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
    }

    /** kube's GetPersistentVolumeClass and GetPersistentVolumeClaimClass (the same): the beta annotation first. */
    static String storageClass(ObjectNode o) {
        JsonNode annotation = o.path("metadata").path("annotations").get(Volumes.BETA_STORAGE_CLASS);
        if (annotation != null && !annotation.isNull()) {
            return annotation.asText("");
        }
        return o.path("spec").path("storageClassName").asText("");
    }

    /** kube's {@code GetAccessModesAsString}: the modes present, in a fixed order. */
    static String accessModes(JsonNode modes) {
        Set<String> present = new HashSet<>();
        modes.forEach(m -> present.add(m.asText("")));
        List<String> out = new ArrayList<>();
        if (present.contains("ReadWriteOnce")) {
            out.add("RWO");
        }
        if (present.contains("ReadOnlyMany")) {
            out.add("ROX");
        }
        if (present.contains("ReadWriteMany")) {
            out.add("RWX");
        }
        if (present.contains("ReadWriteOncePod")) {
            out.add("RWOP");
        }
        return String.join(",", out);
    }
}
