/**
 * authorization.k8s.io/v1, served by the core from the authorizers present: SubjectAccessReview,
 * SelfSubjectAccessReview ({@code kubectl auth can-i}), LocalSubjectAccessReview and
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}), and the union of the authorizers that
 * these reviews and the authorization filter share.
 */
package io.kapi.core.authorization;
