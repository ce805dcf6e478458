/**
 * The tail of the chain: will host {@code apiextensions.k8s.io} CustomResourceDefinitions and their
 * custom resources (not built yet); today it hosts the groups that target it.
 */
package io.kapi.server.apiextensions;
