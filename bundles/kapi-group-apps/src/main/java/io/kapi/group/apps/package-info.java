/**
 * apps/v1 as kube-apiserver serves it: deployments, replicasets, statefulsets, daemonsets and
 * controllerrevisions, with kube's defaulting, validation, status and scale subresources, printer
 * columns and schemas. Stored objects only: no controller acts on them, as in kcp.
 */
package io.kapi.group.apps;
