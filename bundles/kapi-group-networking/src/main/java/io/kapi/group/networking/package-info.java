/**
 * networking.k8s.io/v1 as stored objects: ingresses, ingress classes and network policies with kube's
 * defaults, validation and printers. No ingress controller or network plugin acts on them.
 */
package io.kapi.group.networking;
