/**
 * Service account tokens as kube-apiserver issues and checks them: the issuer's signing key
 * ({@link io.kapi.security.internal.serviceaccount.ServiceAccountKey}), the JWTs handed out by TokenRequest
 * ({@link io.kapi.security.internal.serviceaccount.ServiceAccountTokenIssuer}) and the authenticator that accepts them
 * ({@link io.kapi.security.internal.serviceaccount.ServiceAccountAuthenticator}). Not exported.
 */
package io.kapi.security.internal.serviceaccount;
