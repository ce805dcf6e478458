/**
 * The built-in filters of the head server's handler chain, in kube-apiserver's order
 * ({@code DefaultBuildHandlerChain}): panic recovery, request info, max-in-flight, timeout,
 * authentication, impersonation, authorization. Each is a plain {@link io.kapi.api.server.HandlerFilter}.
 *
 * <p>Internal to kapi-core: not exported. Group bundles use kapi-api and kapi-machinery.
 */
package io.kapi.core.filters;
