/**
 * The generic registry store (kube's {@code genericregistry.Store}): one class implements every verb
 * on top of a {@link io.kapi.api.rest.Strategy} and the {@link io.kapi.api.storage.Storage} contract.
 *
 * <p>Internal to kapi-core: not exported. Group bundles use kapi-api and kapi-machinery.
 */
package io.kapi.core.registry;
