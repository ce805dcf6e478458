package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads one object. Throws NotFound when it does not exist. */
@org.osgi.annotation.versioning.ConsumerType
public interface Getter {
    ObjectNode get(RequestContext ctx, String name, String resourceVersion);
}
