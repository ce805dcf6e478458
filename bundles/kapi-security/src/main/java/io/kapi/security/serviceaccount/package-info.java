/**
 * Service account tokens as kube-apiserver issues and checks them: the issuer's signing key
 * ({@link io.kapi.security.serviceaccount.ServiceAccountKey}), the JWTs handed out by TokenRequest
 * ({@link io.kapi.security.serviceaccount.ServiceAccountTokenIssuer}) and the authenticator that accepts them
 * ({@link io.kapi.security.serviceaccount.ServiceAccountAuthenticator}). Not exported.
 */
package io.kapi.security.serviceaccount;
