package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube 1.32's {@code csrStatusStrategy}: {@code /status} writes the certificate and the conditions, but
 * the spec is the stored one and the Approved and Denied conditions are the stored ones too (approval is
 * {@code /approval}'s): when a write keeps their number, the stored instances are put back; when it adds
 * or removes one, validation refuses it ({@code updates may not add a condition of type "Approved"}).
 * Conditions get their timestamps. The metadata is the client's, as kube's strategy leaves it. Stateless.
 */
final class CsrStatusStrategy implements StatusStrategy, ResetFields {
    private final Supplier<String> now;

    CsrStatusStrategy() {
        this(Json::now);
    }

    /** With a clock for the condition timestamps (RFC 3339, as {@link Json#now}). */
    CsrStatusStrategy(Supplier<String> now) {
        this.now = now;
    }

    /**
     * kube's GetResetFields of {@code csrStatusStrategy}: {@code spec} and {@code status.conditions}. The
     * conditions other than Approved and Denied are still written through /status; an applier does
     * not own them.
     */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"), List.of("status", "conditions"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
        CsrConditions.preserveInstances(object, old, CsrValidation.APPROVED);
        CsrConditions.preserveInstances(object, old, CsrValidation.DENIED);
        CsrConditions.populateTimestamps(object, old, now.get());
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return CsrValidation.validateStatusUpdate(object, old);
    }
}
