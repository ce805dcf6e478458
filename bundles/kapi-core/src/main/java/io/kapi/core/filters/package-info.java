/**
 * The built-in filters of the head server's handler chain, in kube-apiserver's order
 * ({@code DefaultBuildHandlerChain}): panic recovery, request info, max-in-flight, timeout,
 * authentication, authorization. Each is a plain {@link io.kapi.api.server.HandlerFilter}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.filters;
