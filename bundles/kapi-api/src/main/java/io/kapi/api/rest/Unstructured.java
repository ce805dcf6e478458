package io.kapi.api.rest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Marks a {@link Strategy} whose objects kube keeps unstructured, as it keeps custom resources: no Go type stands
 * behind them, so a value of the wrong JSON type is not a decoding error of the request (the server's 400
 * {@code cannot be handled as a <Kind>: json: cannot unmarshal …}) but the strategy's own validation against its
 * schema (kube's 422 {@code … in body must be of type integer}). Every other kind is decoded as kube decodes a
 * built-in kind into its Go type.
 */
@ConsumerType
public interface Unstructured {
}
