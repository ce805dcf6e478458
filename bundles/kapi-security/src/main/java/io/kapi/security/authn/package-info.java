/**
 * Authenticators after kube's: x509 client certificates verified against the cluster CA, and bearer
 * tokens from a static token file; plus the token file format and its first-start admin token.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.kapi.security.authn;
