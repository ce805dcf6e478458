package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube's status strategy of a custom resource ({@code customresource.statusStrategy}): a write to
 * {@code /status} stores only its {@code status} and its managed fields, everything else is the stored
 * object ({@link StatusStrategy#keepOnlyStatus}); the status is validated by the version's schema and
 * rules. Its reset fields are only {@code spec} (kube notes other top-level fields and metadata are
 * reset without being listed): an applier through /status owns the labels or annotations it sets,
 * though they are not stored. Stateless.
 */
final class CustomResourceStatus implements StatusStrategy, ResetFields {
    private final CustomResourceStrategy strategy;

    CustomResourceStatus(CustomResourceStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return strategy.validateStatusUpdate(object, old);
    }

    /** kube's GetResetFields of the custom resource status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }
}
