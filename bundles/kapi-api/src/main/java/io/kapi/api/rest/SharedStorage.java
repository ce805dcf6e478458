package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The objects of a resource stored as those of another group's resource, as kube stores
 * events.k8s.io/v1 Events as core/v1 Events: both resources serve the same objects, each in its own
 * shape, converted on every read and write. The other resource's key prefix, storage version and kind
 * are the ones named here.
 *
 * @param group the group of the resource whose objects these are ("" for the core group)
 * @param resource that resource ({@code events})
 * @param version the version its objects are stored in ({@code v1})
 * @param kind their kind ({@code Event})
 * @param converter between this resource's served shape and the stored one
 */
public record SharedStorage(String group, String resource, String version, String kind, Converter converter) {
    public SharedStorage {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(converter, "converter");
    }

    /** The conversion between the two shapes; a failure is a {@link StatusException}, anything else a 500. */
    @ConsumerType
    public interface Converter {
        /** {@code served} (of this resource, in the version it is served in) as the stored kind, in the stored version. */
        ObjectNode toStored(ObjectNode served, String servedVersion);

        /** {@code stored} (of the stored kind) as this resource in {@code servedVersion}. */
        ObjectNode toServed(ObjectNode stored, String servedVersion);
    }
}
