/**
 * The storage contract: etcd v3's semantics (one global revision, compare-and-swap writes, watch
 * from a revision, compaction) at the level of keys and bytes, as kube-apiserver's
 * {@code storage.Interface} sits on etcd. Object-level concerns (resourceVersion in the body,
 * uid preconditions, encoding) belong to the generic registry store above it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.kapi.api.storage;
