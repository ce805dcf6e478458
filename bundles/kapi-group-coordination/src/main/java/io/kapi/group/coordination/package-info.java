/** coordination.k8s.io/v1: leases. The shape of every Kapi group bundle: a strategy, a schema, a provider. */
package io.kapi.group.coordination;
