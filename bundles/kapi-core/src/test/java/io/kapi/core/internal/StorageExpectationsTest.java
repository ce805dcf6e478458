package io.kapi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StorageExpectationsTest {
    @Test
    void backendNamesComeFromStorageConfigurationPidsOnly() {
        assertEquals(Set.of("embedded", "etcd"), StorageExpectations.names(List.of(
                "io.kapi.storage.etcd", "io.kapi.server", "io.kapi.storage.embedded", "io.kapi.storage.", "org.ops4j.pax.web")));
        assertEquals(Set.of(), StorageExpectations.names(List.of("io.kapi.server")));
    }
}
