/**
 * kube's patch types (JSON patch, JSON merge patch, strategic merge patch) on objects in their JSON
 * form, with kube-apiserver's statuses for bad patches.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.kapi.machinery.patch;
