/**
 * The certificates Kapi creates and keeps at first start (CA, serving certificate, admin client
 * certificate, PKCS#12 key- and truststore for Jetty), the admin kubeconfig, and the atomic,
 * owner-only file writing they share.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.security.pki;
