package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import java.util.List;
import java.util.Map;

/**
 * kube 1.32's {@code csrApprovalStrategy}, for one write through {@code /approval}: everything but
 * {@code status.conditions} is the stored object's (the metadata is the client's, as kube leaves it), the
 * conditions get their timestamps, and the Approved and Denied conditions may be added.
 *
 * <p>The generic store of a resource with a status subresource puts the stored status back before it
 * calls {@link #prepareForUpdate}, so the conditions the client wrote are handed over first
 * ({@link #written}), from the update's transform, on the request's thread: one instance serves one
 * request. The other hooks are the resource's.
 */
final class CsrApprovalStrategy implements Strategy {
    private final CsrStrategy resource;
    private JsonNode conditions;

    CsrApprovalStrategy(CsrStrategy resource) {
        this.resource = resource;
    }

    /**
     * kube's {@code PrepareForUpdate} of an approval: {@code object}, what the client wrote, becomes the
     * object to store, in place.
     */
    static void prepare(ObjectNode object, ObjectNode old, String now) {
        CsrConditions.populateTimestamps(object, old, now);
        JsonNode written = object.path("status").get("conditions");
        CsrStrategy.copy(old, object, "spec");
        CsrStrategy.copy(old, object, "status");
        setConditions(object, written);
    }

    private static void setConditions(ObjectNode object, JsonNode written) {
        if (written == null || written.isNull() || written.isEmpty()) {
            // Go's nil or empty slice, left out (omitempty)
            if (object.get("status") instanceof ObjectNode status) {
                status.remove("conditions");
            }
            return;
        }
        JsonNode status = object.get("status");
        (status instanceof ObjectNode s ? s : object.putObject("status")).set("conditions", written.deepCopy());
    }

    /** The conditions of the object {@link #prepare} made, which {@link #prepareForUpdate} writes. */
    void written(ObjectNode prepared) {
        JsonNode c = prepared.path("status").get("conditions");
        conditions = c == null ? null : c.deepCopy();
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        CsrStrategy.copy(old, object, "spec");
        CsrStrategy.copy(old, object, "status");
        setConditions(object, conditions);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return CsrValidation.validateApprovalUpdate(object, old);
    }

    // ---- the resource's hooks

    @Override
    public void applyDefaults(ObjectNode object) {
        resource.applyDefaults(object);
    }

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return resource.validateName(name, prefix);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        resource.prepareForCreate(object);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return resource.validate(object);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return resource.selectableFields(object);
    }

    @Override
    public TableConvertor table() {
        return resource.table();
    }
}
