/**
 * {@code /metrics}: kube-apiserver's request, watch, in-flight and storage metrics under kube's names
 * and labels, Kapi's own snapshot metrics and the JVM's, through the Prometheus Java client (embedded
 * in this bundle, private).
 *
 * <p>Internal to kapi-core: not exported.
 */
package io.kapi.core.metrics;
