package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.core.cache.WatchCache;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.List;

/**
 * Reads namespaces at their kube key, so it works whatever bundle serves them. As kube's
 * NamespaceLifecycle admission, which asks its informer first and the API only for a namespace the
 * informer has not seen (yet): over a {@link WatchCache} the cached namespace is used as it is, and
 * only a namespace missing from memory costs a consistent read.
 */
public final class StorageNamespaceGuard implements NamespaceGuard {
    public static final String NAMESPACES_PREFIX = "/registry/namespaces/";
    private final Storage storage;

    public StorageNamespaceGuard(Storage storage) {
        this.storage = storage;
    }

    @Override
    public void checkCreate(String namespace) {
        String key = NAMESPACES_PREFIX + namespace;
        KeyValue kv = storage instanceof WatchCache ? ((WatchCache) storage).peek(key) : null;
        if (kv == null) {
            kv = storage.get(key);
        }
        if (kv == null) {
            throw StatusException.notFound("", "namespaces", namespace);
        }
        try {
            ObjectNode ns = Json.parseObject(kv.value());
            if (!Json.text(ns.get("metadata"), "deletionTimestamp").isEmpty()
                    || "Terminating".equals(Json.text(ns.get("status"), "phase"))) {
                throw new StatusException(403, "Forbidden", "unable to create new content in namespace " + namespace
                        + " because it is being terminated", "", "namespaces", namespace,
                        List.of(new FieldCause("NamespaceTerminating",
                                "namespace " + namespace + " is being terminated", "metadata.namespace")), 0);
            }
        } catch (IOException e) {
            throw StatusException.internal("namespace " + namespace + " is unreadable: " + e.getMessage());
        }
    }
}
