package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Converts a resource's objects between the versions of its group, as kube's conversion functions
 * (through the internal version) or a CustomResourceDefinition's conversion webhook. An object is
 * stored in its resource's storage version and converted when it is read in another version.
 * Without a converter, conversion is kube's {@code None} strategy: only {@code apiVersion} changes.
 */
@ConsumerType
@FunctionalInterface
public interface VersionConverter {
    /**
     * {@code object} (in any version of the resource, named by its {@code apiVersion}) in
     * {@code toVersion} (e.g. {@code v2}), as a new object or {@code object} itself changed. A failure is
     * a {@link StatusException}; anything else thrown becomes a 500.
     */
    ObjectNode convert(ObjectNode object, String toVersion);
}
