/**
 * A custom resource against its CustomResourceDefinition's structural schema, as kube's
 * apiextensions-apiserver 1.32 handles it: the schema parsed from {@code openAPIV3Schema}, pruning of
 * unknown fields (with kube's {@code unknown field} paths), defaulting, and kube-openapi's validation
 * with apiextensions' field errors, plus the rules for {@code apiVersion}, {@code kind} and
 * {@code metadata} of the root and of embedded resources, and the uniqueness of {@code x-kubernetes-list-type}
 * {@code set} items and {@code map} keys (1.1.0: {@link ListSetsAndMaps}, {@link GoRendering}), and
 * kube's validation ratcheting on update (1.2.0: {@link Correlation}, {@link SchemaValidator#validateUpdate}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.kapi.machinery.schema;
