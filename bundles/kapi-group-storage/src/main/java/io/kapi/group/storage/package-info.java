/**
 * storage.k8s.io/v1 as stored objects: storage classes, CSI drivers, CSI nodes, volume attachments and
 * CSI storage capacities with kube's defaults, validation and printers.
 */
package io.kapi.group.storage;
