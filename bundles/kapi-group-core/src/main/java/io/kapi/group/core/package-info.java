/**
 * The core/v1 group: namespaces, configmaps, secrets, serviceaccounts, events, pods, services, endpoints,
 * persistent volumes and claims, nodes, replication controllers, pod templates, limit ranges and resource
 * quotas. Strategies, schemas and the provider.
 */
package io.kapi.group.core;
