package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Lists objects: returns a list object ({@code <Kind>List}) whose {@code metadata} carries
 * {@code resourceVersion}, and {@code continue}/{@code remainingItemCount} when paged.
 * Throws Expired (410) for a continue token or resourceVersion that was compacted.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Lister {
    ObjectNode list(RequestContext ctx, ListOptions options);
}
