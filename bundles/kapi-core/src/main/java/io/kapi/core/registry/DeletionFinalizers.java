package io.kapi.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.GarbageCollectionPolicy.Policy;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The garbage collector's finalizers a delete puts on an object, as kube's generic store decides them
 * ({@code deletionFinalizersForGarbageCollection}): {@code orphan} when the dependents are to stay,
 * {@code foregroundDeletion} when they are to go first; neither for a background delete, whose
 * dependents the collector deletes once the object is gone. An explicit {@code orphanDependents}
 * wins over {@code propagationPolicy}, which wins over a finalizer the object already has, which wins
 * over the resource's default.
 */
final class DeletionFinalizers {
    private DeletionFinalizers() {
    }

    /**
     * The object's finalizers after a delete with {@code options}, or null when they stay as they are
     * (compared as sets, as kube does).
     *
     * @param finalizers the object's {@code metadata.finalizers} (missing or an array)
     * @param options the request's DeleteOptions, possibly null
     * @param defaultPolicy the resource's default for a delete that says nothing
     */
    static List<String> after(JsonNode finalizers, JsonNode options, Policy defaultPolicy) {
        List<String> current = new ArrayList<>();
        if (finalizers != null) {
            finalizers.forEach(f -> current.add(f.asText()));
        }
        boolean orphan = shouldOrphan(current, options, defaultPolicy);
        boolean foreground = shouldDeleteInForeground(current, options, defaultPolicy);
        List<String> next = new ArrayList<>();
        for (String f : current) {
            if (!f.equals(ObjectMetaValidation.FINALIZER_ORPHAN) && !f.equals(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                next.add(f);
            }
        }
        if (orphan) {
            next.add(ObjectMetaValidation.FINALIZER_ORPHAN);
        }
        if (foreground) {
            next.add(ObjectMetaValidation.FINALIZER_FOREGROUND);
        }
        Set<String> before = new LinkedHashSet<>(current);
        return before.equals(new LinkedHashSet<>(next)) ? null : next;
    }

    private static boolean shouldOrphan(List<String> finalizers, JsonNode options, Policy defaultPolicy) {
        if (defaultPolicy == Policy.UNSUPPORTED) {
            return false;
        }
        JsonNode orphanDependents = options == null ? null : options.get("orphanDependents");
        if (orphanDependents != null && !orphanDependents.isNull()) {
            return orphanDependents.asBoolean();
        }
        String policy = propagationPolicy(options);
        if (policy != null) {
            switch (policy) {
                case "Orphan":
                    return true;
                case "Background", "Foreground":
                    return false;
                default:
                    break;
            }
        }
        for (String f : finalizers) {
            if (f.equals(ObjectMetaValidation.FINALIZER_ORPHAN)) {
                return true;
            }
            if (f.equals(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                return false;
            }
        }
        return defaultPolicy == Policy.ORPHAN_DEPENDENTS;
    }

    private static boolean shouldDeleteInForeground(List<String> finalizers, JsonNode options, Policy defaultPolicy) {
        if (defaultPolicy == Policy.UNSUPPORTED) {
            return false;
        }
        JsonNode orphanDependents = options == null ? null : options.get("orphanDependents");
        if (orphanDependents != null && !orphanDependents.isNull()) {
            return false;
        }
        String policy = propagationPolicy(options);
        if (policy != null) {
            switch (policy) {
                case "Foreground":
                    return true;
                case "Background", "Orphan":
                    return false;
                default:
                    break;
            }
        }
        for (String f : finalizers) {
            if (f.equals(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
                return true;
            }
            if (f.equals(ObjectMetaValidation.FINALIZER_ORPHAN)) {
                return false;
            }
        }
        return false;
    }

    private static String propagationPolicy(JsonNode options) {
        JsonNode p = options == null ? null : options.get("propagationPolicy");
        return p == null || p.isNull() ? null : p.asText();
    }
}
