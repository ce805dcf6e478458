/**
 * authentication.k8s.io/v1, served by the core: TokenReview from its authenticators, SelfSubjectReview
 * ({@code kubectl auth whoami}) from the request's user.
 */
package io.kapi.core.authentication;
