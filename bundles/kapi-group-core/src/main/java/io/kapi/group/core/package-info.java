/** The core/v1 group: namespaces, configmaps, secrets, serviceaccounts, events. Strategies, schemas and the provider. */
package io.kapi.group.core;
