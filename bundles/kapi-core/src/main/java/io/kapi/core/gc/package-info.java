/**
 * The in-process garbage collector, as kube-controller-manager's: it follows {@code ownerReferences}
 * across every served group and deletes dependents whose owners are gone, orphans dependents behind
 * the {@code orphan} finalizer and deletes them first behind {@code foregroundDeletion}.
 *
 * <p>Internal to kapi-core: not exported.
 */
package io.kapi.core.gc;
