/**
 * The embedded {@link io.kapi.api.storage.Storage}: etcd's semantics (one global revision, MVCC
 * reads at older revisions, watch from a revision, compaction) on H2's MVStore, with a write-ahead
 * log that makes every write durable before it is acknowledged. Exported so tools and tests can open a store directly; servers use
 * the OSGi service.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.storage.embedded;
