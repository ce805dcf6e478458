package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A strategy's graceful deletion, as kube's {@code RESTGracefulDeleteStrategy} with finalizers: a
 * delete first marks the object ({@code metadata.deletionTimestamp}) and something else removes it
 * later. A {@link Strategy} that also implements this interface gets it; a namespace is the example:
 * it turns Terminating and the namespace controller empties and removes it.
 */
@ConsumerType
public interface GracefulDeletion {
    /** Adjusts the object being marked for deletion (e.g. {@code status.phase=Terminating}). */
    void prepareForDelete(ObjectNode object);

    /** Whether the marked object stays (true) or can go at once. */
    boolean keepAfterMark(ObjectNode marked);
}
