package io.kapi.api.rest;

/**
 * What a REST storage call knows of its request.
 *
 * @param namespace the request's namespace, "" for cluster-scoped requests or all namespaces
 * @param user the authenticated user
 * @param dryRun whether the request asked for {@code dryRun=All}
 * @param fieldManager the {@code fieldManager} parameter, or null
 */
public record RequestContext(String namespace, UserInfo user, boolean dryRun, String fieldManager) {
}
