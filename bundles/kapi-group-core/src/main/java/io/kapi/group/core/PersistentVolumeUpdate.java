package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube's ValidatePersistentVolumeUpdate beyond its validating the volume again: the volume source is
 * immutable (but a CSI volume may be given a controllerExpandSecretRef), and so are the volume mode, the
 * node affinity (but for a beta label key becoming its GA one) and, with VolumeAttributesClass off, the
 * volume attributes class.
 */
final class PersistentVolumeUpdate {
    private static final Set<String> SOURCES = Set.copyOf(PersistentVolumeSources.SOURCES);

    private PersistentVolumeUpdate() {
    }

    /** The update rules of {@code spec} against the stored {@code oldSpec}. */
    static void validate(JsonNode spec, JsonNode oldSpec, PersistentVolumeStrategy.Options opts, List<FieldCause> causes) {
        sourceUnchanged(spec, oldSpec, causes);
        Volumes.volumeModeUnchanged(spec, oldSpec, causes);
        PersistentVolumeNodeAffinity.validateUpdate(spec, oldSpec, causes);
        volumeAttributesClass(spec, oldSpec, opts, causes);
    }

    private static void sourceUnchanged(JsonNode spec, JsonNode oldSpec, List<FieldCause> causes) {
        ObjectNode newSource = PersistentVolumeSources.of(spec);
        ObjectNode oldSource = PersistentVolumeSources.of(oldSpec);
        // a CSI volume without a controllerExpandSecretRef may be given one
        if (oldSource.get("csi") instanceof ObjectNode oldCsi && !oldCsi.hasNonNull("controllerExpandSecretRef")
                && newSource.get("csi") instanceof ObjectNode newCsi && newCsi.hasNonNull("controllerExpandSecretRef")) {
            newCsi.remove("controllerExpandSecretRef");
        }
        JsonNode a = Volumes.semantic(newSource, SOURCES);
        JsonNode b = Volumes.semantic(oldSource, SOURCES);
        if (!a.equals(b)) {
            causes.add(FieldCause.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation\n"
                    + Volumes.diff("core.PersistentVolumeSource", oldSource, newSource, SOURCES)));
        }
    }

    private static void volumeAttributesClass(JsonNode spec, JsonNode oldSpec, PersistentVolumeStrategy.Options opts,
                                              List<FieldCause> causes) {
        String oldVac = Volumes.nullable(oldSpec.get("volumeAttributesClassName"));
        String newVac = Volumes.nullable(spec.get("volumeAttributesClassName"));
        if (!Objects.equals(oldVac, newVac)) {
            causes.add(FieldCause.forbidden("spec.volumeAttributesClassName",
                    "update is forbidden when the VolumeAttributesClass feature gate is disabled"));
            if (opts.enableVolumeAttributesClass() && oldVac != null && newVac == null) {
                causes.add(FieldCause.forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
            }
        }
    }
}
