/**
 * The watch cache: kube-apiserver's cacher at the {@link io.kapi.api.storage.Storage} level. One
 * backend watch keeps the objects under a root prefix and a bounded window of recent events in
 * memory; watches and consistent reads are served from there, writes pass through.
 *
 * <p>Internal to kapi-core: not exported. Group bundles use kapi-api and kapi-machinery.
 */
package io.kapi.core.cache;
