package io.kapi.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's NewInvalid messages: one error bare, several in brackets, each distinct error once; the causes keep them all. */
class StatusExceptionTest {
    @Test
    void invalidListsEachDistinctErrorOnce() {
        FieldCause dup = FieldCause.duplicate("allowedTopologies[0].matchLabelExpressions[1].key", "zone");
        FieldCause other = FieldCause.required("provisioner", "");
        StatusException e = StatusException.invalid("storage.k8s.io", "StorageClass", "fast", List.of(dup, other, dup));
        assertEquals(422, e.code());
        assertEquals("StorageClass.storage.k8s.io \"fast\" is invalid: [" + dup.describe() + ", " + other.describe() + "]",
                e.getMessage());
        assertEquals(3, e.causes().size());
        assertEquals("StorageClass.storage.k8s.io \"fast\" is invalid: " + dup.describe(),
                StatusException.invalid("storage.k8s.io", "StorageClass", "fast", List.of(dup, dup)).getMessage());
        assertEquals("ConfigMap \"c\" is invalid", StatusException.invalid("", "ConfigMap", "c", List.of()).getMessage());
    }
}
