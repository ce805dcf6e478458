/**
 * Helpers for kube objects as Jackson {@code ObjectNode}s, for group bundles: reading a field's text,
 * an object's metadata, name and namespace, labels, kube's timestamps, and a schema shipped in the
 * bundle. No shared, mutable {@code ObjectMapper} is exposed.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.api.json;
