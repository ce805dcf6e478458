/**
 * Server contracts: the delegation chain ({@link io.kapi.api.server.DelegationTarget}), the filter
 * chain ({@link io.kapi.api.server.HandlerFilter}), security plug-ins (service account tokens among them), health and post-start hooks,
 * and the runtime description ({@link io.kapi.api.server.KapiRuntime}) that tests and the shell read.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package io.kapi.api.server;
