/**
 * REST storage contracts, verb by verb, as kube-apiserver's {@code pkg/registry/rest}: a resource's
 * storage implements the verb interfaces it supports and the endpoint installer offers exactly those
 * verbs. Objects are Jackson {@link com.fasterxml.jackson.databind.node.ObjectNode}s in their JSON
 * form (kube's "unstructured"). Errors are {@link io.kapi.api.rest.StatusException}s.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.7.0")
package io.kapi.api.rest;
