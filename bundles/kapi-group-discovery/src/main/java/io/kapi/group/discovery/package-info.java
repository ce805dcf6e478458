/** discovery.k8s.io/v1 as stored objects: endpoint slices with kube's defaults, validation and printer. */
package io.kapi.group.discovery;
