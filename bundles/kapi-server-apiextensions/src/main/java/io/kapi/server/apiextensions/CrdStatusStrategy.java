package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import java.util.List;

/**
 * kube 1.32's status strategy of CustomResourceDefinitions: a write to
 * {@code customresourcedefinitions/status} keeps the stored spec. kube's strategy then resets the
 * metadata with {@code ResetObjectMetaForStatus(&newObj.ObjectMeta, &newObj.ObjectMeta)}, the new
 * metadata against itself, which changes nothing: the writer's labels, annotations, finalizers and
 * owner references are stored (the store keeps the system fields). Its reset fields are all of
 * {@code metadata} and {@code spec}, so an applier through /status owns neither. Stateless.
 */
final class CrdStatusStrategy implements StatusStrategy, ResetFields {
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
    }

    /** kube's GetResetFields of the CRD status strategy: {@code metadata} and {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("metadata"), List.of("spec"));
    }
}
