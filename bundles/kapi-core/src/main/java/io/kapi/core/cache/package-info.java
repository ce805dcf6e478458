/**
 * The watch cache: kube-apiserver's cacher at the {@link io.kapi.api.storage.Storage} level. One
 * backend watch keeps the objects under a root prefix and a bounded window of recent events in
 * memory; watches and consistent reads are served from there, writes pass through.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.cache;
