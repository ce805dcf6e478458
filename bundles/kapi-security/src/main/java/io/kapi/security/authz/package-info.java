/** Authorizers: the privileged-group authorizer for {@code system:masters}. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.security.authz;
