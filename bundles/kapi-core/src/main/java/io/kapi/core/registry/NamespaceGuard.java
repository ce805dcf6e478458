package io.kapi.core.registry;

/**
 * Kube's NamespaceLifecycle admission for creates: the namespace must exist and not be terminating.
 * Implementations throw NotFound / Forbidden {@link io.kapi.api.rest.StatusException}s.
 */
@FunctionalInterface
public interface NamespaceGuard {
    NamespaceGuard NONE = ns -> { };

    void checkCreate(String namespace);
}
