/**
 * The generic registry store (kube's {@code genericregistry.Store}): one class implements every verb
 * on top of a {@link io.kapi.api.rest.Strategy} and the {@link io.kapi.api.storage.Storage} contract.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.registry;
