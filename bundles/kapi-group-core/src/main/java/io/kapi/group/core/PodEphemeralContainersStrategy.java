package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's pod ephemeral containers strategy, behind {@code pods/ephemeralcontainers}: a write changes
 * {@code spec.ephemeralContainers} only (kube's {@code dropNonEphemeralContainerUpdates}: the stored spec and status
 * stay, and the metadata a status write may not change), and is validated as kube's
 * {@code ValidatePodEphemeralContainersUpdate}: the pod as on create, its annotation updates, no static (mirror)
 * pod, and the ephemeral containers already there neither removed nor changed. Defaults, field selectors and the
 * printer are the pod's.
 */
final class PodEphemeralContainersStrategy implements Strategy {
    /** The annotation of a static pod's mirror (kube's {@code MirrorPodAnnotationKey}). */
    private static final String MIRROR_POD = "kubernetes.io/config.mirror";
    /** Metadata a write here cannot change (kube's {@code ResetObjectMetaForStatus}). */
    private static final String[] KEPT_METADATA = {"deletionTimestamp", "generation", "labels", "annotations", "finalizers",
        "ownerReferences"};

    private final PodStrategy pods = new PodStrategy();

    @Override
    public void applyDefaults(ObjectNode object) {
        pods.applyDefaults(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        dropNonEphemeralContainerUpdates(object, old);
    }

    /** {@code object} made {@code old} but for its {@code spec.ephemeralContainers} and its managed fields. */
    static void dropNonEphemeralContainerUpdates(ObjectNode object, ObjectNode old) {
        JsonNode ephemeral = object.path("spec").get("ephemeralContainers");
        ObjectNode spec = old.get("spec") instanceof ObjectNode s ? s.deepCopy() : object.objectNode();
        if (ephemeral == null || ephemeral.isNull()) {
            spec.remove("ephemeralContainers");
        } else {
            spec.set("ephemeralContainers", ephemeral);
        }
        object.set("spec", spec);
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        } else {
            object.remove("status");
        }
        ObjectNode metadata = object.with("metadata");
        JsonNode oldMetadata = old.path("metadata");
        for (String field : KEPT_METADATA) {
            if (oldMetadata.has(field)) {
                metadata.set(field, oldMetadata.get(field).deepCopy());
            } else {
                metadata.remove(field);
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(PodValidation.pod(object));
        causes.addAll(PodValidation.annotationUpdates(object, old));
        if (old.path("metadata").path("annotations").has(MIRROR_POD)) {
            return List.of(FieldCause.forbidden("", "static pods do not support ephemeral containers"));
        }
        Map<String, JsonNode> written = new HashMap<>();
        for (JsonNode c : object.path("spec").path("ephemeralContainers")) {
            written.put(c.path("name").asText(""), c);
        }
        String path = "spec.ephemeralContainers";
        for (JsonNode before : old.path("spec").path("ephemeralContainers")) {
            String name = before.path("name").asText("");
            JsonNode now = written.get(name);
            // kube's messages end in a new line; a change's also carries a Go diff of the two containers, not
            // reproduced here
            if (now == null) {
                causes.add(FieldCause.forbidden(path, "existing ephemeral containers \"" + name + "\" may not be removed\n"));
            } else if (!now.equals(before)) {
                causes.add(FieldCause.forbidden(path + "[" + name + "]", "existing ephemeral containers \"" + name
                        + "\" may not be changed\n"));
            }
        }
        return causes;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return pods.selectableFields(object);
    }

    @Override
    public TableConvertor table() {
        return pods.table();
    }
}
