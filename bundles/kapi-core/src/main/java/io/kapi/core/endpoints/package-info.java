/**
 * The HTTP side of the API machinery: request info, content negotiation, codecs, Status errors, and
 * the handlers that turn verbs into REST storage calls (kube's {@code pkg/endpoints}).
 *
 * <p>Internal to kapi-core: not exported. Group bundles use kapi-api and kapi-machinery.
 */
package io.kapi.core.endpoints;
