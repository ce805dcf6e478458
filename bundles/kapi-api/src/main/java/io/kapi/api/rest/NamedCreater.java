package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Creates something on the object named in the path, as kube's {@code rest.NamedCreater}: a POST to a
 * subresource such as {@code pods/binding} or {@code pods/eviction}. Returns what the response carries
 * (the object, or a {@code Status} of success).
 */
@org.osgi.annotation.versioning.ConsumerType
public interface NamedCreater {
    ObjectNode create(RequestContext ctx, String name, ObjectNode object);
}
