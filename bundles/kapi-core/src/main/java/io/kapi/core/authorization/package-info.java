/** authorization.k8s.io/v1 SelfSubjectAccessReview, served by the core from the authorizers present ({@code kubectl auth can-i}). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.authorization;
