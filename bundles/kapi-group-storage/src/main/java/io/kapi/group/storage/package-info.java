/** storage.k8s.io/v1 as stored objects: storage classes, CSI drivers and CSI nodes with kube's defaults, validation and printers. */
package io.kapi.group.storage;
