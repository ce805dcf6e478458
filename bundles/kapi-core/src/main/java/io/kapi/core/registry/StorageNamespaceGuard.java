package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.List;

/** Reads namespaces straight from storage at their kube key, so it works whatever bundle serves them. */
public final class StorageNamespaceGuard implements NamespaceGuard {
    public static final String NAMESPACES_PREFIX = "/registry/namespaces/";
    private final Storage storage;

    public StorageNamespaceGuard(Storage storage) {
        this.storage = storage;
    }

    @Override
    public void checkCreate(String namespace) {
        KeyValue kv = storage.get(NAMESPACES_PREFIX + namespace);
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
