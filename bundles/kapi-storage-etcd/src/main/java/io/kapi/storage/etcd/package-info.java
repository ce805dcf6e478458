/**
 * {@link io.kapi.api.storage.Storage} on etcd v3: {@link io.kapi.storage.etcd.EtcdStorage},
 * configured by {@link io.kapi.storage.etcd.EtcdConfig}. Exported so tools and tests can open a
 * store directly; servers use the OSGi service that the {@code internal} package registers.
 *
 * <p>etcd is spoken to over its gRPC API, as kube-apiserver does, with grpc-java (Netty, shaded)
 * and etcd's messages as jetcd-grpc generates them. None of these jars carries OSGi headers, so
 * the bundle embeds them privately (see its pom); only protobuf-java comes from the framework.
 * An earlier version used etcd's gRPC-JSON gateway with the JDK's HTTP client: etcd spent 2.5 to
 * 3.8 times the CPU on a transaction through the gateway than over gRPC (docs/PERFORMANCE.md).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.kapi.storage.etcd;
