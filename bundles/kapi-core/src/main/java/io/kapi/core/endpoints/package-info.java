/**
 * The HTTP side of the API machinery: request info, content negotiation, codecs, Status errors, and
 * the handlers that turn verbs into REST storage calls (kube's {@code pkg/endpoints}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.endpoints;
