package io.kapi.api.rest;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every verb of one resource's REST storage, as kube's {@code genericregistry.Store} serves them:
 * what {@link StorageBinding#genericStore} returns, for a custom storage to wrap or delegate to, and
 * what a {@link io.kapi.api.server.LoopbackClient} hands out.
 */
@ProviderType
public interface RestStore extends Patcher, Lister, Creater, GracefulDeleter, CollectionDeleter, Watcher {
}
