package io.kapi.api.rest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What happens to an object's dependents (the objects whose {@code metadata.ownerReferences} name it)
 * when it is deleted without a {@code propagationPolicy} or {@code orphanDependents}, as kube's
 * {@code rest.GarbageCollectionDeleteStrategy}. A {@link Strategy} that does not implement this
 * interface has kube's default: dependents are deleted in the background.
 */
@ConsumerType
public interface GarbageCollectionPolicy {
    enum Policy {
        /** Dependents are deleted in the background once the object is gone (kube's {@code DeleteDependents}). */
        DELETE_DEPENDENTS,
        /** Dependents stay, their owner references to the object removed (the {@code orphan} finalizer). */
        ORPHAN_DEPENDENTS,
        /** The object takes no part in garbage collection: deleting it adds no finalizer whatever is asked. */
        UNSUPPORTED
    }

    /**
     * The default for a delete through {@code version} of the resource (kube keeps orphaning as the default
     * of some legacy versions, as batch/v1 Jobs and core/v1 ReplicationControllers).
     */
    Policy defaultGarbageCollectionPolicy(String version);
}
