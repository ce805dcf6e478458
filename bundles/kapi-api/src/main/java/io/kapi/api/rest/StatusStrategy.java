package io.kapi.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The {@code status} subresource of a resource, as kube's {@code StatusREST} with a status strategy.
 * A resource that declares one ({@link ResourceDefinition#status()}) is served at
 * {@code <resource>/status} for get, update and patch (server-side apply too), and its main resource
 * no longer takes status from clients: a create drops {@code status}, an update keeps the stored one.
 * A strategy that also states its reset fields ({@link ResetFields}, kube's {@code GetResetFields})
 * is applied through {@code /status} as kube applies: the whole configuration merged, those fields
 * neither owned nor conflicting, then {@link #prepareForUpdate} on the result.
 */
@ConsumerType
public interface StatusStrategy {

    /**
     * Makes {@code object}, what a client wrote to {@code /status}, the object to store. The default is
     * kube's rule for custom resources: everything but {@code status} is the stored object's
     * ({@link #keepOnlyStatus}). A built-in kind may let more through, as kube's do for metadata.
     */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
        keepOnlyStatus(object, old);
    }

    /** Validation of the status being written; metadata is validated by the store. */
    default List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return List.of();
    }

    /**
     * kube's status strategies of built-in kinds ({@code newObj.Spec = oldObj.Spec}): {@code object}'s
     * spec is the stored one (none when the stored object has none); its metadata and status stay.
     */
    static void keepStoredSpec(ObjectNode object, ObjectNode old) {
        if (old.has("spec")) {
            object.set("spec", old.get("spec").deepCopy());
        } else {
            object.remove("spec");
        }
    }

    /**
     * Resets {@code object} in place to {@code old} except for its {@code status} and its
     * {@code metadata.managedFields} (which record this write). The metadata object keeps its identity,
     * so a caller holding it sees the reset.
     */
    static void keepOnlyStatus(ObjectNode object, ObjectNode old) {
        JsonNode status = object.get("status");
        ObjectNode metadata = object.get("metadata") instanceof ObjectNode m ? m : null;
        JsonNode managedFields = metadata == null ? null : metadata.get("managedFields");
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        old.fields().forEachRemaining(fields::add);
        object.removeAll();
        for (Map.Entry<String, JsonNode> f : fields) {
            switch (f.getKey()) {
                case "status" -> {
                    if (status != null) {
                        object.set("status", status);
                    }
                }
                case "metadata" -> {
                    ObjectNode m = metadata != null ? metadata : object.objectNode();
                    m.removeAll();
                    if (f.getValue() instanceof ObjectNode oldMeta) {
                        m.setAll(oldMeta.deepCopy());
                    }
                    if (managedFields != null) {
                        m.set("managedFields", managedFields);
                    } else {
                        m.remove("managedFields");
                    }
                    object.set("metadata", m);
                }
                default -> object.set(f.getKey(), f.getValue().deepCopy());
            }
        }
        if (status != null && !object.has("status")) {
            object.set("status", status);
        }
    }
}
