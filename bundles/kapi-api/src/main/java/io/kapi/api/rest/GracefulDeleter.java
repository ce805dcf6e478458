package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Deletes one object. {@code options} is the request's {@code DeleteOptions} (preconditions,
 * propagationPolicy, gracePeriodSeconds), possibly empty. Returns the deleted object, or the object
 * as it now is when deletion is not immediate (e.g. a namespace that starts terminating).
 */
@org.osgi.annotation.versioning.ConsumerType
public interface GracefulDeleter {
    record DeleteResult(ObjectNode object, boolean immediate) {
    }

    DeleteResult delete(RequestContext ctx, String name, ObjectNode options);
}
