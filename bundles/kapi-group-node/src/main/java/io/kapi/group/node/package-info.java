/** node.k8s.io/v1 as stored objects: runtime classes with kube's validation and printer. */
package io.kapi.group.node;
