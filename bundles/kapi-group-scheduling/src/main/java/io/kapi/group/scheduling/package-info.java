/** scheduling.k8s.io/v1 as stored objects: priority classes with kube's validation, printer and system classes. */
package io.kapi.group.scheduling;
