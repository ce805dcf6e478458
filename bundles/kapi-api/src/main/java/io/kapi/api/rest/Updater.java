package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.UnaryOperator;

/**
 * Replaces an object. {@code transform} receives the current object (or null when it does not exist)
 * and returns the new one; it runs again on a fresh copy after a storage conflict, as kube's
 * {@code rest.UpdatedObjectInfo}. Throws Conflict when the new object's resourceVersion is stale.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Updater {
    record UpdateResult(ObjectNode object, boolean created) {
    }

    UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform);
}
