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
        if (terminating(kv)) {
            throw new StatusException(403, "Forbidden", "unable to create new content in namespace " + namespace
                    + " because it is being terminated", "", "namespaces", namespace,
                    List.of(new FieldCause("NamespaceTerminating",
                            "namespace " + namespace + " is being terminated", "metadata.namespace")), 0);
        }
    }

    /** A namespace as stored, and whether it is terminating. */
    private record Checked(KeyValue kv, boolean terminating) {
    }

    /**
     * What the namespaces read last were found to be, by namespace: the watch cache hands out the same
     * stored value until the namespace changes, so a create need not parse its namespace again.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Checked> checked = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CHECKED = 1024;

    private boolean terminating(KeyValue kv) {
        Checked c = checked.get(kv.key());
        if (c != null && c.kv() == kv) {
            return c.terminating();
        }
        try {
            ObjectNode ns = Json.parseObject(kv.value());
            boolean terminating = !Json.text(ns.get("metadata"), "deletionTimestamp").isEmpty()
                    || "Terminating".equals(Json.text(ns.get("status"), "phase"));
            if (checked.size() >= MAX_CHECKED) {
                checked.clear(); // namespaces that come and go leave nothing behind for long
            }
            checked.put(kv.key(), new Checked(kv, terminating));
            return terminating;
        } catch (IOException e) {
            throw StatusException.internal("namespace " + kv.key().substring(NAMESPACES_PREFIX.length()) + " is unreadable: " + e.getMessage());
        }
    }
}
