/**
 * {@link io.kapi.api.storage.Storage} on etcd v3: {@link io.kapi.storage.etcd.EtcdStorage},
 * configured by {@link io.kapi.storage.etcd.EtcdConfig}. Exported so tools and tests can open a
 * store directly; servers use the OSGi service that the {@code internal} package registers.
 *
 * <p>Why etcd's gRPC-JSON gateway and the JDK's {@code java.net.http} rather than jetcd: jetcd
 * and its gRPC, Netty and Vert.x dependencies carry no OSGi headers (43 jars, mixed Netty
 * versions) and would have to be embedded and kept apart from whatever else runs in Karaf. The
 * gateway is part of every etcd v3 server (on the client port, {@code /v3/...} since etcd 3.4),
 * offers the same KV, transaction, watch and compaction calls with the same semantics, and
 * the JDK already has an HTTP client, so this bundle imports nothing but the storage contract.
 * The costs: base64 and JSON on the wire, and one HTTP connection per watch.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.storage.etcd;
