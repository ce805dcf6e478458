package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One resource of an API group version, as kube's {@code APIResource} plus what serves it.
 *
 * @param version the group version serving it (e.g. {@code v1})
 * @param plural the resource name in paths ({@code configmaps})
 * @param singular {@code configmap}
 * @param kind {@code ConfigMap}
 * @param namespaced whether objects live in namespaces
 * @param shortNames kubectl's short names ({@code cm})
 * @param categories e.g. {@code all}
 * @param schema the OpenAPI v3 schema of the kind (the whole object), or null
 * @param strategy the resource's strategy for the generic registry store
 * @param storage custom REST storage built from the storage binding, or null for the generic store
 */
public record ResourceDefinition(String version, String plural, String singular, String kind, boolean namespaced,
                                 List<String> shortNames, List<String> categories, ObjectNode schema,
                                 Strategy strategy, RestStorageFactory storage) {
    public ResourceDefinition {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(kind, "kind");
        shortNames = shortNames == null ? List.of() : List.copyOf(shortNames);
        categories = categories == null ? List.of() : List.copyOf(categories);
        if (strategy == null && storage == null) {
            strategy = new Strategy() { };
        }
    }

    /** Builds custom REST storage; the returned object implements the verb interfaces it supports. */
    @FunctionalInterface
    public interface RestStorageFactory {
        Object create(StorageBinding binding);
    }
}
