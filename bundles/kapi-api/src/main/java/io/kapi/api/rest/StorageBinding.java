package io.kapi.api.rest;

import io.kapi.api.storage.Storage;

/**
 * What the core hands a resource when it builds its REST storage: the storage backend and the key
 * prefix ({@code /registry/<group>/<resource>/}), plus the generic store for a custom storage to wrap.
 */
@org.osgi.annotation.versioning.ProviderType
public interface StorageBinding {
    Storage storage();

    String keyPrefix();

    /** The generic registry store for this resource with the given strategy (kube's {@code genericregistry.Store}). */
    RestStore genericStore(Strategy strategy);
}
