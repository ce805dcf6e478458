package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Creates an object. Throws AlreadyExists, Invalid, or NotFound for a missing namespace. */
@org.osgi.annotation.versioning.ConsumerType
public interface Creater {
    ObjectNode create(RequestContext ctx, ObjectNode object);
}
