/**
 * rbac.authorization.k8s.io/v1 as stored objects: roles, role bindings, cluster roles and cluster role
 * bindings with kube's defaults, validation and printers; kube's bootstrap policy (every default role
 * and binding, reconciled at start as kube-apiserver's {@code rbac/bootstrap-roles} hook does); and
 * kube's ClusterRole aggregation controller, run in process. They do not authorize yet: Kapi's
 * authorizer admits {@code system:masters} only.
 */
package io.kapi.group.rbac;
