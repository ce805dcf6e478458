/**
 * The Declarative Services adapter that opens {@link io.kapi.storage.etcd.EtcdStorage} from the
 * configuration {@code io.kapi.storage.etcd} and registers it as the {@code Storage} service.
 * Not exported.
 */
package io.kapi.storage.etcd.internal;
