package io.kapi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimedStorageTest {
    @Test
    void theTypeLabelIsTheResourceAKeyBelongsTo() {
        assertEquals("configmaps", TimedStorage.type("/registry/configmaps/default/c1"));
        assertEquals("namespaces", TimedStorage.type("/registry/namespaces/default"));
        assertEquals("configmaps", TimedStorage.type("/registry/configmaps/"));
        assertEquals("leases.coordination.k8s.io", TimedStorage.type("/registry/coordination.k8s.io/leases/ns/l1"));
        assertEquals("leases.coordination.k8s.io", TimedStorage.type("/registry/coordination.k8s.io/leases/"));
        assertEquals("", TimedStorage.type("/registry/"));
    }
}
