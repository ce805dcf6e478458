/**
 * The tail of the chain, kube's apiextensions-apiserver: {@code apiextensions.k8s.io}
 * CustomResourceDefinitions (validated as kube validates them: names, versions, structural schemas,
 * OpenAPI rules, defaults, selectable fields, CEL rules, conversion settings) and, through the
 * controller, each group of established definitions served as an API group of this server, with the
 * groups that target it.
 */
package io.kapi.server.apiextensions;
