/** Authenticators (x509 client certificates, static bearer tokens) and the admin authorizer. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.security.authn;
