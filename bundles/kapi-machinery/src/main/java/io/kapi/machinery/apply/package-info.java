/**
 * Server-side apply and managed fields: structured-merge-diff's field sets, comparison, merge and
 * pruning over JSON objects with their OpenAPI schemas, and kube-apiserver's field manager on top.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.machinery.apply;
