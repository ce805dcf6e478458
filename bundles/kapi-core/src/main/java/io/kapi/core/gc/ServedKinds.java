package io.kapi.core.gc;

import io.kapi.core.endpoints.ServedResource;
import java.util.List;

/**
 * The served resources as the collector resolves them: the resource a storage key belongs to, and the
 * resource of an owner reference's group and kind (whatever version: every version of a resource
 * shares its storage). Built from one serving snapshot's list.
 */
final class ServedKinds {
    private final List<ServedResource> served;

    ServedKinds(List<ServedResource> served) {
        this.served = served;
    }

    /** The resource whose objects live under {@code key}, or null when no served resource holds it. */
    ServedResource byKey(String key) {
        ServedResource best = null;
        for (ServedResource r : served) {
            String prefix = r.meta().keyPrefix();
            if (key.startsWith(prefix) && (best == null || prefix.length() > best.meta().keyPrefix().length())) {
                best = r;
            }
        }
        return best;
    }

    /** The resource of {@code kind} in {@code group}, or null when it is not served (now). */
    ServedResource byKind(String group, String kind) {
        for (ServedResource r : served) {
            if (r.meta().group().equals(group) && r.meta().kind().equals(kind)) {
                return r;
            }
        }
        return null;
    }

    /** The namespace of the object at {@code key} of {@code resource} ("" when cluster-scoped). */
    static String namespace(ServedResource resource, String key) {
        if (!resource.meta().namespaced()) {
            return "";
        }
        String rest = key.substring(resource.meta().keyPrefix().length());
        int slash = rest.indexOf('/');
        return slash < 0 ? "" : rest.substring(0, slash);
    }

    /** The name of the object at {@code key} of {@code resource}. */
    static String name(ServedResource resource, String key) {
        String rest = key.substring(resource.meta().keyPrefix().length());
        return resource.meta().namespaced() ? rest.substring(rest.indexOf('/') + 1) : rest;
    }

    /** The key of an owner of {@code resource} named {@code name}, for a dependent in {@code namespace}. */
    static String key(ServedResource resource, String namespace, String name) {
        return resource.meta().keyPrefix() + (resource.meta().namespaced() ? namespace + "/" : "") + name;
    }
}
