/**
 * The head of the delegation chain (kube-aggregator's place): serves the root discovery documents
 * merged from every server behind it. {@code apiregistration.k8s.io} and proxying to remote API
 * servers are not built yet.
 */
package io.kapi.server.aggregator;
