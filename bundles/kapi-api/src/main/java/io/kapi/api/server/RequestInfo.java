package io.kapi.api.server;

import java.util.List;

/**
 * What kube's {@code RequestInfoFactory} derives from a request path and method.
 *
 * @param resourceRequest whether the path names a resource (under /api or /apis with a resource part)
 * @param path the request path
 * @param verb kube's verb: get, list, watch, create, update, patch, delete, deletecollection, or the
 *             lowercase HTTP method for non-resource requests
 * @param apiPrefix "api" or "apis" (empty for non-API paths)
 * @param apiGroup the group ("" for core)
 * @param apiVersion the version
 * @param namespace the namespace, "" if none
 * @param resource the resource plural, "" if none
 * @param subresource the subresource, "" if none
 * @param name the object name, "" if none
 * @param parts the path parts after the version
 */
public record RequestInfo(boolean resourceRequest, String path, String verb, String apiPrefix, String apiGroup,
                          String apiVersion, String namespace, String resource, String subresource, String name,
                          List<String> parts) {
}
