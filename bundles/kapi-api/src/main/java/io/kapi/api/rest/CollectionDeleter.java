package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Deletes every object a list with {@code listOptions} would return; returns the list of deleted objects. */
@org.osgi.annotation.versioning.ConsumerType
public interface CollectionDeleter {
    ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions);
}
