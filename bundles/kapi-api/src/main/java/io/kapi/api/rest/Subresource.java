package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A subresource beyond {@code status} and {@code scale}, served by REST storage of its own (kube's
 * {@code pods/binding}, {@code pods/eviction}, {@code certificatesigningrequests/approval}). Its storage
 * implements the verb interfaces it supports ({@link NamedCreater} for a POST, {@link Getter},
 * {@link Updater}), on the same storage binding as its resource.
 *
 * @param name the subresource's path segment ({@code binding})
 * @param group the group of the kind it takes and answers ({@code policy} for an Eviction)
 * @param version that kind's version
 * @param kind that kind ({@code Eviction})
 * @param schema that kind's OpenAPI schema (unknown and duplicate fields are checked against it), or null
 * @param storage builds its REST storage
 */
public record Subresource(String name, String group, String version, String kind, ObjectNode schema,
                          ResourceDefinition.RestStorageFactory storage) {
    public Subresource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(storage, "storage");
        if (name.equals("status") || name.equals("scale")) {
            throw new IllegalArgumentException("the " + name + " subresource is declared with its own builder method");
        }
    }
}
