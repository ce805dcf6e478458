/**
 * events.k8s.io/v1 events: the objects of core/v1 events in their other shape, stored as core/v1 Events
 * and converted on every read and write, with kube's validation for writes through events.k8s.io, its
 * printer and its field selectors.
 */
package io.kapi.group.events;
