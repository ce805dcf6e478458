package io.kapi.core.registry;

import io.kapi.api.rest.StatusException;
import java.util.Set;

/**
 * Kube's NamespaceLifecycle admission: a create needs its namespace to exist and not be terminating
 * (implementations throw NotFound / Forbidden {@link StatusException}s), and the namespaces kube calls immortal
 * ({@code default}, {@code kube-system}, {@code kube-public}; not {@code kube-node-lease}) may not be deleted,
 * whichever bundle serves namespaces.
 */
@FunctionalInterface
public interface NamespaceGuard {
    NamespaceGuard NONE = ns -> { };

    /** kube's immortal namespaces. */
    Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

    void checkCreate(String namespace);

    /**
     * Refuses the delete (also a dry run) of an immortal namespace, as kube's admission does before its storage
     * is reached: 403 {@code namespaces "default" is forbidden: this namespace may not be deleted}.
     */
    static void checkDelete(ResourceMeta meta, String subresource, String name) {
        if (meta.group().isEmpty() && meta.resource().equals("namespaces") && subresource.isEmpty() && IMMORTAL.contains(name)) {
            throw new StatusException(403, "Forbidden", "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted",
                    "", "namespaces", name, null, 0);
        }
    }
}
