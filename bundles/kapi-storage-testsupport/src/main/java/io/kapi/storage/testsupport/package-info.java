/**
 * The storage contract suite: kube-apiserver's {@code pkg/storage/testing} cases, ported to the
 * key/bytes {@link io.kapi.api.storage.Storage} contract. Every implementation (embedded, etcd,
 * a watch cache) extends {@link io.kapi.storage.testsupport.StorageContractSuite}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.storage.testsupport;
