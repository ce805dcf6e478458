/** authorization.k8s.io/v1 SelfSubjectAccessReview, served by the core from the authorizers present ({@code kubectl auth can-i}). */
package io.kapi.core.authorization;
