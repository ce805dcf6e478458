/** The certificate authority, serving and client certificates, keystores and the admin kubeconfig Kapi creates at first start. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.security.pki;
