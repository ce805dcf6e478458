/**
 * rbac.authorization.k8s.io/v1 as stored objects: roles, role bindings, cluster roles and cluster role
 * bindings with kube's defaults, validation and printers, and kube's {@code cluster-admin} role bound to
 * {@code system:masters}. They do not authorize yet: Kapi's authorizer admits {@code system:masters} only.
 */
package io.kapi.group.rbac;
